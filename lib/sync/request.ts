import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { ACTIVE_RUN_STATUSES, syncRunUnits, syncRuns, tenants, type SyncTrigger } from "@/db/schema";
import { ORG_REGION } from "./runs";

// Asking for a sync: one row in sync_runs (queued) and its organization unit (pending). A worker
// queues it (dispatchQueuedRuns). At most one run per tenant is queued or running: the partial
// unique index decides, so concurrent clicks, schedules and CLIs cannot start two.

export interface SyncRequest {
  tenantId: string;
  trigger: SyncTrigger;
  actor?: { userId: string | null; email: string; ip: string | null };
  /** Scheduled runs name their cron slot, so that a slot starts at most one run. */
  scheduledFor?: Date;
}

export interface SyncRequested {
  runId: string;
  /** false: a run was already queued or running (its id is returned), or this slot already ran. */
  created: boolean;
}

export async function requestSync(db: Db, req: SyncRequest): Promise<SyncRequested | null> {
  const [tenant] = await db
    .select({ id: tenants.id, managementAccountId: tenants.managementAccountId, status: tenants.status })
    .from(tenants)
    .where(eq(tenants.id, req.tenantId));
  if (!tenant) return null;
  const created = await db.transaction(async (tx) => {
    const [run] = await tx
      .insert(syncRuns)
      .values({
        tenantId: req.tenantId,
        trigger: req.trigger,
        requestedById: req.actor?.userId ?? null,
        requestedByEmail: req.actor?.email ?? null,
        scheduledFor: req.scheduledFor ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: syncRuns.id });
    if (!run) return null;
    await tx.insert(syncRunUnits).values({
      runId: run.id,
      tenantId: req.tenantId,
      kind: "org",
      accountId: tenant.managementAccountId,
      region: ORG_REGION,
      accountName: "Organization",
    });
    if (req.actor) {
      await recordAudit(tx, {
        actorId: req.actor.userId,
        actorEmail: req.actor.email,
        ip: req.actor.ip,
        tenantId: req.tenantId,
        action: "sync.request",
        targetType: "sync_run",
        targetId: run.id,
        details: { trigger: req.trigger },
      });
    }
    return run.id;
  });
  if (created) return { runId: created, created: true };
  const [active] = await db
    .select({ id: syncRuns.id })
    .from(syncRuns)
    .where(and(eq(syncRuns.tenantId, req.tenantId), inArray(syncRuns.status, [...ACTIVE_RUN_STATUSES])))
    .limit(1);
  return active ? { runId: active.id, created: false } : null;
}
