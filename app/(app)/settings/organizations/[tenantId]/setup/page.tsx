import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { z } from "zod";
import { CopyButton } from "@/app/_components/form/copy-button";
import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import { PageHeader } from "@/app/_components/ui/page-header";
import { SyncNowForm } from "@/app/(app)/t/[tenant]/sync/sync-now-form";
import { listTenants } from "@/lib/admin/tenants";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { loadSetupFacts } from "@/lib/onboarding/setup-facts";
import { setupStepStates, type SetupStep, type StepState } from "@/lib/onboarding/setup-steps";
import { ConnectionTestSection } from "../connection-test-section";
import { RoleTemplatesPending, RoleTemplatesSection } from "../role-templates-section";

export const metadata: Metadata = { title: "Set up organization" };

const STATE_BADGE: Record<StepState, { tone: BadgeTone; label: string }> = {
  done: { tone: "green", label: "Done" },
  current: { tone: "blue", label: "Next" },
  todo: { tone: "gray", label: "To do" },
  problem: { tone: "red", label: "Needs fixing" },
  attention: { tone: "amber", label: "Some checks failed" },
};

const NUMBER_CLASS: Record<StepState, string> = {
  done: "bg-emerald-600 text-white",
  current: "bg-brand-600 text-white",
  todo: "bg-slate-200 text-slate-600",
  problem: "bg-red-600 text-white",
  attention: "bg-amber-500 text-white",
};

function Step({
  n,
  id,
  title,
  state,
  summary,
  children,
}: {
  n: number;
  id: SetupStep;
  title: string;
  state: StepState;
  summary: React.ReactNode;
  children?: React.ReactNode;
}) {
  const badge = STATE_BADGE[state];
  return (
    <li className="relative min-w-0 pb-8 pl-12 last:pb-0" data-testid={`setup-step-${id}`} data-state={state}>
      <span aria-hidden className="absolute top-8 bottom-0 left-[15px] w-px bg-slate-200 [li:last-child>&]:hidden" />
      <span
        aria-hidden
        className={`absolute top-0 left-0 flex size-8 items-center justify-center rounded-full text-sm font-semibold ${NUMBER_CLASS[state]}`}
      >
        {state === "done" ? "✓" : n}
      </span>
      <div className="flex flex-wrap items-center gap-2 pt-1">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        <Badge tone={badge.tone}>{badge.label}</Badge>
      </div>
      <div className="mt-1 max-w-3xl text-sm text-slate-600 [overflow-wrap:anywhere]">{summary}</div>
      {children && <div className="mt-4 min-w-0 space-y-4">{children}</div>}
    </li>
  );
}

/**
 * The setup guide for a new organization: what to deploy in AWS, a test that the roles work, the
 * first sync. Each step's state comes from what the product has seen, so the page is also the
 * answer to "why does this organization show nothing yet?".
 */
export default async function SetupPage({ params }: { params: Promise<{ tenantId: string }> }) {
  await requireGlobalPage("tenant:manage");
  const { tenantId } = await params;
  if (!z.uuid().safeParse(tenantId).success) notFound();
  const db = getDb();
  const tenant = (await listTenants(db)).find((t) => t.id === tenantId);
  if (!tenant) notFound();
  const facts = await loadSetupFacts(db, tenant.id);
  const states = setupStepStates(facts);
  const settingsHref = `/settings/organizations/${tenant.id}`;
  const run = facts.latestRun;
  return (
    <div className="space-y-6">
      <Link href={settingsHref} className="text-sm text-brand-700 hover:underline">
        ← {tenant.name}
      </Link>
      <PageHeader
        title={`Set up ${tenant.name}`}
        description="Four steps from an AWS Organization to its first findings: the product reads through two roles you create, then syncs every account and region in scope."
      />
      <ol className="min-w-0">
        <Step
          n={1}
          id="organization"
          title="Organization added"
          state={states.organization}
          summary={
            <>
              Management account <span className="font-mono">{tenant.managementAccountId}</span>, entry role{" "}
              <span className="font-mono break-all">{tenant.managementRoleArn}</span>, {tenant.regions.length}{" "}
              region(s): {tenant.regions.join(", ")}.{" "}
              <Link href={`${settingsHref}#settings`} className="font-medium text-brand-700 hover:underline">
                Change
              </Link>
            </>
          }
        />
        <Step
          n={2}
          id="roles"
          title="Create the roles in AWS"
          state={states.roles}
          summary={
            states.roles === "problem" ? (
              <span className="text-red-800">
                The last connection test could not assume the entry role: deploy the first template below in the
                management (or delegated administrator) account, check its ExternalId, then test again.
              </span>
            ) : (
              <>
                Deploy these in order: the entry role trusts this product with the ExternalId below; the StackSet puts
                the read-only member role in every account. The optional policy-push role is needed only to push backup
                policies.
              </>
            )
          }
        >
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <span className="text-slate-600">ExternalId</span>
            <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all">{tenant.externalId}</code>
            <CopyButton value={tenant.externalId} label="Copy ExternalId" />
          </div>
          <Suspense fallback={<RoleTemplatesPending />}>
            <RoleTemplatesSection tenantId={tenant.id} />
          </Suspense>
        </Step>
        <Step
          n={3}
          id="connection"
          title="Test the connection"
          state={states.connection}
          summary={
            facts.connection
              ? `Last tested ${formatDateTime(facts.connection.at)}: ${
                  facts.connection.failedChecks === 0
                    ? "every check passed."
                    : `${facts.connection.failedChecks} check(s) failed; what to fix is listed with the matrix. Accounts that cannot be read do not stop the sync: they show as unread until fixed.`
                }`
              : "Assumes every role in every account and region in scope and says what to fix, before anything is synced."
          }
        >
          <ConnectionTestSection tenantId={tenant.id} />
        </Step>
        <Step
          n={4}
          id="first-sync"
          title="Run the first sync"
          state={states["first-sync"]}
          summary={
            run ? (
              <>
                Latest sync: <span className="font-medium">{run.status}</span>
                {run.finishedAt && ` at ${formatDateTime(run.finishedAt)}`}.{" "}
                {facts.hasSynced ? (
                  <Link href={`/t/${tenant.slug}/overview`} className="font-medium text-brand-700 hover:underline">
                    Open the dashboard
                  </Link>
                ) : (
                  <Link href={`/t/${tenant.slug}/sync`} className="font-medium text-brand-700 hover:underline">
                    Follow it on the Sync page
                  </Link>
                )}
              </>
            ) : (
              "Reads every account and region in scope; the findings follow within a minute of it finishing. After this one, syncs run on the organization's schedule."
            )
          }
        >
          {!facts.hasSynced && states["first-sync"] !== "todo" && (
            <div className="flex">
              <SyncNowForm tenantId={tenant.id} />
            </div>
          )}
        </Step>
      </ol>
    </div>
  );
}
