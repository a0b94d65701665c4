import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { Badge } from "@/app/_components/ui/badge";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { restoreJobsTable } from "@/lib/dashboard/tables/jobs";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatDateTime } from "@/lib/format";
import { JobFilterBar } from "../job-filters";
import { ResourceCell } from "../../_components/resource-cell";
import { AccountName } from "../../_components/account-cell";
import { JobCell } from "../../_components/job-cell";

export const metadata: Metadata = { title: "Restores and restore tests" };

export default async function RestoreJobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const pathname = `/t/${slug}/jobs/restore`;
  const [loaded, names] = await Promise.all([
    loadTable(restoreJobsTable, tenant, sp),
    getAccountNames(tenant.tenantId),
  ]);
  const values = (loaded.ok ? loaded.filters : {}) as Record<string, string | undefined>;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        Restore jobs of the last 90 days (widen the dates for more). Jobs started by a restore testing plan are marked;
        their duration is what the restore-time control (BK-10) measures.
      </p>
      <JobFilterBar
        pathname={pathname}
        values={values}
        states={["COMPLETED", "FAILED", "ABORTED", "RUNNING", "PENDING"]}
        extra="tests"
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Restore jobs, failures first"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}/${r.region}/${r.restoreJobId}`}
        empty="No restore jobs in this window. Restore testing plans prove backups can be restored (BK-13)."
        columns={[
          {
            key: "status",
            label: "Status",
            render: (r) => (
              <Badge tone={r.problem ? "red" : r.status === "COMPLETED" ? "green" : "gray"}>
                {r.status.toLowerCase()}
              </Badge>
            ),
          },
          {
            key: "job",
            label: "Job",
            render: (r) => <JobCell slug={slug} kind="restore" jobId={r.restoreJobId} />,
          },
          {
            key: "kind",
            label: "Kind",
            render: (r) =>
              r.restoreTestingPlanArn ? (
                <Badge tone="blue" title={r.restoreTestingPlanArn}>
                  Restore test
                </Badge>
              ) : (
                <span className="text-xs text-slate-600">Manual restore</span>
              ),
          },
          {
            key: "resource",
            label: "Source resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
                arn={r.sourceResourceArn ?? r.recoveryPointArn}
                linked={r.sourceResourceArn !== null}
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
            key: "duration",
            label: "Took",
            render: (r) => (
              <span className="text-xs whitespace-nowrap">{r.minutes === null ? "—" : `${r.minutes} min`}</span>
            ),
          },
          {
            key: "validation",
            label: "Validation",
            render: (r) => <span className="text-xs">{r.validationStatus?.toLowerCase() ?? "—"}</span>,
          },
          {
            key: "created",
            label: "Started",
            render: (r) => <span className="text-xs whitespace-nowrap">{formatDateTime(r.creationDate)}</span>,
          },
        ]}
      />
    </div>
  );
}
