import { Badge } from "@/app/_components/ui/badge";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { formatScore, scoreBand, type ScoreBand } from "@/lib/compliance/scoring/score-text";

export { formatScore, SCORE_EXPLAINED } from "@/lib/compliance/scoring/score-text";

const TONES: Record<ScoreBand, string> = {
  good: "text-emerald-600",
  fair: "text-amber-600",
  poor: "text-red-600",
  none: "text-slate-400",
};

export function scoreTone(score: number | null): string {
  return TONES[scoreBand(score)];
}

export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === "PASS"
      ? "green"
      : status === "FAIL"
        ? "red"
        : status === "EXCEPTED"
          ? "violet"
          : status === "ERROR"
            ? "amber"
            : "gray";
  const label = status === "NOT_APPLICABLE" ? "n/a" : status.toLowerCase();
  return <Badge tone={tone}>{label}</Badge>;
}

/** PASS / FAIL / EXCEPTED / ERROR / N/A counts in one line, each a link when given. */
export function CountsLine({ counts, href }: { counts: StatusCounts; href?: (status: string) => string }) {
  const items: Array<[keyof StatusCounts, string, string]> = [
    ["PASS", "pass", "text-emerald-700"],
    ["FAIL", "fail", "text-red-700"],
    ["EXCEPTED", "excepted", "text-violet-700"],
    ["ERROR", "error", "text-amber-700"],
    ["NOT_APPLICABLE", "n/a", "text-slate-500"],
  ];
  return (
    <span className="flex flex-wrap gap-x-3 text-xs tabular-nums">
      {items
        .filter(([k]) => counts[k] > 0 || k === "PASS" || k === "FAIL")
        .map(([k, label, cls]) =>
          href && counts[k] > 0 ? (
            <a key={k} href={href(k)} className={`${cls} hover:underline`}>
              {counts[k].toLocaleString("en-US")} {label}
            </a>
          ) : (
            <span key={k} className={cls}>
              {counts[k].toLocaleString("en-US")} {label}
            </span>
          ),
        )}
    </span>
  );
}

export function ScoreNumber({
  score,
  noData = false,
  className = "text-3xl",
}: {
  score: number | null;
  /** The account was never read: "no data", never a score. */
  noData?: boolean;
  className?: string;
}) {
  if (noData) return <span className={`font-semibold text-slate-400 ${className}`}>no data</span>;
  return <span className={`font-semibold tabular-nums ${scoreTone(score)} ${className}`}>{formatScore(score)}</span>;
}

/** "4 of 6 requirements fully met", the strict figure beside the score. */
export function FullyMet({ passing, applicable }: { passing: number; applicable: number }) {
  return (
    <span className={passing === applicable && applicable > 0 ? "text-emerald-700" : "text-slate-600"}>
      {passing} of {applicable} requirement{applicable === 1 ? "" : "s"} fully met
    </span>
  );
}
