import { and, asc, desc, eq, gt, gte, ilike, inArray, like, lt, lte, type SQL } from "drizzle-orm";
import type { Conn } from "../index";
import { auditLog, users } from "../schema";

export interface AuditFilters {
  actor?: string;
  action?: string;
  tenantId?: string;
  from?: Date;
  to?: Date;
}

function conditions(f: AuditFilters): SQL[] {
  const where: SQL[] = [];
  if (f.actor) where.push(ilike(auditLog.actorEmail, `%${f.actor.replace(/[%_\\]/g, "\\$&")}%`));
  if (f.action) where.push(like(auditLog.action, `${f.action.replace(/[%_\\]/g, "\\$&")}%`));
  if (f.tenantId) where.push(eq(auditLog.tenantId, f.tenantId));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  return where;
}

/**
 * Newest first, keyset-paged by id so deep pages cost the same as the first: the page older than
 * `beforeId`, or the page just newer than `afterId` (still returned newest first).
 */
export async function listAuditLog(
  db: Conn,
  filters: AuditFilters,
  page: { limit: number; beforeId?: number; afterId?: number },
) {
  const where = conditions(filters);
  if (page.beforeId) where.push(lt(auditLog.id, page.beforeId));
  if (page.afterId) {
    where.push(gt(auditLog.id, page.afterId));
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(asc(auditLog.id))
      .limit(page.limit);
    return rows.reverse();
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(page.limit);
}

/** How many entries match the filters (newer than `newerThanId` only, when given: a page's position). */
export async function countAuditLog(db: Conn, filters: AuditFilters, newerThanId?: number): Promise<number> {
  const where = conditions(filters);
  if (newerThanId !== undefined) where.push(gt(auditLog.id, newerThanId));
  return db.$count(auditLog, and(...where));
}

/** Yields the filtered log in pages, for streaming exports without holding it in memory. */
export async function* iterateAuditLog(db: Conn, filters: AuditFilters, pageSize = 2_000) {
  let beforeId: number | undefined;
  for (;;) {
    const rows = await listAuditLog(db, filters, { limit: pageSize, beforeId });
    if (rows.length === 0) return;
    yield rows;
    beforeId = rows[rows.length - 1]!.id;
  }
}

export async function listAuditActions(db: Conn): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}

/** The emails of the users some entries are about (a deleted user is simply missing). */
export async function auditTargetUserEmails(db: Conn, ids: string[]): Promise<Map<string, string>> {
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, uuids));
  return new Map(rows.map((r) => [r.id, r.email]));
}
