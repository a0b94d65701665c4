import { PgBoss, type Db, type JobInsert } from "pg-boss";
import type { Queryable } from "./bulk";

// The Postgres job queue (pg-boss 12). Jobs only say what to do next; the sync's own tables say
// what is true (which units are done, which worker holds which unit), so a duplicated, retried or
// orphaned job is harmless: a handler first claims its unit in the database and does nothing if
// the claim fails.

export const QUEUES = {
  /** The organization unit of a run: discovery, planning (fans out units), policies. */
  run: "sync-run",
  /** One (account, region) unit. */
  unit: "sync-unit",
  /** A run finished (succeeded, partial or failed): the hook for evaluation. */
  completed: "sync-completed",
  /** Every minute: start the syncs whose cron slot has come. */
  tick: "sync-tick",
} as const;

export interface RunJob {
  runId: string;
  tenantId: string;
}
export interface UnitJob {
  runId: string;
  tenantId: string;
  accountId: string;
  region: string;
}
export interface CompletedJob {
  runId: string;
  tenantId: string;
  status: string;
}

/** pg-boss `db` option over a client inside our transaction: enqueueing commits or rolls back with it. */
export function inTransaction(client: Queryable): { db: Db } {
  return {
    db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await client.query(text, values)).rows }) },
  };
}

const JOB_DEFAULTS = {
  // Our reaper re-queues a dead worker's unit within seconds (heartbeats); pg-boss's own expiry
  // is only the last resort, long enough never to cut a live unit short.
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
};

/** How long a job may wait in the queue before pg-boss drops it. */
export const QUEUE_RETENTION_SECONDS = 7 * 86_400;

export async function ensureQueues(boss: PgBoss): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const name of Object.values(QUEUES)) {
    // pg-boss 10 gave every queue a table of its own; 12 shares one unless asked. The unit queue
    // holds thousands of jobs a run and the reaper reads its live ones every few seconds, so it
    // keeps its own table.
    const partition = name === QUEUES.unit;
    if (!existing.has(name))
      await boss.createQueue(name, {
        policy: "standard",
        partition,
        ...JOB_DEFAULTS,
        retentionSeconds: QUEUE_RETENTION_SECONDS,
      });
  }
}

/**
 * A delay is relative to PostgreSQL's clock, which decides when pg-boss hands a job out: an
 * absolute time from ours would be off by however far the two clocks differ. pg-boss adds a
 * `startAfter` that is not a date to its schema clock (PostgreSQL's now()) as an interval.
 */
export function unitJobs(jobs: UnitJob[], delaySeconds?: number): JobInsert<UnitJob>[] {
  return jobs.map((data) => ({
    data,
    ...JOB_DEFAULTS,
    ...(delaySeconds ? { startAfter: `${Math.ceil(delaySeconds)} seconds` } : {}),
  }));
}

/** pg-boss's schema (its default; the reaper reads its job table). */
export const PGBOSS_SCHEMA = "pgboss";

export function newBoss(connectionString: string, options: { schedule: boolean; max?: number }): PgBoss {
  return new PgBoss({
    connectionString,
    schema: PGBOSS_SCHEMA,
    max: options.max ?? 4,
    application_name: "backup-governance-queue",
    schedule: options.schedule,
    supervise: true,
    migrate: true,
  });
}
