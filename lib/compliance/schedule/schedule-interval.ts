// Worst-case time between two runs of a backup rule: what the frequency control compares.
// cron(0 5 ? * MON-FRI *) runs daily on weekdays, so the worst case is Friday 05:00 → Monday
// 05:00 = 72 h. We enumerate the matching days of an 8-year window (two leap cycles, so Feb 29
// schedules are seen) and take the largest gap, in real (UTC) time: a schedule in a time zone
// with daylight saving gains or loses an hour across the change.
import { parseAwsCron, type ParsedCron } from "./aws-cron";

export type ScheduleAnalysis =
  | { ok: true; kind: "cron" | "rate" | "continuous"; worstCaseMinutes: number; summary: string }
  | { ok: false; error: string };

const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const WINDOW_YEARS = 8;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at instant `ms`, in minutes (east positive). */
function offsetMinutes(tz: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(tz).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!);
  return Math.round((wall - Math.floor(ms / MINUTE) * MINUTE) / MINUTE);
}

/** UTC instant of a local wall time (local day start `dayMs` as if UTC, plus minutes). */
function localToUtc(tz: string | null, dayMs: number, minuteOfDay: number): number {
  const wall = dayMs + minuteOfDay * MINUTE;
  if (!tz) return wall;
  const o1 = offsetMinutes(tz, wall);
  const guess = wall - o1 * MINUTE;
  const o2 = offsetMinutes(tz, guess);
  return o1 === o2 ? guess : wall - o2 * MINUTE;
}

function isUtc(tz: string | null | undefined): boolean {
  return !tz || tz === "UTC" || tz === "Etc/UTC" || tz === "GMT";
}

function worstGapMinutes(cron: ParsedCron, tz: string | null, startYear: number, nowMs: number): number {
  const times: number[] = [];
  for (const h of cron.hours) for (const m of cron.minutes) times.push(h * 60 + m);
  let intra = 0;
  for (let i = 1; i < times.length; i++) intra = Math.max(intra, times[i]! - times[i - 1]!);
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const windowStart = Date.UTC(startYear, 0, 1);
  const windowEnd = Date.UTC(startYear + WINDOW_YEARS, 0, 1);
  let prevLast: number | null = null;
  let worst = 0;
  let any = false;
  for (let dayMs = windowStart; dayMs < windowEnd; dayMs += DAY_MS) {
    const date = new Date(dayMs);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    if (!cron.months.has(month) || (cron.years && !cron.years.has(year))) continue;
    const day = date.getUTCDate();
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (!cron.dayMatches({ year, month, day, daysInMonth, dow: date.getUTCDay() + 1 })) continue;
    const firstUtc = localToUtc(tz, dayMs, first);
    const lastUtc = localToUtc(tz, dayMs, last);
    // Before the first run of the window: a periodic schedule's head gap never exceeds its
    // worst gap; a year-limited one had simply not started.
    if (prevLast === null) worst = cron.years ? worst : Math.max(worst, (firstUtc - windowStart) / MINUTE);
    else worst = Math.max(worst, (firstUtc - prevLast) / MINUTE);
    // A DST change inside the day stretches one intra-day gap by up to the shift.
    const shift = (lastUtc - firstUtc) / MINUTE - (last - first);
    worst = Math.max(worst, intra + Math.max(0, shift));
    prevLast = lastUtc;
    any = true;
  }
  // A year-limited schedule whose last run is behind us never runs again.
  if (!any || prevLast === null || prevLast < nowMs) return Number.POSITIVE_INFINITY;
  return worst;
}

const cache = new Map<string, ScheduleAnalysis>();

function parseRate(expr: string): ScheduleAnalysis {
  const m = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i.exec(expr.trim());
  if (!m) return { ok: false, error: `unrecognised rate expression "${expr}"` };
  const n = Number(m[1]);
  if (n <= 0) return { ok: false, error: `rate value must be positive in "${expr}"` };
  const unit = m[2]!.toLowerCase();
  const per = unit.startsWith("minute") ? 1 : unit.startsWith("hour") ? 60 : 1440;
  return {
    ok: true,
    kind: "rate",
    worstCaseMinutes: n * per,
    summary: `${expr.trim()} runs every ${formatMinutes(n * per)}`,
  };
}

/**
 * Worst-case interval of a rule's schedule. `now` picks the window (from the previous year on),
 * so a schedule whose year field has run out is reported as never running again.
 */
export function analyseSchedule(
  expression: string | null,
  timezone: string | null,
  continuous: boolean,
  now: Date,
): ScheduleAnalysis {
  if (continuous) {
    return { ok: true, kind: "continuous", worstCaseMinutes: 0, summary: "continuous backup (point-in-time recovery)" };
  }
  if (!expression) return { ok: false, error: "rule has neither a schedule nor continuous backup" };
  const tz = isUtc(timezone) ? null : timezone!;
  const startYear = now.getUTCFullYear() - 1;
  // Keyed by day: the answer depends on `now` only through the window and "already over".
  const key = `${expression}|${tz ?? ""}|${Math.floor(now.getTime() / DAY_MS)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: ScheduleAnalysis;
  const text = expression.trim();
  if (/^rate\(/i.test(text)) result = parseRate(text);
  else if (!/^cron\(.*\)$/s.test(text))
    result = { ok: false, error: `"${expression}" is neither cron(...) nor rate(...)` };
  else {
    const parsed = parseAwsCron(text);
    if (!parsed.ok) result = { ok: false, error: `${expression}: ${parsed.error}` };
    else {
      try {
        if (tz) formatterFor(tz);
        const worst = worstGapMinutes(parsed.cron, tz, startYear, now.getTime());
        const where = tz ? ` (${tz})` : "";
        result = {
          ok: true,
          kind: "cron",
          worstCaseMinutes: worst,
          summary: Number.isFinite(worst)
            ? `${text}${where} runs at most ${formatMinutes(worst)} apart`
            : `${text}${where} never runs again`,
        };
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        result = { ok: false, error: `unknown time zone "${timezone}"` };
      }
    }
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(key, result);
  return result;
}

export function formatMinutes(min: number): string {
  if (!Number.isFinite(min)) return "never";
  if (min % 1440 === 0) return `${min / 1440} d`;
  if (min % 60 === 0) return `${min / 60} h`;
  return min >= 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min} min`;
}
