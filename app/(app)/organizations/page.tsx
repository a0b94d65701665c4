import type { Metadata } from "next";
import Link from "next/link";
import { getFreshness } from "@/db/queries/sync";
import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Widget, WidgetState } from "@/app/_components/widget";
import { getAccessibleTenants, requireSession } from "@/lib/auth/session";
import { listFindings } from "@/lib/compliance/read/findings";
import { getDb } from "@/lib/db";
import { getComplianceSummary } from "@/lib/dashboard/queries/compliance";
import { listRecentFailedJobs } from "@/lib/dashboard/queries/overview";
import { loadCachedWidget } from "@/lib/dashboard/cached-widget";
import { formatDateTime } from "@/lib/format";
import { FullyMet, SCORE_EXPLAINED, ScoreNumber } from "../t/[tenant]/compliance/_components/score";

export const metadata: Metadata = { title: "All organizations" };

/** One organization's scorecard: framework scores, unprotected resources, failures, freshness. */
async function Scorecard({ tenantId }: { tenantId: string }) {
  const db = getDb();
  const result = await loadCachedWidget(
    "organizations.scorecard",
    tenantId,
    null,
    async () => {
      const [summary, freshness, unprotected, failed] = await Promise.all([
        getComplianceSummary(db, tenantId, null),
        getFreshness(db, { tenantId }),
        listFindings(db, {
          tenantId,
          controlId: "BK-01",
          subjectType: "resource",
          status: ["FAIL", "ERROR", "EXCEPTED"],
          limit: 1,
        }),
        listRecentFailedJobs(db, tenantId, 100),
      ]);
      return { summary, freshness, unprotected: unprotected.total, failedJobs: failed.length };
    },
    (r) => (r.freshness.units === 0 ? "Not synced yet." : null),
  );
  return (
    <WidgetState result={result}>
      {({ summary, freshness, unprotected, failedJobs }) => (
        <div className="space-y-3">
          {summary.frameworks.length === 0 ? (
            <p className="text-sm text-slate-500">Synced, not evaluated yet.</p>
          ) : (
            <dl className="grid grid-cols-3 gap-2">
              {summary.frameworks.map((f) => (
                <div key={f.slug}>
                  <dt className="truncate text-xs text-slate-500" title={f.name}>
                    {f.name}
                  </dt>
                  <dd>
                    <ScoreNumber score={f.score} className="text-xl" />
                    <div className="text-[11px]">
                      <FullyMet passing={f.requirementsPassing} applicable={f.requirementsApplicable} />
                    </div>
                  </dd>
                </div>
              ))}
            </dl>
          )}
          <div className="flex flex-wrap gap-1.5 text-xs">
            <Badge tone={unprotected ? "red" : "green"}>{unprotected} unprotected</Badge>
            <Badge tone={failedJobs ? "red" : "green"}>
              {failedJobs >= 100 ? "100+" : failedJobs} failed jobs (7 d)
            </Badge>
            <Badge tone={freshness.stale + freshness.neverSynced ? "amber" : "green"}>
              {freshness.stale + freshness.neverSynced
                ? `${freshness.stale + freshness.neverSynced} units not current`
                : "data current"}
            </Badge>
          </div>
          <p className="text-xs text-slate-500">
            Data read {freshness.oldestPublishedAt ? formatDateTime(freshness.oldestPublishedAt) : "never"}
          </p>
        </div>
      )}
    </WidgetState>
  );
}

export default async function AllOrganizationsPage() {
  await requireSession();
  const tenants = await getAccessibleTenants();
  return (
    <div>
      <PageHeader
        title="All organizations"
        description={`A scorecard per organization you can see: compliance per framework, unprotected resources, failed jobs and how fresh the data is. ${SCORE_EXPLAINED}`}
      />
      {tenants.length === 0 ? (
        <EmptyState title="No organizations">You have not been given access to any organization.</EmptyState>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3">
          {tenants.map((t) => (
            <li key={t.tenantId}>
              <Widget
                title={t.name}
                actions={
                  <Link href={`/t/${t.slug}/overview`} className="text-xs font-medium text-brand-700 hover:underline">
                    Open →
                  </Link>
                }
              >
                <Scorecard tenantId={t.tenantId} />
              </Widget>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
