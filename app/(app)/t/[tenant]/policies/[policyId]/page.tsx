import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/app/_components/ui/alert";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { roleHas } from "@/lib/auth/permissions";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getPolicyHistory, getPolicySettings, listPushSteps, type VersionView } from "@/lib/policies/read";
import { getVersion } from "@/lib/policies/store";
import { listTargetOptions } from "@/lib/policies/screens";
import { ApprovalsSetting } from "./approvals-setting";
import type { VersionActionsView } from "./version-actions";
import { VersionCard } from "./version-card";

export const metadata: Metadata = { title: "Backup policy" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Documents read for diffs: the newest versions only, so a long history stays quick. */
const DIFFED_VERSIONS = 30;

export default async function PolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; policyId: string }>;
  searchParams: Promise<{ saved?: string }>;
}) {
  const { tenant: slug, policyId } = await params;
  const { session, tenant } = await requireTenantPage(slug);
  if (!UUID.test(policyId)) notFound();
  const db = getDb();
  const tenantId = tenant.tenantId;
  const history = await getPolicyHistory(db, { tenantId, policyId }).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { versions, pushes, policy } = history;
  const [targets, settings, contents, stepLists] = await Promise.all([
    listTargetOptions(db, { tenantId }),
    getPolicySettings(db, { tenantId }),
    Promise.all(
      versions.slice(0, DIFFED_VERSIONS + 1).map((v) => getVersion(db, { tenantId, versionId: v.versionId })),
    ),
    Promise.all(pushes.map((p) => listPushSteps(db, { tenantId, pushId: p.pushId }))),
  ]);
  const content = new Map(contents.map((c) => [c.versionId, c.content]));
  const steps = new Map(pushes.map((p, i) => [p.pushId, stepLists[i]!]));
  const required = settings.requiredApprovals;
  const canDraft = tenant.capabilities.includes("policy:draft");
  const canPush = tenant.capabilities.includes("policy:push");
  const latest = versions[0];
  const base = `/t/${slug}/policies/${policyId}`;
  const saved = Number((await searchParams).saved);

  const actionsOf = (v: VersionView): VersionActionsView | null => {
    const isAuthor = v.authorEmail.toLowerCase() === session.email.toLowerCase();
    const approvals = v.decisions.filter((d) => d.decision === "approved");
    const mine = approvals.some((d) => d.approverEmail.toLowerCase() === session.email.toLowerCase());
    const view: VersionActionsView = {
      tenantId,
      policyId,
      versionId: v.versionId,
      version: v.version,
      // The author hands their own draft over; someone else's draft is theirs to finish.
      submit: canDraft && v.state === "draft" && isAuthor,
      decide:
        canPush && v.state === "submitted"
          ? {
              blocked: isAuthor
                ? `You wrote version ${v.version}: another person with the push permission must approve or reject it (two-person control).`
                : mine
                  ? `You approved version ${v.version}; ${required - approvals.length} more approval from someone else is needed.`
                  : null,
            }
          : null,
      push:
        canPush && (v.state === "approved" || v.state === "pushed")
          ? { again: v.state === "pushed", targets: v.targets.length }
          : null,
      // A rejected version's content was refused by an approver; reviving it is a new draft, not a rollback.
      rollback: canPush && v !== latest && v.state !== "draft" && v.state !== "rejected",
      editHref: canDraft && v === latest ? `${base}/edit?from=${v.version}` : null,
      previewHref: ["draft", "submitted", "approved"].includes(v.state)
        ? `/t/${slug}/policies/${policyId}/preview?version=${v.version}`
        : null,
    };
    const any = view.submit || view.decide || view.push || view.rollback || view.editHref || view.previewHref;
    return any ? view : null;
  };

  return (
    <div className="space-y-5">
      <PageHeader
        title={policy.name}
        description={
          <>
            {policy.awsPolicyId ? (
              <>
                In AWS as <span className="font-mono">{policy.awsPolicyId}</span>.{" "}
              </>
            ) : (
              "Not in AWS yet: no version has been pushed. "
            )}
            Each version needs {required === 1 ? "one approval from someone" : "two approvals from people"} with the
            push permission other than its author. Every version is kept; rolling back makes a new version with an
            earlier one&apos;s content, approved like any other.
          </>
        }
        actions={
          <>
            <Link href={`/t/${slug}/policies/drift`} className={buttonClass("secondary")}>
              Drift
            </Link>
            {canDraft && latest && (
              <Link href={`${base}/edit`} className={buttonClass()}>
                New version
              </Link>
            )}
          </>
        }
      />
      {Number.isInteger(saved) && saved > 0 && (
        <Alert tone="success">
          Version {saved} saved as a draft.{canDraft ? " Submit it for approval when it is ready." : ""}
        </Alert>
      )}
      {roleHas(session.role, "tenant:manage") && (
        <Card
          title="Two-person control"
          description="How many people other than the author must approve each version of this organization's policies before it can be pushed. It applies to approvals given from now on."
        >
          <ApprovalsSetting tenantId={tenantId} required={required} />
        </Card>
      )}
      <div className="space-y-4">
        <h2 className="text-sm font-semibold text-slate-900">
          {versions.length} version{versions.length === 1 ? "" : "s"}, newest first
        </h2>
        {versions.map((v, i) => {
          const previous = versions[i + 1];
          return (
            <VersionCard
              key={v.versionId}
              v={v}
              content={content.get(v.versionId) ?? null}
              previous={
                previous ? { version: previous.version, content: content.get(previous.versionId) ?? null } : null
              }
              pushes={pushes.filter((p) => p.versionId === v.versionId)}
              steps={steps}
              targets={targets}
              required={required}
              actions={actionsOf(v)}
              latest={v === latest}
              inAws={v.state === "pushed"}
            />
          );
        })}
      </div>
    </div>
  );
}
