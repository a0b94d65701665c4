import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { Widget, WidgetState } from "@/app/_components/widget";
import { roleHas } from "@/lib/auth/permissions";
import { requireTenantPage } from "@/lib/auth/session";
import { clock } from "@/lib/clock";
import { PRICES_AS_OF, PRICES_SOURCE_URL, PUBLISHED_PRICES, PRICED_RESOURCE_TYPES } from "@/lib/cost/backup-prices";
import { getHygieneReport, ORPHAN_RULE } from "@/lib/cost/hygiene-report";
import { listPriceOverrides } from "@/lib/cost/price-overrides";
import { getAccountNames } from "@/lib/dashboard/queries/account-names";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { loadWidget } from "@/lib/dashboard/widget-result";
import { getDb } from "@/lib/db";
import { formatDate } from "@/lib/format";
import { formatUsd, HygieneLine, TierAgeTable, TypeTable } from "./_components/cost-tables";
import { PriceOverrideForm } from "./_components/price-override-form";

export const metadata: Metadata = { title: "Cost and hygiene" };

export default async function CostPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { session, tenant } = await requireTenantPage(slug, "tenant:read", { page: "/t/[tenant]/cost" });
  // tenant:manage is held across organizations (admins), so it is the role's, not the membership's.
  const managesPrices = roleHas(session.role, "tenant:manage");
  const sp = await searchParams;
  const names = await getAccountNames(tenant.tenantId).catch(() => new Map<string, string>());
  const asked = first(sp.account);
  const accountId = asked && names.has(asked) ? asked : undefined;
  const db = getDb();
  const [result, overrides] = await Promise.all([
    loadWidget(
      "cost.report",
      () => getHygieneReport(db, { tenantId: tenant.tenantId, accountId, now: clock.now() }),
      (r) =>
        r.all.count === 0 && r.plansWithoutSelections.length === 0 && r.emptyVaults.length === 0
          ? "No recovery points, plans or vaults here yet: run a sync."
          : null,
    ),
    loadWidget(
      "cost.prices",
      () => listPriceOverrides(db, { tenantId: tenant.tenantId }),
      () => null,
    ),
  ]);
  const scope = accountId ? `account ${names.get(accountId)} (${accountId})` : "the organization";
  return (
    <div className="space-y-5">
      <PageHeader
        title="Backup cost and hygiene"
        description={`What the backups of ${scope} are estimated to cost a month, and what could go, from the last synced inventory.`}
        actions={
          <form method="get" className="flex items-center gap-2 text-sm">
            <label htmlFor="cost-account" className="text-slate-600">
              Account
            </label>
            <select
              id="cost-account"
              name="account"
              defaultValue={accountId ?? ""}
              className="rounded border border-slate-300 px-2 py-1"
            >
              <option value="">All accounts</option>
              {[...names]
                .sort((a, b) => a[1].localeCompare(b[1]))
                .map(([id, name]) => (
                  <option key={id} value={id}>
                    {name} ({id})
                  </option>
                ))}
            </select>
            <button type="submit" className="rounded border border-slate-300 px-2 py-1 font-medium text-brand-700">
              Show
            </button>
            {tenant.capabilities.includes("export") && (
              <a
                href={`/t/${slug}/cost/export${accountId ? `?account=${accountId}` : ""}`}
                className="font-medium text-brand-700 hover:underline"
              >
                CSV
              </a>
            )}
          </form>
        }
      />
      {asked && !accountId && (
        <Alert tone="warning">No account “{asked}” in this organization; showing all accounts.</Alert>
      )}
      <div className="grid gap-4 2xl:grid-cols-2">
        <Widget
          title="Estimated monthly cost"
          description="Stored size × price per GB-month; AWS bills storage only, by the GB of 2^30 bytes."
        >
          <WidgetState result={result}>
            {(r) => (
              <div className="space-y-3">
                <p className="text-sm">
                  <span className="text-3xl font-semibold tabular-nums" data-testid="cost-total">
                    {formatUsd(r.all.costUsd)}
                  </span>{" "}
                  a month for {r.all.count.toLocaleString("en-US")} recovery points. Deleting the orphans would save{" "}
                  <strong data-testid="cost-orphan-saving">{formatUsd(r.orphans.costUsd)}</strong> a month.
                </p>
                <TypeTable lines={r.byType} />
              </div>
            )}
          </WidgetState>
        </Widget>
        <Widget
          title="By storage tier and age"
          description="Cold: AWS says so, or the point's lifecycle date for cold storage has passed."
        >
          <WidgetState result={result}>{(r) => <TierAgeTable lines={r.byTierAndAge} />}</WidgetState>
        </Widget>
      </div>
      <Widget
        title="What could go"
        description="Each line is a candidate to review, not an instruction: a legal hold or a restore plan may need it."
      >
        <WidgetState result={result}>
          {(r) => (
            <div className="space-y-3">
              <HygieneLine id="orphans" title="Orphans" totals={r.orphans}>
                {ORPHAN_RULE}
              </HygieneLine>
              <HygieneLine id="never-expire" title="Never expire" totals={r.neverExpire}>
                Points with no DeleteAt and no lifecycle: AWS keeps them until someone deletes them.
              </HygieneLine>
              <HygieneLine id="unrequested-copies" title="Copies no rule asks for" totals={r.unrequestedCopies}>
                Copies whose source rule, in its plan&apos;s current version, has no copy action to the vault holding
                them (the rule was changed, or the copy was made by hand).
              </HygieneLine>
              <div className="grid gap-4 md:grid-cols-2">
                <NamedList
                  title={`Plans with no selections (${r.plansWithoutSelections.length})`}
                  items={r.plansWithoutSelections.map((p) => ({
                    key: `${p.accountId}:${p.region}:${p.planId}`,
                    text: p.planName,
                    where: `${p.accountId} · ${p.region}`,
                  }))}
                  none="Every plan selects resources."
                />
                <NamedList
                  title={`Empty vaults (${r.emptyVaults.length})`}
                  items={r.emptyVaults.map((v) => ({
                    key: v.vaultArn,
                    text: v.vaultName,
                    where: `${v.accountId} · ${v.region}`,
                  }))}
                  none="Every vault holds recovery points."
                />
              </div>
            </div>
          )}
        </WidgetState>
      </Widget>
      <Widget
        title="Prices"
        description={
          <>
            AWS Backup storage list prices, US East (N. Virginia), as of{" "}
            {formatDate(new Date(`${PRICES_AS_OF}T00:00:00Z`))}, from{" "}
            <Link href={PRICES_SOURCE_URL} className="text-brand-700 hover:underline">
              {PRICES_SOURCE_URL}
            </Link>
            . “Unverified” figures could not be checked against that page here. This organization&apos;s own prices
            replace them.
          </>
        }
      >
        <WidgetState result={overrides}>
          {(o) => (
            <div className="space-y-4">
              <Table caption="Prices per GB-month">
                <thead>
                  <tr>
                    <Th>Resource type</Th>
                    <Th className="text-right">Warm</Th>
                    <Th className="text-right">Cold</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {PRICED_RESOURCE_TYPES.map((type) => {
                    const own = (tier: "warm" | "cold") => o.prices.get(`${type}:${tier}`);
                    const published = PUBLISHED_PRICES[type];
                    const cell = (tier: "warm" | "cold") => {
                      const p = tier === "warm" ? published.warm : published.cold;
                      if (own(tier) !== undefined) return `${own(tier)} (own; published ${p?.usdPerGbMonth ?? "—"})`;
                      return p
                        ? `${p.usdPerGbMonth}${p.checked === "unverified" ? " (unverified)" : ""}`
                        : "no cold tier";
                    };
                    return (
                      <tr key={type}>
                        <Td>{type}</Td>
                        <Td className="text-right">{cell("warm")}</Td>
                        <Td className="text-right">{cell("cold")}</Td>
                      </tr>
                    );
                  })}
                </tbody>
              </Table>
              {managesPrices && <PriceOverrideForm tenantId={tenant.tenantId} resourceTypes={PRICED_RESOURCE_TYPES} />}
            </div>
          )}
        </WidgetState>
      </Widget>
    </div>
  );
}

function NamedList({
  title,
  items,
  none,
}: {
  title: string;
  items: Array<{ key: string; text: string; where: string }>;
  none: string;
}) {
  return (
    <div>
      <h3 className="text-sm font-medium text-slate-900">{title}</h3>
      {items.length === 0 ? (
        <p className="text-xs text-slate-500">{none}</p>
      ) : (
        <ul className="mt-1 space-y-0.5 text-sm">
          {items.slice(0, 50).map((i) => (
            <li key={i.key}>
              {i.text} <span className="text-xs text-slate-500">{i.where}</span>
            </li>
          ))}
          {items.length > 50 && <li className="text-xs text-slate-500">and {items.length - 50} more</li>}
        </ul>
      )}
    </div>
  );
}
