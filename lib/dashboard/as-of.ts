import { first, type SearchParams } from "./url";
import { clock } from "@/lib/clock";

export interface AsOf {
  /** The date as given (YYYY-MM-DD), for links and forms. */
  param: string | undefined;
  /** End of that UTC day, or null for "now". */
  at: Date | null;
  error: string | null;
}

/** `?asOf=YYYY-MM-DD` → the evaluation in force at the end of that UTC day. */
export function parseAsOf(searchParams: SearchParams, now = clock.now()): AsOf {
  const raw = first(searchParams.asOf);
  if (!raw) return { param: undefined, at: null, error: null };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
    return { param: undefined, at: null, error: `"${raw}" is not a date like 2026-11-27; showing the latest results.` };
  const at = new Date(`${raw}T23:59:59.999Z`);
  if (at.getTime() > now.getTime() + 86_400_000)
    return { param: undefined, at: null, error: "That date is in the future; showing the latest results." };
  return { param: raw, at, error: null };
}
