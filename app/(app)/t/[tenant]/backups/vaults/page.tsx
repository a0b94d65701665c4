import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { vaultsTable, type VaultListRow } from "@/lib/dashboard/tables/vaults";
import type { SearchParams } from "@/lib/dashboard/url";
import { AccountName } from "../../_components/account-cell";

export const metadata: Metadata = { title: "Backup vaults" };

const LOCK: Record<VaultListRow["lockMode"], { label: string; tone: BadgeTone }> = {
  none: { label: "No lock", tone: "gray" },
  governance: { label: "Governance", tone: "amber" },
  "compliance-grace": { label: "Compliance (grace time)", tone: "amber" },
  compliance: { label: "Compliance", tone: "green" },
};
const DELETION: Record<VaultListRow["deletionProtection"], { label: string; tone: BadgeTone }> = {
  all: { label: "Protected", tone: "green" },
  partial: { label: "Partial", tone: "amber" },
  none: { label: "None", tone: "red" },
  unreadable: { label: "Unreadable policy", tone: "red" },
};

export default async function VaultsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const sp = await searchParams;
  const [loaded, names] = await Promise.all([loadTable(vaultsTable, tenant, sp), getAccountNames(tenant.tenantId)]);
  const pathname = `/t/${slug}/backups/vaults`;
  const f = (loaded.ok ? loaded.filters : {}) as { account?: string; region?: string; lock?: string };
  return (
    <div className="space-y-4">
      <FilterBar
        label="Filter vaults"
        pathname={pathname}
        fields={[
          { kind: "text", name: "account", label: "Account", placeholder: "123456789012", value: f.account },
          { kind: "text", name: "region", label: "Region", placeholder: "us-east-1", value: f.region },
          {
            kind: "select",
            name: "lock",
            label: "Vault Lock",
            value: f.lock,
            options: [
              { value: "none", label: "No lock" },
              { value: "governance", label: "Governance" },
              { value: "compliance", label: "Compliance" },
            ],
          },
        ]}
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Backup vaults"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => r.vaultArn}
        empty="No vaults match. Vaults appear after a sync."
        columns={[
          {
            key: "vault",
            label: "Vault",
            render: (r) => (
              <div>
                <div className="font-medium">{r.vaultName}</div>
                {r.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" && <Badge tone="blue">Logically air-gapped</Badge>}
              </div>
            ),
          },
          {
            key: "where",
            label: "Account / region",
            render: (r) => (
              <span className="text-xs">
                <AccountName name={names.get(r.accountId)} slug={slug} accountId={r.accountId} />
                <br />
                <span className="font-mono">{r.region}</span>
              </span>
            ),
          },
          {
            key: "key",
            label: "Encryption",
            render: (r) =>
              r.encryptionKeyType === "CUSTOMER_MANAGED_KMS_KEY" ? (
                <Badge tone="green">Customer-managed key</Badge>
              ) : r.encryptionKeyType ? (
                <Badge tone="gray">
                  {r.encryptionKeyType === "AWS_OWNED_KMS_KEY" ? "AWS-owned key" : "AWS-managed key"}
                </Badge>
              ) : (
                <span title={r.encryptionKeyArn ?? undefined} className="text-xs text-slate-500">
                  Key type not reported
                  <div className="font-mono">…{r.encryptionKeyArn?.slice(-12)}</div>
                </span>
              ),
          },
          {
            key: "lock",
            label: "Vault Lock",
            render: (r) => (
              <span title={r.lockSummary}>
                <Badge tone={LOCK[r.lockMode].tone}>{LOCK[r.lockMode].label}</Badge>
                <div className="mt-0.5 text-xs text-slate-500">
                  {r.minRetentionDays || r.maxRetentionDays
                    ? `${r.minRetentionDays ?? "–"}–${r.maxRetentionDays ?? "–"} days`
                    : ""}
                </div>
              </span>
            ),
          },
          {
            key: "deletion",
            label: "Deletion protection",
            render: (r) => (
              <span title={r.deletionSummary}>
                <Badge tone={DELETION[r.deletionProtection].tone}>{DELETION[r.deletionProtection].label}</Badge>
                <div className="mt-0.5 max-w-48 text-xs text-slate-500">{r.deletionSummary}</div>
              </span>
            ),
          },
          {
            key: "breakglass",
            label: "Break-glass access",
            render: (r) =>
              r.vaultType !== "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" && r.shares.length === 0 ? (
                <span className="text-xs text-slate-400">—</span>
              ) : (
                <div className="max-w-56 space-y-0.5 text-xs">
                  {r.mpaApprovalTeamArn && (
                    <div title={r.mpaApprovalTeamArn}>
                      <Badge tone="green">MPA team</Badge>{" "}
                      <span className="font-mono text-slate-500">…{r.mpaApprovalTeamArn.slice(-14)}</span>
                    </div>
                  )}
                  {r.sharesUnreadable ? (
                    <div title={r.sharesUnreadable}>
                      <Badge tone="amber">Shares unknown</Badge>
                    </div>
                  ) : r.shares.length ? (
                    r.shares.map((s) => (
                      <div
                        key={`${s.resourceShareArn}|${s.principal}`}
                        className="font-mono"
                        title={s.resourceShareArn}
                      >
                        {s.principal.length > 20 ? `…${s.principal.slice(-18)}` : s.principal}
                        {s.external && <span className="ml-1 font-sans text-emerald-700">external</span>}
                      </div>
                    ))
                  ) : (
                    !r.mpaApprovalTeamArn && <span className="text-slate-500">Not shared, no MPA team</span>
                  )}
                </div>
              ),
          },
          {
            key: "rps",
            label: "Recovery points",
            className: "text-right",
            render: (r) => r.numberOfRecoveryPoints.toLocaleString("en-US"),
          },
        ]}
      />
    </div>
  );
}
