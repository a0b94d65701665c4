import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireSession } from "@/lib/auth/session";
import { clock } from "@/lib/clock";
import { RESILIENCE_COMPONENTS, RESILIENCE_EXPLAINED } from "@/lib/compliance/resilience/score";
import { getDb } from "@/lib/db";
import { getPortfolioOf, PORTFOLIO_SORTS, type PortfolioSort } from "@/lib/dashboard/queries/resilience";
import { first, type SearchParams } from "@/lib/dashboard/url";
import { formatDate, formatDateTime } from "@/lib/format";
import { ScoreNumber } from "../t/[tenant]/compliance/_components/score";
import { ComponentCells, ScoreChange } from "../t/[tenant]/resilience/_components/resilience";

export const metadata: Metadata = { title: "Portfolio" };

const SORT_LABELS: Record<PortfolioSort, string> = {
  score: "Lowest score first",
  change: "Largest fall first",
  name: "By name",
};

export default async function PortfolioPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const session = await requireSession();
  const asked = first((await searchParams).sort);
  const sort: PortfolioSort = PORTFOLIO_SORTS.find((s) => s === asked) ?? "score";
  const rows = await getPortfolioOf(getDb(), session, sort, clock.now());
  const fell = rows.filter((r) => (r.change ?? 0) < 0).length;
  const rose = rows.filter((r) => (r.change ?? 0) > 0).length;
  return (
    <div className="space-y-4">
      <PageHeader
        title="Portfolio"
        description="Every organization you can see, ranked by its resilience score, with what moved since last week."
      />
      {rows.length === 0 ? (
        <EmptyState title="No organizations">You have not been given access to any organization.</EmptyState>
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-700" data-testid="portfolio-summary">
              {rows.length} organization{rows.length === 1 ? "" : "s"}
              {" · "}
              <span className={fell ? "text-red-700" : ""}>{fell} fell</span>
              {" · "}
              <span className={rose ? "text-emerald-700" : ""}>{rose} rose</span> since last week
            </p>
            <nav aria-label="Sort" className="flex flex-wrap gap-1 text-xs">
              {PORTFOLIO_SORTS.map((s) => (
                <Link
                  key={s}
                  href={s === "score" ? "/portfolio" : `/portfolio?sort=${s}`}
                  aria-current={s === sort ? "true" : undefined}
                  className={`rounded-md px-2 py-1 font-medium ${s === sort ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100"}`}
                >
                  {SORT_LABELS[s]}
                </Link>
              ))}
            </nav>
          </div>
          <Table caption={`Organizations, ${SORT_LABELS[sort].toLowerCase()}`}>
            <thead>
              <tr>
                <Th className="w-8">#</Th>
                <Th>Organization</Th>
                <Th className="text-right">Score</Th>
                <Th className="text-right">Since last week</Th>
                <Th className="hidden sm:table-cell">Moved most</Th>
                {RESILIENCE_COMPONENTS.map((c) => (
                  <Th key={c.id} className="hidden text-right lg:table-cell">
                    {c.label}
                  </Th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r, i) => (
                <tr key={r.tenantId} data-testid="portfolio-row">
                  <Td className="text-xs text-slate-500 tabular-nums">{i + 1}</Td>
                  <Td className="max-w-72">
                    <Link href={`/t/${r.slug}/resilience`} className="font-medium text-brand-700 hover:underline">
                      {r.name}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {r.evaluatedAt
                        ? `${r.pinnedTo ? "as of your audit period's end · " : ""}scored ${formatDateTime(r.evaluatedAt)}`
                        : "not scored yet"}
                    </div>
                  </Td>
                  <Td className="text-right">
                    {r.evaluatedAt ? (
                      <ScoreNumber score={r.score} noData={r.score === null} className="text-base whitespace-nowrap" />
                    ) : (
                      <span className="text-xs text-slate-400">—</span>
                    )}
                  </Td>
                  <Td className="text-right text-sm">
                    <ScoreChange change={r.change} />
                    {r.weekAgoDay && (
                      <div className="text-[11px] text-slate-400">
                        vs {formatDate(new Date(`${r.weekAgoDay}T00:00:00Z`))}
                      </div>
                    )}
                    {r.movedMost && (
                      <div className="text-[11px] text-slate-600 sm:hidden">
                        {r.movedMost.label} <ScoreChange change={r.movedMost.change} />
                      </div>
                    )}
                  </Td>
                  <Td className="hidden text-xs sm:table-cell">
                    {r.movedMost ? (
                      <>
                        <span className="text-slate-700">{r.movedMost.label}</span>{" "}
                        <ScoreChange change={r.movedMost.change} />
                      </>
                    ) : (
                      <span className="text-slate-400">{r.change === null ? "—" : "nothing moved"}</span>
                    )}
                  </Td>
                  <ComponentCells score={r.components && { components: r.components }} />
                </tr>
              ))}
            </tbody>
          </Table>
          <p className="max-w-3xl text-xs text-slate-500">
            {RESILIENCE_EXPLAINED} Since last week: against the newest daily score at least 7 days older.
          </p>
        </>
      )}
    </div>
  );
}
