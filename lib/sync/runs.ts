import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { Failure } from "@/lib/aws/errors";
import { analyzeStaleTables } from "./analyze";
import type { Queryable } from "./bulk";
import { inTransaction, PGBOSS_SCHEMA, QUEUES, unitJobs, type CompletedJob, type RunJob, type UnitJob } from "./queue";
import { clock } from "@/lib/clock";
import { withTransaction } from "./transaction";

// The truth about runs and units lives in sync_runs / sync_run_units / sync_units. A unit is
// claimed (status running, worker, attempt) before any work; a worker's heartbeat keeps its
// claims alive; a claim whose heartbeat stops is put back to pending and queued again.

export const ORG_REGION = "global";

export interface Claim {
  runId: string;
  tenantId: string;
  accountId: string;
  region: string;
  attempt: number;
  stagingAttemptId: string;
  /** The staging rows of a previous (dead) attempt, to delete. */
  previousStagingAttemptId: string | null;
  throttledSince: Date | null;
}

/** Claims a unit for this worker if it is pending, or running under a dead worker. */
export async function claimUnit(
  db: Queryable,
  key: { runId: string; accountId: string; region: string },
  workerId: string,
  staleSeconds: number,
): Promise<Claim | null> {
  const res = await db.query(
    `with prev as (
       select run_id, account_id, region, staging_attempt_id from sync_run_units
        where run_id = $1 and account_id = $2 and region = $3
          and (status = 'pending' or (status = 'running' and heartbeat_at < now() - make_interval(secs => $5)))
        for update skip locked)
     update sync_run_units u set status = 'running', attempt = u.attempt + 1, worker_id = $4, heartbeat_at = now(),
            started_at = coalesce(u.started_at, $6), staging_attempt_id = nextval('sync_attempt_seq')
       from prev where u.run_id = prev.run_id and u.account_id = prev.account_id and u.region = prev.region
     returning u.tenant_id, u.attempt, u.staging_attempt_id::text as staging, prev.staging_attempt_id::text as previous, u.throttled_since`,
    [key.runId, key.accountId, key.region, workerId, staleSeconds, clock.now()],
  );
  const row = res.rows[0];
  if (!row) return null;
  return {
    ...key,
    tenantId: row.tenant_id as string,
    attempt: row.attempt as number,
    stagingAttemptId: row.staging as string,
    previousStagingAttemptId: (row.previous as string | null) ?? null,
    throttledSince: (row.throttled_since as Date | null) ?? null,
  };
}

/** Inside a publish transaction: the claim still holds (no one took the unit over meanwhile). */
export async function holdsClaim(tx: Queryable, c: Claim, workerId: string): Promise<boolean> {
  const res = await tx.query(
    `select 1 from sync_run_units where run_id = $1 and account_id = $2 and region = $3 and status = 'running' and worker_id = $4 and attempt = $5 for update`,
    [c.runId, c.accountId, c.region, workerId, c.attempt],
  );
  return res.rows.length === 1;
}

export async function heartbeat(db: Queryable, workerId: string): Promise<void> {
  // SKIP LOCKED: a unit that is publishing holds its row locked; waiting for it here would queue
  // every later publish behind this statement (a convoy). Its publish is proof of life anyway.
  await db.query(
    `update sync_run_units u set heartbeat_at = now()
       from (select run_id, account_id, region from sync_run_units where worker_id = $1 and status = 'running' for update skip locked) mine
      where u.run_id = mine.run_id and u.account_id = mine.account_id and u.region = mine.region`,
    [workerId],
  );
}

export interface UnitOutcome {
  status: "ok" | "failed" | "skipped";
  failure?: Failure;
  calls: number;
  throttled: number;
  counts?: Record<string, number>;
}

