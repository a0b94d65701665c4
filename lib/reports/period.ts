// An audit period: the days a report, an export or an auditor's grant covers. Days are whole UTC
// days, written YYYY-MM-DD and inclusive at both ends, as auditors write them ("1 January to 31
// March"); in code the period is the half-open instant range [from, to), so `to` is midnight after
// the last day and a row stamped 23:59:59.999 on the last day is inside.

const DAY_MS = 86_400_000;
/** SOC 2 Type II periods run 3 to 12 months; two years leaves room for a comparison, no more. */
export const MAX_PERIOD_DAYS = 731;

export interface ReportPeriod {
  /** First instant inside the period (00:00 UTC of the first day). */
  from: Date;
  /** First instant after the period (00:00 UTC of the day after the last day). */
  to: Date;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a YYYY-MM-DD day, or an error saying what is wrong with it. */
export function parseDay(text: string, name = "date"): Date {
  const m = DAY.exec(text.trim());
  if (!m) throw new Error(`${name} must be a day written YYYY-MM-DD, got "${text}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== text.trim()) throw new Error(`${name} "${text}" is not a day of the calendar`);
  return d;
}

/** The period from the first to the last day, both inclusive. */
export function parsePeriod(fromDay: string, toDay: string): ReportPeriod {
  const from = parseDay(fromDay, "from");
  const last = parseDay(toDay, "to");
  if (last < from) throw new Error(`the period ends (${toDay}) before it starts (${fromDay})`);
  const days = (last.getTime() - from.getTime()) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS) throw new Error(`a period covers at most ${MAX_PERIOD_DAYS} days, got ${days}`);
  return { from, to: new Date(last.getTime() + DAY_MS) };
}

/** The first and last day, as written in reports and forms. */
export function periodDays(p: ReportPeriod): { from: string; to: string } {
  return { from: p.from.toISOString().slice(0, 10), to: new Date(p.to.getTime() - DAY_MS).toISOString().slice(0, 10) };
}

/** "2026-01-01 to 2026-03-31". */
export function periodLabel(p: ReportPeriod): string {
  const d = periodDays(p);
  return `${d.from} to ${d.to}`;
}

/**
 * The instant a report over the period describes: the period's end, or `now` while the period is
 * still running (a report cannot show a future state).
 */
export function periodAsOf(p: ReportPeriod, now: Date): Date {
  return p.to <= now ? new Date(p.to.getTime() - 1) : now;
}

/** Whether `inner` lies within `outer`. */
export function periodWithin(inner: ReportPeriod, outer: ReportPeriod): boolean {
  return inner.from >= outer.from && inner.to <= outer.to;
}
