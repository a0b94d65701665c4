import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { getTenantDrift } from "@/lib/policies/drift";
import { UNIT_STATES } from "@/lib/policies/drift-report";
import { AccountDriftTable } from "./account-drift-table";
import { UNIT_STATE } from "./drift-badges";
import { PolicyDriftTable } from "./policy-drift-table";

export const metadata: Metadata = { title: "Policy drift" };

// Anyone who may read the organization sees its drift (tenant:read, checked on the server by
// requireTenantPage); the re-push and adopt buttons show for policy:draft, and their actions check
// it again themselves.
export default async function DriftPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ show?: string }>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const { show } = await searchParams;
  const problemsOnly = show === "problems";
  const drift = await getTenantDrift(getDb(), { tenantId: tenant.tenantId });
  const canDraft = tenant.capabilities.includes("policy:draft");
  const names = new Map<string, string>();
  for (const n of drift.nodes) {
    names.set(n.id, n.kind === "root" ? "the root" : `OU ${n.name}`);
    for (const a of n.accounts) names.set(a.accountId, `${a.name} (${a.accountId})`);
  }
  const nameOf = (id: string) => names.get(id) ?? id;
  const base = `/t/${slug}/policies/drift`;

  return (
    <div className="space-y-5">
      <PageHeader
        title="Drift"
        description="Four things compared for every account and region: the version this product last pushed, the policy AWS holds now (changed in the console or by another tool?), the plans AWS Backup materialised from the effective policy, and the plans made by hand."
      />
      {drift.nodes.length === 0 ? (
        <EmptyState title={`${tenant.name}: not synced yet`}>
          Drift appears once a sync has read the organization.
        </EmptyState>
      ) : (
        <>
          {!drift.orgRead && (
            <Alert tone="warning">
              The last sync could not read the organization&apos;s backup policies, so nothing can be compared. See the
              Sync page, then sync again.
            </Alert>
          )}
          <Card
            title="Managed policies"
            description={
              drift.readAt
                ? `AWS as read by the sync of ${formatDateTime(drift.readAt)}. Re-push and adopt each make a new version that needs approval before it is pushed.`
                : undefined
            }
          >
            {drift.policies.length === 0 ? (
              <p className="text-sm text-slate-600">
                This product has pushed no policy to this organization yet, so only materialisation and hand-made plans
                are compared below.{" "}
                <Link href={`/t/${slug}/policies`} className="text-brand-700 hover:underline">
                  Backup policies
                </Link>
              </p>
            ) : (
              <PolicyDriftTable
                drift={drift}
                slug={slug}
                tenantId={tenant.tenantId}
                canDraft={canDraft}
                nameOf={nameOf}
              />
            )}
          </Card>
          <Card
            title="By OU and account"
            description="Each account and region once, under its OU; the OU line shows the policies attached there. Policy names in blue are the ones this product manages."
            actions={
              <span className="flex gap-3 text-xs">
                <Link
                  href={base}
                  aria-current={!problemsOnly ? "page" : undefined}
                  className={!problemsOnly ? "font-semibold text-slate-900" : "text-brand-700 hover:underline"}
                >
                  All
                </Link>
                <Link
                  href={`${base}?show=problems`}
                  aria-current={problemsOnly ? "page" : undefined}
                  className={problemsOnly ? "font-semibold text-slate-900" : "text-brand-700 hover:underline"}
                >
                  Needing attention
                </Link>
              </span>
            }
          >
            <ul
              className="mb-4 flex flex-wrap gap-x-4 gap-y-1.5 text-xs text-slate-600"
              aria-label="Account-regions per state"
            >
              {UNIT_STATES.map((s) => (
                <li key={s} className="flex items-center gap-1.5" title={UNIT_STATE[s].meaning}>
                  <Badge tone={UNIT_STATE[s].tone}>{UNIT_STATE[s].label}</Badge>
                  <span className="tabular-nums">{drift.counts[s]}</span>
                </li>
              ))}
            </ul>
            <AccountDriftTable nodes={drift.nodes} problemsOnly={problemsOnly} />
          </Card>
        </>
      )}
    </div>
  );
}
