// How a score reads wherever it is shown (dashboard, PDF and HTML reports): the same rounding, the
// same bands of colour and the same sentence explaining the two figures, so a report and the
// screen never disagree on what a score is.
import { formatPercent } from "@/lib/format";

/**
 * A score in % with one decimal, rounded down so that anything short of every check passing never
 * reads 100%.
 */
export function formatScore(score: number | null): string {
  return score === null ? "—" : formatPercent(Math.floor(score * 1000) / 1000, 1);
}

/** The score as shown, as a number of percent (87.5 for "87.5%"), for machine-readable output. */
export function shownScorePercent(score: number | null): number | null {
  return score === null ? null : Math.floor(score * 1000) / 10;
}

export type ScoreBand = "good" | "fair" | "poor" | "none";

/** Green from 90%, amber from 60%, red below; grey when nothing applies. */
export function scoreBand(score: number | null): ScoreBand {
  if (score === null) return "none";
  if (score >= 0.9) return "good";
  if (score >= 0.6) return "fair";
  return "poor";
}

/** The one line that says what the two figures beside each framework mean. */
export const SCORE_EXPLAINED =
  "Score: the share of checks passing in each requirement, averaged with the template's weights. Fully met: every check of the requirement passes.";

/**
 * How far a score moved, in points as the two scores are shown (72.4% after 69.1% is +3.3), so the
 * change always agrees with the figures beside it; null when either has no value.
 */
export function scoreChange(now: number | null, before: number | null): number | null {
  const a = shownScorePercent(now);
  const b = shownScorePercent(before);
  return a === null || b === null ? null : Math.round((a - b) * 10) / 10;
}

/** "+3.3", "−1.0", "±0.0": a change in points, signed. */
export function formatScoreChange(change: number | null): string {
  if (change === null) return "—";
  return `${change > 0 ? "+" : change < 0 ? "−" : "±"}${Math.abs(change).toFixed(1)}`;
}
