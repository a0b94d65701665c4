import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { clock } from "@/lib/clock";
import { MIN_KEEP_DAYS } from "@/lib/compliance/store/prune-history";

// Retention of the alert history, as long as compliance history (400 days): events older go with
// their deliveries, and so do test sends and digest logs.

export async function pruneAlertHistory(db: Db, p: { tenantId: string; now?: Date }): Promise<number> {
  const cutoff = new Date((p.now ?? clock.now()).getTime() - MIN_KEEP_DAYS * 86_400_000);
  const events = await db.execute(
    sql`delete from alert_events where tenant_id = ${p.tenantId} and created_at < ${cutoff}`,
  );
  await db.execute(
    sql`delete from alert_deliveries where tenant_id = ${p.tenantId} and event_id is null and created_at < ${cutoff}`,
  );
  await db.execute(sql`delete from alert_digest_deliveries where tenant_id = ${p.tenantId} and created_at < ${cutoff}`);
  return events.rowCount ?? 0;
}
