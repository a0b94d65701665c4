import { explainResilience, type ResilienceScore } from "@/lib/compliance/resilience/score";
import { formatScore, formatScoreChange, shownScorePercent } from "@/lib/compliance/scoring/score-text";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { scoreTone } from "../../compliance/_components/score";

/** "▲ +3.3 pts" in green, "▼ −1.0 pts" in red, "±0.0 pts", or a dash when there is nothing to compare. */
export function ScoreChange({ change, className = "" }: { change: number | null; className?: string }) {
  if (change === null)
    return (
      <span className={`text-slate-400 ${className}`} title="No score a week or more before this one">
        —
      </span>
    );
  const tone = change > 0 ? "text-emerald-700" : change < 0 ? "text-red-700" : "text-slate-500";
  const arrow = change > 0 ? "▲" : change < 0 ? "▼" : "";
  return (
    <span className={`tabular-nums whitespace-nowrap ${tone} ${className}`}>
      {arrow && (
        <span aria-hidden className="mr-0.5 text-[0.8em]">
          {arrow}
        </span>
      )}
      {formatScoreChange(change)} pts
    </span>
  );
}

const notPassing = (c: StatusCounts) => c.FAIL + c.ERROR + c.EXCEPTED;

/** "412 of 430 pass · 12 fail · 6 unreadable · 0 excepted", only the parts that are there. */
function CountsSentence({ counts }: { counts: StatusCounts }) {
  const inScope = counts.PASS + notPassing(counts);
  if (inScope === 0) return <span className="text-slate-400">nothing to check</span>;
  const parts = [
    counts.FAIL && `${counts.FAIL.toLocaleString("en-US")} fail`,
    counts.ERROR && `${counts.ERROR.toLocaleString("en-US")} unreadable`,
    counts.EXCEPTED && `${counts.EXCEPTED.toLocaleString("en-US")} excepted`,
  ].filter(Boolean);
  return (
    <span className="tabular-nums">
      {counts.PASS.toLocaleString("en-US")} of {inScope.toLocaleString("en-US")} checks pass
      {parts.length > 0 && <span className="text-slate-500"> · {parts.join(" · ")}</span>}
    </span>
  );
}

/**
 * The breakdown that answers "why is this score what it is": per component what it measures, its
 * checks, its weight among the components with data, and the points it costs.
 */
export function ComponentBreakdown({ score }: { score: ResilienceScore }) {
  const explained = new Map(explainResilience(score).map((e) => [e.id, e]));
  // From the score as shown (rounded down), so that the sentence's arithmetic is exact.
  const shown = shownScorePercent(score.score);
  const lost = shown === null ? null : Math.round((100 - shown) * 10) / 10;
  return (
    <div>
      <ul className="divide-y divide-slate-100" aria-label="Components">
        {score.components.map((c) => {
          const e = explained.get(c.id)!;
          return (
            <li key={c.id} className="grid gap-x-4 gap-y-0.5 py-2.5 sm:grid-cols-[minmax(0,1fr)_auto]">
              <div className="min-w-0">
                <div className="text-sm font-medium text-slate-900">
                  {c.label} <span className="font-mono text-xs font-normal text-slate-400">{c.controls.join(" ")}</span>
                </div>
                <p className="text-xs text-slate-600">{c.explains}</p>
                <p className="text-xs text-slate-700">
                  <CountsSentence counts={c.counts} />
                </p>
              </div>
              <div className="flex items-baseline gap-3 sm:flex-col sm:items-end sm:gap-0">
                {c.score === null ? (
                  <span className="text-sm font-semibold text-slate-400" data-testid={`component-${c.id}`}>
                    no data
                  </span>
                ) : (
                  <span
                    className={`text-lg font-semibold tabular-nums ${scoreTone(c.score)}`}
                    data-testid={`component-${c.id}`}
                  >
                    {formatScore(c.score)}
                  </span>
                )}
                <span className="text-xs text-slate-500 tabular-nums">
                  {c.score === null
                    ? `weight ${c.weight}, left out`
                    : `weight ${Math.round(e.weightShare * 100)}%${e.pointsLost >= 0.05 ? ` · costs ${e.pointsLost.toFixed(1)} pts` : ""}`}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      {lost !== null && (
        <p className="mt-2 border-t border-slate-100 pt-2 text-xs text-slate-600">
          Score: 100 − {lost.toFixed(1)} points lost ={" "}
          <strong className="font-semibold">{formatScore(score.score)}</strong>
          {score.components.some((c) => c.score === null) &&
            ". Components with no data are left out; the weights of the others are scaled up to 100"}
          .
        </p>
      )}
    </div>
  );
}

/** The five components' figures in a row, for tables. */
export function ComponentCells({ score }: { score: Pick<ResilienceScore, "components"> | null }) {
  return (
    <>
      {(score?.components ?? []).map((c) => (
        <td
          key={c.id}
          className={`hidden px-3 py-2 text-right align-top text-xs tabular-nums lg:table-cell ${c.score === null ? "text-slate-400" : scoreTone(c.score)}`}
        >
          {c.score === null ? "no data" : formatScore(c.score)}
        </td>
      ))}
      {!score && <td colSpan={5} className="hidden lg:table-cell" />}
    </>
  );
}
