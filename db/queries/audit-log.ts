import { and, desc, eq, gte, ilike, like, lt, lte, type SQL } from "drizzle-orm";
import type { Conn } from "../index";
import { auditLog } from "../schema";

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

/** Newest first, keyset-paged by id so deep pages cost the same as the first. */
export async function listAuditLog(db: Conn, filters: AuditFilters, page: { limit: number; beforeId?: number }) {
  const where = conditions(filters);
  if (page.beforeId) where.push(lt(auditLog.id, page.beforeId));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(page.limit);
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
