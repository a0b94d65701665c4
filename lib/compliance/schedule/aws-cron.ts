// AWS cron expressions: six fields, minutes hours day-of-month month day-of-week year.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
// (AWS Backup's ScheduleExpression points to the same syntax.) Day-of-week 1-7 = SUN-SAT;
// one of day-of-month / day-of-week must be `?`; `L`, `W`, `#` as documented there.

export interface DayContext {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  daysInMonth: number;
  /** 1 = Sunday .. 7 = Saturday (AWS numbering). */
  dow: number;
}

export interface ParsedCron {
  minutes: number[];
  hours: number[];
  months: ReadonlySet<number>;
  /** null when the field is `*` (every year). */
  years: ReadonlySet<number> | null;
  dayMatches: (d: DayContext) => boolean;
}

export type CronParse = { ok: true; cron: ParsedCron } | { ok: false; error: string };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

class CronError extends Error {}

function toNumber(token: string, min: number, max: number, names: string[] | null, field: string): number {
  const upper = token.toUpperCase();
  const named = names ? names.indexOf(upper) : -1;
  const n = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CronError(`${field}: "${token}" is not in ${min}-${max}`);
  return n;
}

/** Expand `*`, n, a-b (wrapping when a > b), a/step, a-b/step, lists. */
function expandSet(expr: string, min: number, max: number, names: string[] | null, field: string): Set<number> {
  const out = new Set<number>();
  for (const part of expr.split(",")) {
    if (part === "") throw new CronError(`${field}: empty list item`);
    const [rangeText, stepText, extra] = part.split("/");
    if (extra !== undefined) throw new CronError(`${field}: "${part}" has two steps`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new CronError(`${field}: step in "${part}" must be a positive integer`);
    let lo: number;
    let hi: number;
    if (rangeText === "*" || rangeText === "") {
      lo = min;
      hi = max;
    } else if (rangeText!.includes("-")) {
      const [a, b] = rangeText!.split("-");
      lo = toNumber(a!, min, max, names, field);
      hi = toNumber(b!, min, max, names, field);
    } else {
      lo = toNumber(rangeText!, min, max, names, field);
      hi = stepText === undefined ? lo : max;
    }
    const span = hi >= lo ? hi - lo : hi + (max - min + 1) - lo;
    for (let i = 0; i <= span; i += step) out.add(((lo - min + i) % (max - min + 1)) + min);
  }
  return out;
}

function nearestWeekday(target: number, d: DayContext): number | null {
  if (target > d.daysInMonth) return null;
  const dowOfTarget = (((d.dow - 1 + (target - d.day)) % 7) + 7) % 7; // 0 = Sunday
  if (dowOfTarget === 6) return target === 1 ? target + 2 : target - 1;
  if (dowOfTarget === 0) return target === d.daysInMonth ? target - 2 : target + 1;
  return target;
}

function parseDayOfMonth(expr: string): (d: DayContext) => boolean {
  const tests: Array<(d: DayContext) => boolean> = [];
  const plain: string[] = [];
  for (const part of expr.split(",")) {
    const up = part.toUpperCase();
    if (up === "L") tests.push((d) => d.day === d.daysInMonth);
    else if (/^L-\d+$/.test(up)) {
      const off = Number(up.slice(2));
      if (off > 30) throw new CronError(`day-of-month: "${part}" offset too large`);
      tests.push((d) => d.day === d.daysInMonth - off);
    } else if (up === "LW") {
      tests.push((d) => d.day === nearestWeekday(d.daysInMonth, d));
    } else if (/^\d+W$/.test(up)) {
      const n = toNumber(up.slice(0, -1), 1, 31, null, "day-of-month");
      tests.push((d) => d.day === nearestWeekday(n, d));
    } else plain.push(part);
  }
  if (plain.length > 0) {
    const set = expandSet(plain.join(","), 1, 31, null, "day-of-month");
    tests.push((d) => set.has(d.day));
  }
  return (d) => tests.some((t) => t(d));
}

function parseDayOfWeek(expr: string): (d: DayContext) => boolean {
  const tests: Array<(d: DayContext) => boolean> = [];
  const plain: string[] = [];
  for (const part of expr.split(",")) {
    const up = part.toUpperCase();
    if (up === "L") tests.push((d) => d.dow === 7);
    else if (/^[A-Z0-9]+L$/.test(up)) {
      const n = toNumber(up.slice(0, -1), 1, 7, DAYS, "day-of-week");
      tests.push((d) => d.dow === n && d.day + 7 > d.daysInMonth);
    } else if (up.includes("#")) {
      const [a, b] = up.split("#");
      const n = toNumber(a!, 1, 7, DAYS, "day-of-week");
      const k = toNumber(b!, 1, 5, null, "day-of-week #");
      tests.push((d) => d.dow === n && Math.ceil(d.day / 7) === k);
    } else plain.push(part);
  }
  if (plain.length > 0) {
    const set = expandSet(plain.join(","), 1, 7, DAYS, "day-of-week");
    tests.push((d) => set.has(d.dow));
  }
  return (d) => tests.some((t) => t(d));
}

/** Parse the inside of cron(...) or the whole "cron(...)" text. */
export function parseAwsCron(expression: string): CronParse {
  const inner = expression
    .trim()
    .replace(/^cron\((.*)\)$/s, "$1")
    .trim();
  const fields = inner.split(/\s+/);
  if (fields.length !== 6) return { ok: false, error: `expected 6 fields, found ${fields.length}` };
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  try {
    if ((dom === "?") === (dow === "?")) {
      throw new CronError("exactly one of day-of-month and day-of-week must be ?");
    }
    const minutes = [...expandSet(min, 0, 59, null, "minutes")].sort((a, b) => a - b);
    const hours = [...expandSet(hour, 0, 23, null, "hours")].sort((a, b) => a - b);
    const months = expandSet(month, 1, 12, MONTHS, "month");
    const years = year === "*" ? null : expandSet(year, 1970, 2199, null, "year");
    const domTest = dom === "?" ? null : dom === "*" ? null : parseDayOfMonth(dom);
    const dowTest = dow === "?" ? null : dow === "*" ? null : parseDayOfWeek(dow);
    const dayMatches = (d: DayContext) => (domTest ? domTest(d) : true) && (dowTest ? dowTest(d) : true);
    return { ok: true, cron: { minutes, hours, months, years, dayMatches } };
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message };
    throw e;
  }
}
