import { parseCron } from "@/lib/sync/cron";

/** The first minute after `from` that the cron matches, within `withinDays`; null when none (or invalid). */
export function nextSlot(expr: string, from: Date, withinDays = 366): Date | null {
  let cron;
  try {
    cron = parseCron(expr);
  } catch {
    return null;
  }
  const t = new Date(from);
  t.setUTCSeconds(0, 0);
  for (let i = 1; i <= withinDays * 1440; i++) {
    const d = new Date(t.getTime() + i * 60_000);
    if (cron.matches(d)) return d;
  }
  return null;
}
