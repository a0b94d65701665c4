import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { PgBoss } from "pg-boss";
import { schema } from "@/db";
import type { AwsSettings } from "@/lib/aws/client-factory";
import { FirstSyncRefused } from "@/lib/onboarding/connection-test-store";
import { lastSlot } from "./cron";
import { QUEUES } from "./queue";
import { startSync } from "./start";
import { clock } from "@/lib/clock";

// Scheduled syncs. pg-boss runs one `sync-tick` a minute (whichever worker's clock monitor wins);
// the tick asks for a run for every tenant whose cron slot came within the last hour. The slot is
// stored on the run (unique per tenant), so a slot starts at most one run, a tick missed while no
// worker ran is caught up, and a schedule change takes effect at the next tick. A tenant never
// synced is tested first, as by "Sync now" (startSync); refused, it is tested again next slot.

export async function tickSchedules(
  pool: pg.Pool,
  aws: AwsSettings,
  now = clock.now(),
  log: (m: string) => void = () => undefined,
): Promise<number> {
  const res = await pool.query(
    `select id, name, sync_schedule from tenants where sync_schedule is not null and status <> 'disabled'`,
  );
  const db = drizzle(pool, { schema });
  let started = 0;
  for (const t of res.rows) {
    let slot: Date | null;
    try {
      slot = lastSlot(t.sync_schedule as string, now);
    } catch (e) {
      log(`tenant ${t.name as string}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (!slot) continue;
    try {
      const { run } = await startSync(db, aws, { tenantId: t.id as string, trigger: "schedule", scheduledFor: slot });
      if (run?.created) started++;
    } catch (e) {
      // Said once per slot: later ticks of the slot repeat the refusal without testing again.
      if (e instanceof FirstSyncRefused && !e.tested) continue;
      log(`tenant ${t.name as string}: scheduled sync not started: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return started;
}

export async function startScheduledSyncs(
  boss: PgBoss,
  pool: pg.Pool,
  aws: AwsSettings,
  log: (m: string) => void,
): Promise<void> {
  await boss.schedule(QUEUES.tick, "* * * * *", {}, { tz: "UTC" });
  await boss.work(QUEUES.tick, { pollingIntervalSeconds: 10 }, async () => {
    const n = await tickSchedules(pool, aws, clock.now(), log);
    if (n) log(`scheduled syncs started: ${n}`);
  });
}
