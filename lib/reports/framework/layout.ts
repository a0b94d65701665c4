// The framework report's wording, colours and chart geometry, shared by its PDF and HTML
// renderers so both read alike. Pure functions only.
import type { Evidence } from "@/lib/compliance/model/finding";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { formatScore, scoreBand, type ScoreBand } from "@/lib/compliance/scoring/score-text";
import { periodDays } from "@/lib/reports/period";
import type { FrameworkReport } from "./model";

/** The dashboard's palette (app/globals.css brand colours, Tailwind's slate, emerald, amber, red, violet). */
export const COLORS = {
  brand: "#2552e0",
  brandDark: "#1f43b5",
  brandLight: "#eef4ff",
  ink: "#0f172a",
  text: "#334155",
  muted: "#64748b",
  faint: "#94a3b8",
  rule: "#e2e8f0",
  panel: "#f8fafc",
  pass: "#047857",
  fail: "#b91c1c",
  excepted: "#6d28d9",
  error: "#b45309",
  na: "#64748b",
} as const;

export const BAND_COLORS: Record<ScoreBand, string> = {
  good: "#059669",
  fair: "#d97706",
  poor: "#dc2626",
  none: "#94a3b8",
};

export const scoreColor = (score: number | null): string => BAND_COLORS[scoreBand(score)];

export const formatCount = (n: number): string => n.toLocaleString("en-US");

/** The counts as the dashboard's counts line shows them: pass and fail always, the others when any. */
export function countsParts(c: StatusCounts): Array<{ status: keyof StatusCounts; text: string; color: string }> {
  const items: Array<[keyof StatusCounts, string, string]> = [
    ["PASS", "pass", COLORS.pass],
    ["FAIL", "fail", COLORS.fail],
    ["EXCEPTED", "excepted", COLORS.excepted],
    ["ERROR", "error", COLORS.error],
    ["NOT_APPLICABLE", "n/a", COLORS.na],
  ];
  return items
    .filter(([k]) => c[k] > 0 || k === "PASS" || k === "FAIL")
    .map(([k, label, color]) => ({ status: k, text: `${formatCount(c[k])} ${label}`, color }));
}

export const countsText = (c: StatusCounts): string =>
  countsParts(c)
    .map((p) => p.text)
    .join(" · ");

export function requirementStatusText(status: string): string {
  return status === "PASS" ? "fully met" : status === "FAIL" ? "not fully met" : "not applicable";
}

export function checkStatusText(status: string): string {
  return status === "NOT_APPLICABLE" ? "n/a" : status.toLowerCase();
}

/** "4 of 6 requirements fully met". */
export function fullyMetText(passing: number, applicable: number): string {
  return `${passing} of ${applicable} requirement${applicable === 1 ? "" : "s"} fully met`;
}

/** "Page 3 of 120". */
export const pageLabel = (n: number, total: number): string => `Page ${n} of ${total}`;

/** Pages a table of contents of `entries` lines takes at `perPage` lines a page (at least one). */
export function tocPageCount(entries: number, perPage: number): number {
  if (!(perPage >= 1)) throw new Error(`a contents page must hold at least one line, not ${perPage}`);
  return Math.max(1, Math.ceil(entries / perPage));
}

/** How the headline moved over the period, in words. */
export function trendSentence(trend: ReadonlyArray<{ day: string; score: number | null }>): string {
  const scored = trend.filter((t) => t.score !== null);
  if (scored.length === 0) return "No daily score was recorded in the period.";
  const first = scored[0]!;
  const last = scored[scored.length - 1]!;
  if (scored.length === 1) return `One daily score in the period: ${formatScore(first.score)} on ${first.day}.`;
  const delta = Math.round((last.score! - first.score!) * 1000) / 10;
  // A hyphen, not U+2212: the PDF's built-in Helvetica (WinAnsi) has no minus sign.
  const move = delta === 0 ? "unchanged" : `${delta > 0 ? "+" : "-"}${Math.abs(delta).toFixed(1)} points`;
  return `${formatScore(first.score)} on ${first.day}, ${formatScore(last.score)} on ${last.day} (${move}), over ${scored.length} days with a score.`;
}

export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TrendGeometry {
  /** Runs of consecutive scored days as points; a day without a score breaks the line. */
  segments: Array<Array<[number, number]>>;
  /** Horizontal grid lines: y and its label. */
  yTicks: Array<{ y: number; label: string }>;
  /** Day labels along the bottom: x and the day. */
  xTicks: Array<{ x: number; label: string }>;
}

const DAY_MS = 86_400_000;

/**
 * The trend chart's lines in `box` (y grows downwards, as in PDF and SVG user space): each day at
 * its place in the period from `fromDay` to `toDay`, so gaps between evaluations show as gaps,
 * and scores on a fixed 0–100% scale, so charts of different periods compare.
 */
