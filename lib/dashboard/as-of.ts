import { first, type SearchParams } from "./url";
import { clock } from "@/lib/clock";
import { instantAllowed, outsideGrantMessage } from "@/lib/auth/audit-grant";
import { periodAsOf, type ReportPeriod } from "@/lib/reports/period";

export interface AsOf {
  /** The date as given (YYYY-MM-DD), for links and forms. */
  param: string | undefined;
  /** End of that UTC day, or null for "now". */
  at: Date | null;
  error: string | null;
}

/**
 * `?asOf=YYYY-MM-DD` → the evaluation in force at the end of that UTC day. Under an audit grant
 * (`period`), no date means the period's end (or now while it runs), and a date outside the period
 * is refused: the page shows the period's end and says why.
 */
export function parseAsOf(searchParams: SearchParams, period: ReportPeriod | null = null, now = clock.now()): AsOf {
  const fallback = (error: string | null): AsOf => {
    if (!period) return { param: undefined, at: null, error };
    const at = periodAsOf(period, now);
    return { param: at.toISOString().slice(0, 10), at, error };
  };
  const raw = first(searchParams.asOf);
  if (!raw) return fallback(null);
  const latest = period ? "showing the end of your audit period." : "showing the latest results.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    return fallback(`"${raw}" is not a date like 2026-11-27; ${latest}`);
  const at = new Date(`${raw}T23:59:59.999Z`);
  if (at.getTime() > now.getTime() + 86_400_000) return fallback(`That date is in the future; ${latest}`);
  if (period && !instantAllowed({ period }, at)) return fallback(`${outsideGrantMessage({ period })} ${latest}`);
  return { param: raw, at: period && at > now ? now : at, error: null };
}