/** Records a unit's end in sync_run_units (and, for failures, marks its published data stale). */
export async function finishUnit(tx: Queryable, c: Claim, kind: "org" | "region", o: UnitOutcome): Promise<void> {
  await tx.query(
    `update sync_run_units set status = $4, error = $5, error_kind = $6, remedy = $7, finished_at = $11, worker_id = null,
            calls = calls + $8, throttled = throttled + $9, counts = $10
      where run_id = $1 and account_id = $2 and region = $3`,
    [
      c.runId,
      c.accountId,
      c.region,
      o.status,
      o.failure?.message ?? null,
      o.failure?.kind ?? null,
      o.failure?.remedy ?? null,
      o.calls,
      o.throttled,
      o.counts ? JSON.stringify(o.counts) : null,
      clock.now(),
    ],
  );
  if (o.status === "ok") return;
  // The last good snapshot stays; it is marked stale with the error and its time.
  await tx.query(
    `insert into sync_units (tenant_id, kind, account_id, region, status, error, error_kind, error_at, last_run_id, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $9, $8, $9)
     on conflict (tenant_id, account_id, region) do update set status = excluded.status, error = excluded.error, error_kind = excluded.error_kind,
        error_at = excluded.error_at, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
    [
      c.tenantId,
      kind,
      c.accountId,
      c.region,
      o.status,
      o.failure?.message ?? null,
      o.failure?.kind ?? null,
      c.runId,
      clock.now(),
    ],
  );
}

/** Puts a unit back on the queue after `delaySeconds` (transient failure within its budget). */
export async function requeueUnit(
  client: Queryable,
  boss: PgBoss,
  c: Claim,
  o: { calls: number; throttled: number; throttledSince: Date | null; delaySeconds: number; failure: Failure },
): Promise<void> {
  await client.query(
    `update sync_run_units set status = 'pending', worker_id = null, calls = calls + $4, throttled = throttled + $5, throttled_since = $6, error = $7, error_kind = $8, remedy = $9
      where run_id = $1 and account_id = $2 and region = $3`,
    [
      c.runId,
      c.accountId,
      c.region,
      o.calls,
      o.throttled,
      o.throttledSince,
      o.failure.message,
      o.failure.kind,
      o.failure.remedy,
    ],
  );
  const job: UnitJob = { runId: c.runId, tenantId: c.tenantId, accountId: c.accountId, region: c.region };
  await boss.insert(QUEUES.unit, unitJobs([job], o.delaySeconds), inTransaction(client));
}

/**
 * Units whose worker stopped: back to pending and on the queue again (same transaction). Two
 * kinds: a claimed unit whose heartbeats stopped, and a pending unit whose job a worker took
 * from the queue but never claimed (it died between the two). The second has no job waiting
 * and none taken in the last `staleSeconds` (a live worker claims within milliseconds of taking
 * one), so nothing would ever run it: the run waited an hour for pg-boss's own expiry.
 */
export async function reapStaleUnits(
  pool: pg.Pool,
  boss: PgBoss,
  staleSeconds: number,
  ownWorkerId: string,
): Promise<number> {
  return withTransaction(pool, async (client) => {
    // A worker alive enough to reap is alive enough to finish its own units.
    const res = await client.query(
      `update sync_run_units set status = 'pending', worker_id = null
        where status = 'running' and heartbeat_at < now() - make_interval(secs => $1) and worker_id is distinct from $2
       returning run_id, tenant_id, kind, account_id, region`,
      [staleSeconds, ownWorkerId],
    );
    // Pending units minus the keys of live jobs, as a set difference: as a correlated NOT EXISTS
    // (or an anti-join the planner may run as a nested loop), every pending unit would rescan the
    // queue's jobs.
    const lost = await client.query(
      `with lost as (
         select u.run_id::text as run_id, u.account_id, u.region
           from sync_run_units u join sync_runs r on r.id = u.run_id and r.status = 'running'
          where u.status = 'pending' and u.kind = 'region'
         except
         select j.data->>'runId', j.data->>'accountId', j.data->>'region'
           from ${PGBOSS_SCHEMA}.job j
          where j.name = $2 and (j.state in ('created', 'retry') or (j.state = 'active' and j.started_on > now() - make_interval(secs => $1))))
       select u.run_id, u.tenant_id, u.kind, u.account_id, u.region
         from sync_run_units u join lost l on l.run_id = u.run_id::text and l.account_id = u.account_id and l.region = u.region
        where u.status = 'pending'
        for update of u skip locked`,
      [staleSeconds, QUEUES.unit],
    );
    const rows = [...res.rows, ...lost.rows];
    const units = rows
      .filter((r) => r.kind === "region")
      .map((r) => ({
        runId: r.run_id as string,
        tenantId: r.tenant_id as string,
        accountId: r.account_id as string,
        region: r.region as string,
      }));
    const orgs = rows.filter((r) => r.kind === "org");
    if (units.length) await boss.insert(QUEUES.unit, unitJobs(units), inTransaction(client));
    for (const r of orgs)
      await boss.send(QUEUES.run, { runId: r.run_id, tenantId: r.tenant_id } satisfies RunJob, {
        ...inTransaction(client),
        retryLimit: 3,
        retryDelay: 5,
        expireInSeconds: 3600,
      });
    return rows.length;
  });
}

/** Queued runs no worker has picked up yet (the web only writes the row): queue their first job. */
export async function dispatchQueuedRuns(pool: pg.Pool, boss: PgBoss): Promise<number> {
  return withTransaction(pool, async (client) => {
    const res = await client.query(
      `update sync_runs set dispatched_at = now()
        where id in (select id from sync_runs where dispatched_at is null and status = 'queued' order by created_at for update skip locked limit 20)
       returning id, tenant_id`,
    );
    for (const r of res.rows)
      await boss.send(QUEUES.run, { runId: r.id, tenantId: r.tenant_id } satisfies RunJob, {
        ...inTransaction(client),
        retryLimit: 3,
        retryDelay: 5,
        expireInSeconds: 3600,
      });
    return res.rows.length;
  });
}

/**
 * If every unit of the run has ended, brings the planner statistics of the tables it filled up to
 * date (analyze.ts), closes the run (one caller wins) and queues the `sync-completed` job in the
 * same transaction. Returns the final status when this call closed it.
 */
export async function finishRunIfDone(
  pool: pg.Pool,
  boss: PgBoss,
  runId: string,
  summarize: (client: Queryable, tenantId: string) => Promise<Record<string, unknown>>,
  log: (message: string) => void = () => undefined,
): Promise<string | null> {
  // Cheap test first (every unit's end calls this; only the last one finds no open unit).
  const open = await pool.query(
    `select 1 from sync_run_units where run_id = $1 and status in ('pending', 'running') limit 1`,
    [runId],
  );
  if (open.rows.length) return null;
  // Statistics first, so that what reads the tables once the run is done plans from them. Outside
  // the closing transaction: ANALYZE waits for any other analyze of the same table. A failure
  // (a database role that does not own the tables) leaves them to autovacuum.
  await analyzeStaleTables(pool).catch((e: unknown) =>
    log(`planner statistics not updated: ${e instanceof Error ? e.message : String(e)}`),
  );
  return withTransaction(pool, async (client) => {
    const tally = await client.query(
      `select count(*) filter (where status in ('pending', 'running'))::int as open,
              count(*) filter (where status = 'failed')::int as failed,
              count(*) filter (where status = 'ok' and kind = 'region')::int as ok_regions,
              bool_or(kind = 'org' and status = 'failed') as org_failed
         from sync_run_units where run_id = $1`,
      [runId],
    );
    const t = tally.rows[0]!;
    if ((t.open as number) > 0) return null;
    const status =
      t.org_failed && (t.ok_regions as number) === 0 ? "failed" : (t.failed as number) > 0 ? "partial" : "succeeded";
    const locked = await client.query(
      `select tenant_id from sync_runs where id = $1 and status = 'running' for update`,
      [runId],
    );
    if (!locked.rows[0]) return null;
    const tenantId = locked.rows[0].tenant_id as string;
    const summary = await summarize(client, tenantId);
    const at = clock.now();
    await client.query(
      `update sync_runs set status = $2, phase = 'done', finished_at = $4, summary = $3 where id = $1`,
      [runId, status, JSON.stringify(summary), at],
    );
    await client.query(`update tenants set status = $2, updated_at = $3 where id = $1 and status <> 'disabled'`, [
      tenantId,
      status === "failed" ? "error" : "active",
      at,
    ]);
    await boss.send(QUEUES.completed, { runId, tenantId, status } satisfies CompletedJob, {
      ...inTransaction(client),
      retryLimit: 5,
      retryDelay: 10,
      retryBackoff: true,
      expireInSeconds: 3600,
    });
    return status;
  });
}

/** Runs stuck with every unit ended but not closed (the closing worker died between the two). */
export async function openRunsWithoutWork(db: Queryable): Promise<string[]> {
  const res = await db.query(
    `select r.id from sync_runs r
      where r.status = 'running'
        and not exists (select 1 from sync_run_units u where u.run_id = r.id and u.status in ('pending', 'running'))`,
  );
  return res.rows.map((r) => r.id as string);
}
