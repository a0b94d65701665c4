import type pg from "pg";
import type { JobInsert, PgBoss } from "pg-boss";
import { inTransaction, PGBOSS_SCHEMA } from "./queue";
import { withTransaction } from "./transaction";

// A database a pg-boss 10 worker used. pg-boss 11 rewrote its schema and ships no migration from
// pg-boss 10's (schema version 24): 12's start() refuses it ("the oldest supported starting version
// is 25"), and its release notes say to move the jobs over by hand. So a worker does it on start:
// before pg-boss starts, the old schema is renamed aside, so that pg-boss installs its own; once it
// has, the jobs still waiting in the old one are queued again in the new one and the old schema is
// dropped, in one transaction. The sync's own tables hold the truth (a job only says what to do
// next), so a job queued twice, or an active one queued again, costs a claim that fails.

/** The first schema version of pg-boss 11; older ones are pg-boss 10's. */
const FIRST_V11_SCHEMA = 25;
export const V10_SCHEMA = `${PGBOSS_SCHEMA}_v10`;
const LOCK = 7270103;

const locked = <T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
  withTransaction(pool, fn, [`select pg_advisory_xact_lock(${LOCK})`]);

/** Before pg-boss starts: renames a pg-boss 10 schema aside. True when it did. */
export async function setAsideV10Schema(pool: pg.Pool): Promise<boolean> {
  return locked(pool, async (client) => {
    const installed = await client.query(`select to_regclass($1) as t`, [`${PGBOSS_SCHEMA}.version`]);
    if (!installed.rows[0].t) return false;
    const v = await client.query(`select version from ${PGBOSS_SCHEMA}.version`);
    if (!v.rows[0] || (v.rows[0].version as number) >= FIRST_V11_SCHEMA) return false;
    const aside = await client.query(`select to_regnamespace($1) as n`, [V10_SCHEMA]);
    if (aside.rows[0].n)
      throw new Error(
        `schema ${PGBOSS_SCHEMA} is pg-boss 10's and ${V10_SCHEMA} exists too: drop one of them (see README, "Upgrading from pg-boss 10")`,
      );
    await client.query(`alter schema ${PGBOSS_SCHEMA} rename to ${V10_SCHEMA}`);
    return true;
  });
}

interface V10Job {
  name: string;
  data: object | null;
  priority: number;
  singleton_key: string | null;
  retry_limit: number;
  retry_delay: number;
  retry_backoff: boolean;
  expire_seconds: number;
  delay: number;
}

/**
 * Once pg-boss has started (and the caller made its queues): queues again every job that was
 * waiting, retrying or running in the set-aside schema, each after what remained of its delay,
 * making any queue it lacks with the old queue's policy, retries and expiry; then drops the old
 * schema. Returns the number of jobs queued again, or null when there was nothing to take over.
 */
export async function requeueV10Jobs(pool: pg.Pool, boss: PgBoss): Promise<number | null> {
  return locked(pool, async (client) => {
    const aside = await client.query(`select to_regnamespace($1) as n`, [V10_SCHEMA]);
    if (!aside.rows[0].n) return null;
    const jobs = (
      await client.query(
        `select name, data, priority, singleton_key, retry_limit, retry_delay, retry_backoff,
                extract(epoch from expire_in)::int as expire_seconds,
                greatest(0, ceil(extract(epoch from start_after - now())))::int as delay
           from ${V10_SCHEMA}.job
          where state in ('created', 'retry', 'active') and name not like '\\_\\_pgboss%'
          order by created_on`,
      )
    ).rows as V10Job[];
    const have = new Set((await boss.getQueues()).map((q) => q.name));
    const old = await client.query(
      `select name, policy, retry_limit, retry_delay, retry_backoff, expire_seconds, retention_minutes from ${V10_SCHEMA}.queue where name = any($1)`,
      [[...new Set(jobs.map((j) => j.name))]],
    );
    for (const q of old.rows) {
      if (have.has(q.name as string)) continue;
      have.add(q.name as string);
      await boss.createQueue(q.name as string, {
        policy: (q.policy as string | null) ?? "standard",
        ...(q.retry_limit != null ? { retryLimit: q.retry_limit as number } : {}),
        ...(q.retry_delay != null ? { retryDelay: q.retry_delay as number } : {}),
        ...(q.retry_backoff != null ? { retryBackoff: q.retry_backoff as boolean } : {}),
        ...(q.expire_seconds ? { expireInSeconds: q.expire_seconds as number } : {}),
        ...(q.retention_minutes ? { retentionSeconds: (q.retention_minutes as number) * 60 } : {}),
      });
    }
    // pg-boss 10 refused a job for a queue it did not have, so every job has one by now.
    let queued = 0;
    for (const name of have) {
      const batch: JobInsert[] = jobs
        .filter((j) => j.name === name)
        .map((j) => ({
          data: j.data ?? {},
          priority: j.priority,
          retryLimit: j.retry_limit,
          retryDelay: j.retry_delay,
          retryBackoff: j.retry_backoff,
          ...(j.expire_seconds > 0 ? { expireInSeconds: j.expire_seconds } : {}),
          ...(j.singleton_key ? { singletonKey: j.singleton_key } : {}),
          // What remained of its delay, from PostgreSQL's clock as before.
          ...(j.delay > 0 ? { startAfter: `${j.delay} seconds` } : {}),
        }));
      if (batch.length) await boss.insert(name, batch, inTransaction(client));
      queued += batch.length;
    }
    await client.query(`drop schema ${V10_SCHEMA} cascade`);
    return queued;
  });
}
