import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Badge } from "@/app/_components/ui/badge";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { recoveryPointsTable, type RecoveryPointFilters } from "@/lib/dashboard/tables/recovery-points";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatBytes, formatDate, formatDateTime } from "@/lib/format";
import { scanStatusLabel } from "@/lib/inventory/scan-status";
import { ResourceCell } from "../../_components/resource-cell";
import { AccountName } from "../../_components/account-cell";

export const metadata: Metadata = { title: "Recovery points" };

const STATUSES = ["COMPLETED", "PARTIAL", "DELETING", "EXPIRED", "AVAILABLE", "STOPPED", "CREATING"];

export default async function RecoveryPointsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const [loaded, names] = await Promise.all([
    loadTable(recoveryPointsTable, tenant, sp),
    getAccountNames(tenant.tenantId),
  ]);
  const pathname = `/t/${slug}/backups/recovery-points`;
  const f: Partial<RecoveryPointFilters> = loaded.ok ? loaded.filters : {};
  return (
    <div className="space-y-4">
      <FilterBar
        label="Filter recovery points"
        pathname={pathname}
        keep={{ dir: typeof sp.dir === "string" ? sp.dir : undefined }}
        fields={[
          { kind: "text", name: "account", label: "Account", placeholder: "123456789012", value: f.account },
          { kind: "text", name: "region", label: "Region", placeholder: "us-east-1", value: f.region },
          { kind: "text", name: "vault", label: "Vault", value: f.vault },
          {
            kind: "select",
            name: "resourceType",
            label: "Resource type",
            value: f.resourceType,
            options: RESOURCE_TYPES.map((t) => ({ value: t, label: t })),
          },
          {
            kind: "select",
            name: "status",
            label: "Status",
            value: f.status,
            options: STATUSES.map((s) => ({ value: s, label: s.toLowerCase() })),
          },
          {
            kind: "select",
            name: "encrypted",
            label: "Encrypted",
            value: f.encrypted,
            options: [
              { value: "yes", label: "Yes" },
              { value: "no", label: "No" },
            ],
          },
          {
            kind: "select",
            name: "scan",
            label: "Malware scan",
            value: f.scan,
            options: [
              { value: "clean", label: "Clean" },
              { value: "threats", label: "Threats found" },
              { value: "failed", label: "Scan failed" },
              { value: "unscanned", label: "Not scanned" },
            ],
          },
          { kind: "text", name: "resource", label: "Resource ARN contains", value: f.resource },
          { kind: "date", name: "from", label: "Created from", value: f.from },
          { kind: "date", name: "to", label: "Created to", value: f.to },
        ]}
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Recovery points"
        pathname={pathname}
        searchParams={sp}
        sort={{ key: "created", dir: f.dir ?? "desc" }}
        rowKey={(r) => r.recoveryPointArn}
        empty="No recovery points match these filters."
        columns={[
          {
            key: "created",
            label: "Created",
            sort: "created",
            render: (r) => <span className="text-xs whitespace-nowrap">{formatDateTime(r.creationDate)}</span>,
          },
          {
            key: "resource",
            label: "Resource",
            render: (r) => (
              <ResourceCell
                slug={slug}
                width="max-w-md"
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
              <span className="text-xs">
                {r.backupVaultName}
                {r.sourceBackupVaultArn && <div className="text-slate-500">copy</div>}
              </span>
            ),
          },
          {
            key: "status",
            label: "Status",
            render: (r) => (
              <Badge
                tone={
                  r.status === "COMPLETED" || r.status === "AVAILABLE"
                    ? "green"
                    : r.status === "PARTIAL"
                      ? "amber"
                      : "gray"
                }
              >
                {r.status.toLowerCase()}
              </Badge>
            ),
          },
          {
            key: "encrypted",
            label: "Encrypted",
            render: (r) =>
              r.isEncrypted ? <span className="text-xs text-slate-700">Yes</span> : <Badge tone="red">No</Badge>,
          },
          {
            key: "scan",
            label: "Malware scan",
            render: (r) => (
              <span className="text-xs whitespace-nowrap">
                <Badge
                  tone={
                    r.scanStatus === "NO_THREATS_FOUND"
                      ? "green"
                      : r.scanStatus === "THREATS_FOUND"
                        ? "red"
                        : r.scanStatus === "FAILED"
                          ? "amber"
                          : "gray"
                  }
                >
                  {scanStatusLabel(r.scanStatus)}
                </Badge>
                {r.scannedAt && <div className="text-slate-500">{formatDate(r.scannedAt)}</div>}
              </span>
            ),
          },
          {
            key: "retention",
            label: "Retention",
            render: (r) => (
              <span className="text-xs whitespace-nowrap">
                {r.deleteAfterDays ? (
                  `${r.deleteAfterDays} days`
                ) : r.deleteAfterEvent ? null : (
                  <Badge tone="amber">never expires</Badge>
                )}
                {r.deleteAfterEvent === "DELETE_AFTER_COPY" && (
                  <div className="text-slate-500" title="AWS deletes this point once its copy completes">
                    deleted after copy
                  </div>
                )}
                {r.deleteAt && <div className="text-slate-500">until {formatDate(r.deleteAt)}</div>}
              </span>
            ),
          },
          {
            key: "size",
            label: "Size",
            className: "text-right",
            render: (r) => <span className="text-xs">{formatBytes(r.backupSizeBytes)}</span>,
          },
        ]}
      />
    </div>
  );
}
