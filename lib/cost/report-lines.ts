import { AGE_BANDS } from "./point-bands";
import type { HygieneReport, PointTotals } from "./hygiene-report";

// The report as flat lines, one shape for every line, so a CSV holds exactly what the page shows.

export const REPORT_LINE_COLUMNS = [
  "section",
  "line",
  "tier",
  "points",
  "bytes",
  "points_without_size",
  "usd_per_month",
  "usd_per_gb_month",
  "price_from",
  "account_id",
  "region",
] as const;

type Line = (string | number | null)[];

const totals = (t: PointTotals) => [t.count, t.bytes, t.unsized, Number(t.costUsd.toFixed(6))];

/** A line naming one plan or vault: no figures, only where it is. */
const placeLine = (section: string, name: string, at: { accountId: string; region: string }): Line => [
  section,
  name,
  ...Array<null>(7).fill(null),
  at.accountId,
  at.region,
];

export function reportLines(r: HygieneReport): Line[] {
  const band = (id: string) => AGE_BANDS.find((b) => b.id === id)?.label ?? id;
  return [
    ["total", "all recovery points", null, ...totals(r.all), null, null, null, null],
    ...r.byTierAndAge.map((l): Line => ["tier and age", band(l.band), l.tier, ...totals(l), null, null, null, null]),
    ...r.byType.map((l): Line => [
      "resource type",
      l.resourceType,
      l.tier,
      ...totals(l),
      l.price.from === "none" ? null : l.price.usdPerGbMonth,
      l.price.from,
      null,
      null,
    ]),
    ["hygiene", "orphans", null, ...totals(r.orphans), null, null, null, null],
    ["hygiene", "never expire", null, ...totals(r.neverExpire), null, null, null, null],
    ["hygiene", "copies no rule asks for", null, ...totals(r.unrequestedCopies), null, null, null, null],
    ...r.plansWithoutSelections.map((p) => placeLine("plan without selections", p.planName, p)),
    ...r.emptyVaults.map((v) => placeLine("empty vault", v.vaultName, v)),
  ];
}
