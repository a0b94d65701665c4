import type { Metadata } from "next";
import { LoadedDataTable } from "@/app/_components/data-table";
import { FilterBar } from "@/app/_components/filter-bar";
import { Badge } from "@/app/_components/ui/badge";
import { requireTenantPage } from "@/lib/auth/session";
import { loadTable } from "@/lib/dashboard/load-table";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { scheduleInWords } from "@/lib/dashboard/schedule-words";
import { backupPlansTable, type PlanListRow } from "@/lib/dashboard/tables/backup-plans";
import type { SearchParams } from "@/lib/dashboard/url";
import { formatDateTime } from "@/lib/format";
import { AccountName } from "../_components/account-cell";

export const metadata: Metadata = { title: "Backup plans" };

function RuleLine({ rule }: { rule: PlanListRow["rules"][number] }) {
  const schedule = scheduleInWords(
    rule.scheduleExpression,
    rule.scheduleExpressionTimezone,
    rule.enableContinuousBackup,
  );
  const keep = rule.lifecycle?.deleteAfterDays;
  const cold = rule.lifecycle?.moveToColdStorageAfterDays;
  return (
    <li className="text-xs leading-5">
      <span className="font-medium text-slate-900">{rule.ruleName}</span>: {schedule.words}
      {schedule.worstCase && <span className="text-slate-500"> (≤ {schedule.worstCase} apart)</span>}, keep{" "}
      {keep ? `${keep} days` : <Badge tone="amber">never expires</Badge>}
      {cold ? `, cold after ${cold} days` : ""} → <span className="font-mono">{rule.targetBackupVaultName}</span>
      {rule.copyActions.map((c) => (
        <div key={c.destinationBackupVaultArn} className="pl-3 text-slate-600">
          copy → <span className="font-mono">{c.destinationBackupVaultArn.split(":").slice(3, 5).join(" ")}</span>{" "}
          {c.destinationBackupVaultArn.split(":").pop()}
          {c.lifecycle?.deleteAfterDays ? `, keep ${c.lifecycle.deleteAfterDays} days` : ""}
        </div>
      ))}
    </li>
  );
}

export default async function PlansPage({
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
    loadTable(backupPlansTable, tenant, sp),
    getAccountNames(tenant.tenantId),
  ]);
  const pathname = `/t/${slug}/backups`;
  const f = loaded.ok ? loaded.filters : {};
  return (
    <div className="space-y-4">
      <FilterBar
        label="Filter backup plans"
        pathname={pathname}
        fields={[
          {
            kind: "text",
            name: "account",
            label: "Account",
            placeholder: "123456789012",
            value: (f as { account?: string }).account,
          },
          {
            kind: "text",
            name: "region",
            label: "Region",
            placeholder: "us-east-1",
            value: (f as { region?: string }).region,
          },
          {
            kind: "select",
            name: "managed",
            label: "Managed by",
            value: (f as { managed?: string }).managed,
            options: [
              { value: "org", label: "Organizations policy" },
              { value: "local", label: "The account" },
            ],
          },
          { kind: "text", name: "name", label: "Plan name", value: (f as { name?: string }).name },
        ]}
      />
      <LoadedDataTable
        loaded={loaded}
        caption="Backup plans"
        pathname={pathname}
        searchParams={sp}
        rowKey={(r) => `${r.accountId}/${r.region}/${r.planId}`}
        empty="No backup plans match. Plans appear after a sync."
        columns={[
          {
            key: "plan",
            label: "Plan",
            render: (r) => (
              <div className="min-w-48">
                <div className="font-medium">{r.planName}</div>
                <div className="mt-0.5 flex flex-wrap gap-1">
                  {r.orgManaged ? (
                    <Badge
                      tone="violet"
                      title="Materialised from an AWS Organizations backup policy; read-only in the account"
                    >
                      Org-managed
                    </Badge>
                  ) : (
                    <Badge>Local</Badge>
                  )}
                  <Badge tone="gray">
                    {r.selectionCount} selection{r.selectionCount === 1 ? "" : "s"}
                  </Badge>
                </div>
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
            key: "rules",
            label: "Rules",
            render: (r) =>
              r.rules.length ? (
                <ul className="space-y-1">
                  {r.rules.map((x) => (
                    <RuleLine key={x.ruleId} rule={x} />
                  ))}
                </ul>
              ) : (
                <span className="text-slate-400">No rules</span>
              ),
          },
          {
            key: "last",
            label: "Last run",
            render: (r) => (
              <span className="text-xs whitespace-nowrap text-slate-600">
                {r.lastExecutionDate ? formatDateTime(r.lastExecutionDate) : "Never"}
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
