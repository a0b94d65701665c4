import { Badge } from "@/app/_components/ui/badge";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { formatPercent } from "@/lib/format";

export function scoreTone(score: number | null): string {
  if (score === null) return "text-slate-400";
  if (score >= 0.9) return "text-emerald-600";
  if (score >= 0.6) return "text-amber-600";
  return "text-red-600";
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

export function ScoreNumber({ score, className = "text-3xl" }: { score: number | null; className?: string }) {
  return <span className={`font-semibold tabular-nums ${scoreTone(score)} ${className}`}>{formatPercent(score)}</span>;
}
