import type { Metadata } from "next";
import { StackedBars } from "@/app/_components/charts/stacked-bars";
import { LoadedDataTable } from "@/app/_components/data-table";
import { Badge } from "@/app/_components/ui/badge";
import { Widget, WidgetState } from "@/app/_components/widget";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { getBackupJobTrend } from "@/lib/dashboard/queries/job-trends";
import { backupJobsTable } from "@/lib/dashboard/tables/jobs";
import type { SearchParams } from "@/lib/dashboard/url";
import { loadDailyWidget } from "@/lib/dashboard/cached-widget";
import { formatDateTime, formatDuration } from "@/lib/format";
import { JobFilterBar, jobStateTone } from "./job-filters";
import { ResourceCell } from "../_components/resource-cell";
import { AccountName } from "../_components/account-cell";
import { JobCell } from "../_components/job-cell";

export const metadata: Metadata = { title: "Backup jobs" };
const STATES = [
  "COMPLETED",
  "COMPLETED_WITH_ISSUES",
  "FAILED",
  "ABORTED",
  "EXPIRED",
  "PARTIAL",
  "RUNNING",
  "CREATED",
  "PENDING",
];

async function TrendWidget({ tenantId }: { tenantId: string }) {
  const result = await loadDailyWidget(
    "jobs.trend",
    tenantId,
    null,
    (today) => getBackupJobTrend(getDb(), tenantId, 30, today),
    (days) =>
      days.every((d) => d.completed + d.withIssues + d.failed + d.other === 0)
        ? "No backup jobs in the last 30 days."
        : null,
  );
  return (
    <WidgetState result={result}>
      {(days) => (
        <StackedBars
          label="Backup jobs per day over the last 30 days, by outcome"
          data={days as unknown as Array<Record<string, string | number>>}
          xKey="day"
          series={[
            { key: "completed", label: "Completed", color: "#10b981" },
            { key: "withIssues", label: "Completed with issues", color: "#f59e0b" },
            { key: "failed", label: "Failed, aborted, expired", color: "#ef4444" },
            { key: "other", label: "Running or pending", color: "#94a3b8" },
          ]}
        />
      )}
    </WidgetState>
  );
}

export default async function BackupJobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const pathname = `/t/${slug}/jobs`;
  const [loaded, names] = await Promise.all([loadTable(backupJobsTable, tenant, sp), getAccountNames(tenant.tenantId)]);
  const values = (loaded.ok ? loaded.filters : {}) as Record<string, string | undefined>;
  return (
    <div className="space-y-4">
      <Widget
        title="Backup jobs, last 30 days"
        description="Per UTC day. Completed with issues = COMPLETED with a message category other than SUCCESS."
      >
        <TrendWidget tenantId={tenant.tenantId} />
      </Widget>
      <JobFilterBar pathname={pathname} values={values} states={STATES} extra="problems" />
      <LoadedDataTable
        loaded={loaded}
        caption="Backup jobs, failures first"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}/${r.region}/${r.backupJobId}`}
        empty={
          values.from
            ? "No backup jobs match."
            : "No backup jobs in the last 7 days match. Widen the dates to see older history."
        }
        columns={[
          {
            key: "state",
            label: "State",
            render: (r) => (
              <Badge tone={jobStateTone(r.state, r.problem)}>
                {r.state === "COMPLETED" && r.problem ? "completed with issues" : r.state.toLowerCase()}
              </Badge>
            ),
          },
          {
            key: "job",
            label: "Job",
            render: (r) => <JobCell slug={slug} kind="backup" jobId={r.backupJobId} />,
          },
          {
            key: "resource",
            label: "Resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
                width="max-w-sm"
                arn={r.resourceArn}
                detail={
                  <>
                    {r.resourceType} · <AccountName name={names.get(r.accountId)} slug={slug} accountId={r.accountId} />{" "}
                    · {r.region}
                  </>
                }
              />
            ),
          },
          {
            key: "message",
            label: "Message",
            render: (r) => <span className="block max-w-md text-xs text-slate-700">{r.statusMessage ?? "—"}</span>,
          },
          { key: "vault", label: "Vault", render: (r) => <span className="text-xs">{r.backupVaultName}</span> },
          {
            key: "created",
            label: "Started",
            render: (r) => <span className="text-xs whitespace-nowrap">{formatDateTime(r.creationDate)}</span>,
          },
          {
            key: "took",
            label: "Took",
            render: (r) => (
              <span className="text-xs whitespace-nowrap">
                {r.completionDate ? formatDuration(r.completionDate.getTime() - r.creationDate.getTime()) : "—"}
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
