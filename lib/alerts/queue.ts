import type { PgBoss } from "pg-boss";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { clock } from "@/lib/clock";
import type { Env } from "@/lib/env";
import { registerSyncCompletedHandler } from "@/lib/sync/hooks";
import { QUEUE_RETENTION_SECONDS } from "@/lib/sync/queue";
import { detectEvaluationAlerts } from "./detect-evaluation";
import { detectSyncAlerts } from "./detect-sync";
import { detectTickAlerts } from "./detect-tick";
import { sendDueDigests } from "./digest";
import { dispatchAlerts } from "./dispatch";
import { pruneAlertHistory } from "./prune";
import type { SendDeps } from "./send";

// Alerts in the worker, on the sync's pg-boss like scheduled reports (lib/reports/schedules/queue.ts):
// a minute tick (one worker takes each: pg-boss's singleton queue) detects what comes with time
// (expired exceptions, policy drift), sends due deliveries and digests; a sync-completed handler
// detects unit failures and job spikes; evaluation rules run from the evaluation job
// (lib/compliance/evaluate-queue.ts `onEvaluated`). Every step is idempotent (unique event keys,
// claimed deliveries, per-period digests), so a duplicate tick or a retried job is harmless.

export const ALERT_TICK_QUEUE = "alert-tick";

export function sendDepsFromEnv(env: Env): SendDeps {
  return { smtp: { url: env.SMTP_URL, from: env.REPORT_MAIL_FROM } };
}

/** One tick at `now`: time-based detection for every tenant with rules, then dispatch, then digests. */
export async function tickAlerts(
  db: Db,
  deps: SendDeps,
  now = clock.now(),
): Promise<{ detected: number; attempted: number; digests: number }> {
  const tenants = await db.execute(
    sql`select distinct tenant_id from alert_rules where enabled and kind in ('exception_expired', 'policy_drift')`,
  );
  let detected = 0;
  for (const r of tenants.rows as { tenant_id: string }[])
    detected += await detectTickAlerts(db, { tenantId: r.tenant_id, now });
  const attempted = await dispatchAlerts(db, deps, now);
  const digests = await sendDueDigests(db, deps.smtp, now);
  // Retention once an hour (the first tick of each hour), per tenant with alert history.
  if (now.getUTCMinutes() === 0) {
    const withHistory =
      await db.execute(sql`select id from tenants where exists (select 1 from alert_rules r where r.tenant_id = tenants.id)
      or exists (select 1 from alert_channels c where c.tenant_id = tenants.id)
      or exists (select 1 from alert_digest_subscriptions d where d.tenant_id = tenants.id)`);
    for (const t of withHistory.rows as { id: string }[]) await pruneAlertHistory(db, { tenantId: t.id, now });
  }
  return { detected, attempted, digests };
}

/** The `onEvaluated` of registerComplianceJobs: evaluation rules on what the evaluation changed. */
export function alertsAfterEvaluation(db: Db, log?: (m: string) => void) {
  return async (r: { tenantId: string; evaluationId: number }): Promise<void> => {
    const n = await detectEvaluationAlerts(db, { tenantId: r.tenantId, evaluationId: r.evaluationId });
    if (n) log?.(`alerts: ${n} from evaluation ${r.evaluationId}`);
  };
}

export async function startAlerts(
  boss: PgBoss,
  o: { db: Db; deps: SendDeps; schedule: boolean; log?: (m: string) => void },
): Promise<void> {
  if (!(await boss.getQueue(ALERT_TICK_QUEUE)))
    await boss.createQueue(ALERT_TICK_QUEUE, {
      policy: "singleton",
      retryLimit: 0,
      expireInSeconds: 600,
      retentionSeconds: QUEUE_RETENTION_SECONDS,
    });
  if (o.schedule) await boss.schedule(ALERT_TICK_QUEUE, "* * * * *", {}, { tz: "UTC" });
  await boss.work(ALERT_TICK_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    const r = await tickAlerts(o.db, o.deps, clock.now());
    if (r.detected || r.attempted || r.digests)
      o.log?.(`alerts: ${r.detected} detected, ${r.attempted} deliveries attempted, ${r.digests} digests`);
  });
  registerSyncCompletedHandler("alerts", async (event) => {
    const n = await detectSyncAlerts(o.db, { tenantId: event.tenantId, runId: event.runId });
    if (n) o.log?.(`alerts: ${n} from sync ${event.runId}`);
  });
}