export function trendGeometry(
  trend: ReadonlyArray<{ day: string; score: number | null }>,
  fromDay: string,
  toDay: string,
  box: ChartBox,
): TrendGeometry {
  const t0 = Date.parse(`${fromDay}T00:00:00Z`);
  const days = Math.max(0, Math.round((Date.parse(`${toDay}T00:00:00Z`) - t0) / DAY_MS));
  const span = Math.max(1, days);
  const xOf = (day: string) => box.x + ((Date.parse(`${day}T00:00:00Z`) - t0) / DAY_MS / span) * box.width;
  const yOf = (score: number) => box.y + box.height - Math.min(1, Math.max(0, score)) * box.height;
  const round = (n: number) => Math.round(n * 100) / 100;
  const segments: TrendGeometry["segments"] = [];
  let run: Array<[number, number]> = [];
  let previous: number | null = null;
  for (const point of trend) {
    const day = Date.parse(`${point.day}T00:00:00Z`);
    const gap = previous !== null && day - previous > DAY_MS;
    if ((point.score === null || gap) && run.length) {
      segments.push(run);
      run = [];
    }
    if (point.score !== null) run.push([round(xOf(point.day)), round(yOf(point.score))]);
    previous = day;
  }
  if (run.length) segments.push(run);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((s) => ({ y: round(yOf(s)), label: `${s * 100}%` }));
  const steps = Math.min(4, days);
  const xTicks = Array.from({ length: steps + 1 }, (_, i) => {
    const day = new Date(t0 + Math.round((days * i) / Math.max(1, steps)) * DAY_MS).toISOString().slice(0, 10);
    return { x: round(xOf(day)), label: day };
  }).filter((t, i, all) => i === 0 || t.label !== all[i - 1]!.label);
  return { segments, yTicks, xTicks };
}

/** One evidence item as a line: "recovery-point arn:…: encrypted=false, vault=…". */
export function evidenceText(e: Evidence): string {
  const details = Object.entries(e.details ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(", ")}]` : v === null ? "none" : String(v)}`)
    .join(", ");
  return `${e.kind} ${e.id}${details ? `: ${details}` : ""}`;
}

/** "UTC" times as reports write them: "2026-03-31 23:59 UTC". */
export const reportTime = (d: Date): string => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The heading of a control's sample of facts. */
export const FACT_SAMPLE_TEXT = (shown: number, total: number): string =>
  `Facts behind the first ${formatCount(shown)} of ${formatCount(total)} not-passing checks`;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Text for HTML, element content or attribute value alike. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * Greedy line breaking at spaces for text measured by `widthOf` (additive over the text: a line's
 * width is the sum of its parts'); a word wider than a line (an ARN, say) is broken where it must
 * be. Each "\n" starts a line. Never drops a word or a character of one.
 */
export function wrapLines(text: string, width: number, widthOf: (s: string) => number): string[] {
  const out: string[] = [];
  const space = widthOf(" ");
  for (const paragraph of text.split("\n")) {
    let line = "";
    let used = 0;
    for (const word of paragraph.split(" ")) {
      const w = widthOf(word);
      if (line === "" && used === 0 && w <= width) {
        line = word;
        used = w;
        continue;
      }
      if (used + space + w <= width) {
        line += ` ${word}`;
        used += space + w;
        continue;
      }
      if (line !== "" || used > 0) out.push(line);
      let rest = word;
      let restWidth = w;
      while (restWidth > width && rest.length > 1) {
        let n = 1;
        let taken = widthOf(rest[0]!);
        while (n < rest.length && taken + widthOf(rest[n]!) <= width) taken += widthOf(rest[n++]!);
        out.push(rest.slice(0, n));
        rest = rest.slice(n);
        restWidth -= taken;
      }
      line = rest;
      used = restWidth;
    }
    out.push(line);
  }
  return out;
}

/** The cover's facts (organization, period, as-of, evaluation, who generated it), for both renderers. */
export function coverFacts(report: FrameworkReport): Array<[string, string]> {
  const days = periodDays(report.period);
  return [
    ["Organization", report.tenant.name],
    ["Audit period", `${days.from} to ${days.to} (whole UTC days, both inclusive)`],
    ["As of", reportTime(report.asOf)],
    [
      "Evaluation",
      `#${report.evaluation.id}, evaluated ${reportTime(report.evaluation.evaluatedAt)}${report.evaluation.snapshotAt ? ` over data read ${reportTime(report.evaluation.snapshotAt)}` : ""}`,
    ],
    ["Generated", reportTime(report.generatedAt)],
    ["Generated by", report.generatedBy],
  ];
}
