import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { alertEvents, alertRules, type AlertEventKind } from "@/db/schema";

// The tenant's latest alerts as the Alerts page lists them, whatever their channels did with them.

export interface RecentAlert {
  id: string;
  kind: AlertEventKind;
  title: string;
  summary: string;
  link: string;
  occurredAt: Date;
  ruleName: string;
}

export async function listRecentAlerts(db: Db, p: { tenantId: string; limit?: number }): Promise<RecentAlert[]> {
  return db
    .select({
      id: alertEvents.id,
      kind: alertEvents.kind,
      title: alertEvents.title,
      summary: alertEvents.summary,
      link: alertEvents.link,
      occurredAt: alertEvents.occurredAt,
      ruleName: alertRules.name,
    })
    .from(alertEvents)
    .innerJoin(alertRules, and(eq(alertRules.id, alertEvents.ruleId), eq(alertRules.tenantId, alertEvents.tenantId)))
    .where(eq(alertEvents.tenantId, p.tenantId))
    .orderBy(desc(alertEvents.seq))
    .limit(Math.min(Math.max(p.limit ?? 20, 1), 200));
}
