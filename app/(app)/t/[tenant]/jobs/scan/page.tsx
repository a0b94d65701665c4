import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { Badge } from "@/app/_components/ui/badge";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { scanJobsTable } from "@/lib/dashboard/tables/jobs";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatDateTime } from "@/lib/format";
import { scanStatusLabel } from "@/lib/inventory/scan-status";
import { JobFilterBar } from "../job-filters";
import { ResourceCell } from "../../_components/resource-cell";
import { AccountName } from "../../_components/account-cell";

export const metadata: Metadata = { title: "Malware scans" };

export default async function ScanJobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const pathname = `/t/${slug}/jobs/scan`;
  const [loaded, names] = await Promise.all([loadTable(scanJobsTable, tenant, sp), getAccountNames(tenant.tenantId)]);
  const values = (loaded.ok ? loaded.filters : {}) as Record<string, string | undefined>;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        GuardDuty malware scans of recovery points, started by the plans&apos; scan actions. A point whose scan found
        threats cannot be trusted for a restore; the newest point scanned clean is what BK-18 measures.
      </p>
      <JobFilterBar
        pathname={pathname}
        values={values}
        states={["COMPLETED", "COMPLETED_WITH_ISSUES", "FAILED", "CANCELED", "RUNNING", "CREATED"]}
        extra="problems"
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Malware scan jobs, threats and failures first"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}/${r.region}/${r.scanJobId}`}
        empty="No scan jobs in this window. Add a scan action (GuardDuty) to a plan's rules to scan its recovery points."
        columns={[
          {
            key: "result",
            label: "Result",
            render: (r) => (
              <Badge
                tone={
                  r.scanResultStatus === "THREATS_FOUND"
                    ? "red"
                    : r.state === "FAILED" || r.state === "COMPLETED_WITH_ISSUES"
                      ? "amber"
                      : r.scanResultStatus === "NO_THREATS_FOUND"
                        ? "green"
                        : "gray"
                }
              >
                {r.scanResultStatus === "NO_THREATS_FOUND" || r.scanResultStatus === "THREATS_FOUND"
                  ? scanStatusLabel(r.scanResultStatus)
                  : r.state.toLowerCase().replaceAll("_", " ")}
              </Badge>
            ),
          },
          {
            key: "job",
            label: "Job",
            render: (r) => (
              <span className="font-mono text-xs" title={r.scanJobId}>
                {r.scanJobId.slice(0, 8)}
              </span>
            ),
          },
          {
            key: "resource",
            label: "Resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
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
            key: "vault",
            label: "Vault",
            render: (r) => (
              <span className="text-xs whitespace-nowrap" title={r.recoveryPointArn}>
                {r.backupVaultName}
              </span>
            ),
          },
          {
            key: "mode",
            label: "Mode",
            render: (r) => (
              <span className="text-xs text-slate-600">{r.scanMode?.toLowerCase().replace("_scan", "") ?? "—"}</span>
            ),
          },
          {
            key: "message",
            label: "Message",
            render: (r) => <span className="block max-w-xs text-xs text-slate-600">{r.statusMessage ?? ""}</span>,
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
