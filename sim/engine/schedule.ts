/**
 * AWS schedule expressions as AWS Backup and EventBridge accept them:
 * cron(minutes hours day-of-month month day-of-week year) with , - * ? / L W #, and rate(n unit).
 * Day-of-week runs 1-7 from SUNDAY; one of day-of-month and day-of-week must be "?".
 */
export interface Schedule {
  expression: string;
  /** Fire times (epoch seconds) in (from, to], in order. `anchor` starts rate() schedules. */
  fires(from: number, to: number, anchor: number): number[];
  /** Smallest gap between fires in seconds (approximate for irregular crons). */
  periodSeconds: number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface DomSpec {
  any: boolean;
  days: Set<number>;
  last: boolean;
  weekday: number[];
  lastWeekday: boolean;
}
interface DowSpec {
  any: boolean;
  days: Set<number>;
  last: number[];
  nth: { dow: number; n: number }[];
}

export function parseSchedule(expression: string, timezone?: string): Schedule {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) return rateSchedule(expression, Number(rate[1]), rate[2] as string);
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new Error(`not a cron() or rate() expression: ${expression}`);
  const fields = (cron[1] as string).trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron needs 6 fields, got ${fields.length}: ${expression}`);
  const [mi, ho, dom, mo, dow, yr] = fields as [string, string, string, string, string, string];
  const minutes = parseList(mi, 0, 59, []);
  const hours = parseList(ho, 0, 23, []);
  const months = parseList(mo, 1, 12, MONTHS);
  const years = yr === "*" ? null : parseList(yr, 1970, 2199, []);
  if ((dom === "?") === (dow === "?"))
    throw new Error(`exactly one of day-of-month and day-of-week must be ?: ${expression}`);
  const domSpec = parseDom(dom);
  const dowSpec = parseDow(dow);
  const times = [...hours]
    .sort((a, b) => a - b)
    .flatMap((h) => [...minutes].sort((a, b) => a - b).map((m) => h * 60 + m));
  const zone = timezone && timezone !== "UTC" && timezone !== "Etc/UTC" ? timezone : undefined;
  const perDay = times.length;
  const period =
    perDay > 1
      ? Math.max(60, ((times[1] as number) - (times[0] as number)) * 60)
      : dom === "*" || dowSpec.any
        ? 86400
        : 7 * 86400;
  return {
    expression,
    periodSeconds: period,
    fires(from, to) {
      const out: number[] = [];
      // Walk local calendar days; a day's candidates are its (hour, minute) pairs.
      const startDay = Math.floor((from - 14 * 3600) / 86400);
      const endDay = Math.floor((to + 14 * 3600) / 86400);
      for (let day = startDay; day <= endDay; day++) {
        const d = new Date(day * 86400000);
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth() + 1;
        const dayOfMonth = d.getUTCDate();
        if (years && !years.has(y)) continue;
        if (!months.has(m)) continue;
        if (!matchDay(domSpec, dowSpec, y, m, dayOfMonth, d.getUTCDay() + 1)) continue;
        for (const t of times) {
          const local = day * 86400 + t * 60;
          const utc = zone ? local - offsetSeconds(zone, local) : local;
          if (utc > from && utc <= to) out.push(utc);
        }
      }
      return out;
    },
  };
}

function rateSchedule(expression: string, n: number, unit: string): Schedule {
  if (n < 1) throw new Error(`rate must be positive: ${expression}`);
  const period = n * (unit.startsWith("minute") ? 60 : unit.startsWith("hour") ? 3600 : 86400);
  return {
    expression,
    periodSeconds: period,
    fires(from, to, anchor) {
      const out: number[] = [];
      let k = Math.max(1, Math.floor((from - anchor) / period) + 1);
      for (let t = anchor + k * period; t <= to; t = anchor + ++k * period) if (t > from) out.push(t);
      return out;
    },
  };
}

function parseList(field: string, min: number, max: number, names: string[]): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${field}`);
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [min, max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map((v) => value(v, names, min, max)) as [number, number];
    else {
      lo = value(range, names, min, max);
      hi = stepText === undefined ? lo : max;
    }
    if (lo > hi) throw new Error(`bad range ${range}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function value(text: string, names: string[], min: number, max: number): number {
  const idx = names.indexOf(text.toUpperCase());
  const v = idx >= 0 ? idx + min : Number(text);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`value ${text} outside ${min}-${max}`);
  return v;
}

function parseDom(field: string): DomSpec {
  const spec: DomSpec = {
    any: field === "*" || field === "?",
    days: new Set(),
    last: false,
    weekday: [],
    lastWeekday: false,
  };
  if (spec.any) return spec;
  for (const part of field.split(",")) {
    if (part === "L") spec.last = true;
    else if (part === "LW") spec.lastWeekday = true;
    else if (/^\d+W$/.test(part)) spec.weekday.push(value(part.slice(0, -1), [], 1, 31));
    else for (const d of parseList(part, 1, 31, [])) spec.days.add(d);
  }
  return spec;
}

function parseDow(field: string): DowSpec {
  const spec: DowSpec = { any: field === "*" || field === "?", days: new Set(), last: [], nth: [] };
  if (spec.any) return spec;
  for (const part of field.split(",")) {
    if (part === "L") spec.days.add(7);
    else if (/^\w+L$/.test(part)) spec.last.push(value(part.slice(0, -1), DAYS, 1, 7));
    else if (part.includes("#")) {
      const [d, n] = part.split("#") as [string, string];
      spec.nth.push({ dow: value(d, DAYS, 1, 7), n: value(n, [], 1, 5) });
    } else for (const d of parseList(part, 1, 7, DAYS)) spec.days.add(d);
  }
  return spec;
}

function matchDay(dom: DomSpec, dow: DowSpec, y: number, m: number, d: number, weekday: number): boolean {
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!dom.any) {
    if (dom.days.has(d) || (dom.last && d === daysInMonth)) return true;
    for (const w of dom.weekday) if (nearestWeekday(y, m, Math.min(w, daysInMonth), daysInMonth) === d) return true;
    if (dom.lastWeekday && nearestWeekday(y, m, daysInMonth, daysInMonth) === d) return true;
    return false;
  }
  if (dow.any) return true;
  if (dow.days.has(weekday)) return true;
  if (dow.last.includes(weekday) && d + 7 > daysInMonth) return true;
  return dow.nth.some((n) => n.dow === weekday && Math.ceil(d / 7) === n.n);
}

function nearestWeekday(y: number, m: number, d: number, daysInMonth: number): number {
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (wd === 6) return d === 1 ? 3 : d - 1;
  if (wd === 0) return d === daysInMonth ? d - 2 : d + 1;
  return d;
}

const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `zone` from UTC (seconds) around local time `local` (hour resolution, cached). */
function offsetSeconds(zone: string, local: number): number {
  const hourKey = `${zone}|${Math.floor(local / 3600)}`;
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, fmt);
  }
  // Two passes converge on the offset in force at the local time (DST edges included).
  let offset = 0;
  for (let i = 0; i < 2; i++) {
    const parts = Object.fromEntries(
      fmt.formatToParts(new Date((local - offset) * 1000)).map((p) => [p.type, p.value]),
    );
    const asUtc =
      Date.UTC(
        Number(parts.year),
        Number(parts.month) - 1,
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
        Number(parts.second),
      ) / 1000;
    offset = asUtc - (local - offset);
  }
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hourKey, offset);
  return offset;
}

/** Validates a timezone name the way AWS does (IANA names). */
export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
