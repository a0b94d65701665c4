import { Badge } from "@/app/_components/ui/badge";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { isPricedResourceType, PUBLISHED_PRICES } from "@/lib/cost/backup-prices";
import { AGE_BANDS } from "@/lib/cost/point-bands";
import type { PointTotals, TierAgeLine, TypeLine } from "@/lib/cost/hygiene-report";
import { formatBytes } from "@/lib/format";

export function formatUsd(usd: number): string {
  return usd.toLocaleString("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
}

const hasColdTier = (type: string) => isPricedResourceType(type) && PUBLISHED_PRICES[type].cold !== null;
const count = (n: number) => n.toLocaleString("en-US");
const unsizedNote = (t: PointTotals) => (t.unsized ? ` (${count(t.unsized)} without a size)` : "");

export function TierAgeTable({ lines }: { lines: TierAgeLine[] }) {
  const label = (band: string) => AGE_BANDS.find((b) => b.id === band)?.label ?? band;
  return (
    <Table caption="Recovery points by storage tier and age">
      <thead>
        <tr>
          <Th>Tier</Th>
          <Th>Age</Th>
          <Th className="text-right">Points</Th>
          <Th className="text-right">Size</Th>
          <Th className="text-right">Per month</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {lines.map((l) => (
          <tr key={`${l.tier}:${l.band}`} data-testid={`tier-age-${l.tier}-${l.band}`}>
            <Td>
              <Badge tone={l.tier === "cold" ? "blue" : "gray"}>{l.tier}</Badge>
            </Td>
            <Td>{label(l.band)}</Td>
            <Td className="text-right">
              {count(l.count)}
              {l.unsized > 0 && <span className="text-xs text-slate-500">{unsizedNote(l)}</span>}
            </Td>
            <Td className="text-right whitespace-nowrap">{formatBytes(l.bytes)}</Td>
            <Td className="text-right">{formatUsd(l.costUsd)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function TypeTable({ lines }: { lines: TypeLine[] }) {
  return (
    <Table caption="Estimated monthly storage cost by resource type and tier">
      <thead>
        <tr>
          <Th>Resource type</Th>
          <Th>Tier</Th>
          <Th className="text-right">Points</Th>
          <Th className="text-right">Size</Th>
          <Th className="text-right">USD per GB-month</Th>
          <Th className="text-right">Per month</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {lines.map((l) => (
          <tr key={`${l.resourceType}:${l.tier}`}>
            <Td>{l.resourceType}</Td>
            <Td>{l.tier}</Td>
            <Td className="text-right">{count(l.count)}</Td>
            <Td className="text-right whitespace-nowrap">{formatBytes(l.bytes)}</Td>
            <Td className="text-right">
              {l.price.from === "none" ? (
                <span className="text-xs text-slate-500">no price for this type</span>
              ) : (
                <>
                  {l.price.usdPerGbMonth}
                  {l.tier === "cold" && l.price.from === "published" && !hasColdTier(l.resourceType) && (
                    <span className="ml-1 text-xs text-slate-500" title="AWS Backup has no cold tier for this type">
                      (warm price)
                    </span>
                  )}
                  {l.price.from === "override" && (
                    <span className="ml-1">
                      <Badge tone="blue" title="This organization's own price">
                        own
                      </Badge>
                    </span>
                  )}
                </>
              )}
            </Td>
            <Td className="text-right">{formatUsd(l.costUsd)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** One line of "what can go": how many points, how large, what they cost a month. */
export function HygieneLine({
  id,
  title,
  totals,
  children,
}: {
  id: string;
  title: string;
  totals: PointTotals;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-1 border-b border-slate-100 pb-3 last:border-0" data-testid={`hygiene-${id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-900">{title}</h3>
        <span className="text-sm tabular-nums">
          {count(totals.count)} points · {formatBytes(totals.bytes)}
          {unsizedNote(totals)} · <strong>{formatUsd(totals.costUsd)}</strong> a month
        </span>
      </div>
      <p className="text-xs text-slate-500">{children}</p>
    </div>
  );
}
