import { and, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit, type AuditEntry } from "@/db/audit";
import { auditLog } from "@/db/schema";
import { invalid, rateLimited } from "@/lib/errors";
import { clock } from "@/lib/clock";

// What one user may ask of the exports. An export is a GET that reads many rows and writes an
// audit row, so it is limited per user over a sliding minute, and the dates it asks for may span
// at most MAX_EXPORT_DAYS (the jobs' and the daily roll-up's retention). The count is the audit
// log itself (every export is audited), so every web process shares it.

export const EXPORTS_PER_MINUTE = 10;
export const MAX_EXPORT_DAYS = 400;
/** The audit actions of the product's exports: tables (CSV/JSON) and the audit log. */
export const EXPORT_ACTIONS = ["export", "audit.export"] as const;
const WINDOW_MS = 60_000;
const DAY_MS = 86_400_000;

export const RATE_LIMITED_MESSAGE = `At most ${EXPORTS_PER_MINUTE} exports a minute per user. Wait a minute, then try again.`;

/**
 * Checks the dates an export asks for (YYYY-MM-DD, `to` inclusive, today when absent) and returns
 * them with `from` defaulting to the earliest allowed day when `defaultFrom` is set.
 */
export function exportRange(
  range: { from?: string; to?: string },
  options: { defaultFrom?: boolean } = {},
): { from?: string; to?: string } {
  const toDay = range.to ?? clock.now().toISOString().slice(0, 10);
  const toMs = Date.parse(`${toDay}T00:00:00Z`);
  const earliest = new Date(toMs - (MAX_EXPORT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  if (range.from === undefined) return options.defaultFrom ? { from: earliest, to: range.to } : range;
  const fromMs = Date.parse(`${range.from}T00:00:00Z`);
  if (fromMs > toMs)
    throw invalid("The start date is after the end date.", { from: "Must not be after the end date." });
  if (range.from < earliest)
    throw invalid(`An export may cover at most ${MAX_EXPORT_DAYS} days; narrow the dates.`, {
      from: `Must be ${earliest} or later for an export ending ${toDay}.`,
    });
  return range;
}

/**
 * Records an export in the audit log, or refuses it (RATE_LIMITED) when the user made
 * EXPORTS_PER_MINUTE exports in the last minute. A refusal is audited once per window, so a
 * client retrying in a loop cannot flood the log either.
 */
export async function recordExport(db: Db, entry: AuditEntry & { actorId: string }): Promise<void> {
  const refused = await db.transaction(async (tx) => {
    // Serialises one user's exports, so concurrent requests cannot all pass the count.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`export-limit:${entry.actorId}`}))`);
    const since = new Date(clock.nowMs() - WINDOW_MS);
    const ofUser = (outcome: "success" | "denied") =>
      and(
        eq(auditLog.actorId, entry.actorId),
        inArray(auditLog.action, [...EXPORT_ACTIONS]),
        eq(auditLog.outcome, outcome),
        gt(auditLog.at, since),
      );
    const [done] = await tx.select({ n: count() }).from(auditLog).where(ofUser("success"));
    if ((done?.n ?? 0) < EXPORTS_PER_MINUTE) {
      await recordAudit(tx, entry);
      return false;
    }
    const [refusedBefore] = await tx.select({ n: count() }).from(auditLog).where(ofUser("denied"));
    if ((refusedBefore?.n ?? 0) === 0)
      await recordAudit(tx, {
        ...entry,
        outcome: "denied",
        details: { ...entry.details, reason: "rate_limited", limitPerMinute: EXPORTS_PER_MINUTE },
      });
    return true;
  });
  if (refused) throw rateLimited(RATE_LIMITED_MESSAGE);
}
