import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { Badge } from "@/app/_components/ui/badge";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { copyJobsTable } from "@/lib/dashboard/tables/jobs";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatDateTime } from "@/lib/format";
import { JobFilterBar, jobStateTone } from "../job-filters";
import { ResourceCell } from "../../_components/resource-cell";
import { AccountName } from "../../_components/account-cell";
import { JobCell } from "../../_components/job-cell";

export const metadata: Metadata = { title: "Copy jobs" };

/** "arn:aws:backup:eu-west-1:123:backup-vault:name" → "123 eu-west-1 name". */
const vaultLabel = (arn: string) => {
  const p = arn.split(":");
  return `${p[4]} ${p[3]} ${p[6] ?? ""}`;
};

export default async function CopyJobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const pathname = `/t/${slug}/jobs/copy`;
  const [loaded, names] = await Promise.all([loadTable(copyJobsTable, tenant, sp), getAccountNames(tenant.tenantId)]);
  const values = (loaded.ok ? loaded.filters : {}) as Record<string, string | undefined>;
  return (
    <div className="space-y-4">
      <JobFilterBar
        pathname={pathname}
        values={values}
        states={["COMPLETED", "FAILED", "PARTIAL", "RUNNING", "CREATED"]}
        extra="problems"
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Copy jobs, failures first"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}/${r.region}/${r.copyJobId}`}
        empty="No copy jobs match in this window."
        columns={[
          {
            key: "state",
            label: "State",
            render: (r) => <Badge tone={jobStateTone(r.state, r.problem)}>{r.state.toLowerCase()}</Badge>,
          },
          {
            key: "job",
            label: "Job",
            render: (r) => <JobCell slug={slug} kind="copy" jobId={r.copyJobId} />,
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
            key: "route",
            label: "From → to",
            render: (r) => (
              <span className="text-xs">
                <span className="font-mono">{vaultLabel(r.sourceBackupVaultArn)}</span>
                <br />→ <span className="font-mono">{vaultLabel(r.destinationBackupVaultArn)}</span>
              </span>
            ),
          },
          {
            key: "message",
            label: "Message",
            render: (r) => <span className="block max-w-sm text-xs">{r.statusMessage ?? "—"}</span>,
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
