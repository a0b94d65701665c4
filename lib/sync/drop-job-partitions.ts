import type pg from "pg";
import { clock } from "@/lib/clock";
import { forgetEnsuredJobPartitions } from "./context";
import { JOB_TABLES } from "./table-specs";

// Job history retention: whole monthly partitions older than the retention are detached and
// dropped (no bulk DELETE, no VACUUM debt). Months still partly inside the retention stay.

/** Drops job partitions whose whole month ended more than `retentionDays` ago; returns their names. */
export async function dropExpiredJobPartitions(
  pool: pg.Pool,
  retentionDays: number,
  now = clock.now(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const client = await pool.connect();
  const dropped: string[] = [];
  try {
    // One worker at a time; the others skip this round.
    const lock = await client.query(`select pg_try_advisory_lock(7270102) as ok`);
    if (!lock.rows[0]?.ok) return [];
    try {
      for (const table of JOB_TABLES) {
        const parts = await client.query(
          `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
             from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
            where p.relname = $1`,
          [table],
        );
        for (const row of parts.rows) {
          const m = /TO \('([^']+)'\)/.exec(row.bound as string);
          if (!m || new Date(m[1]!) > cutoff) continue;
          await client.query(`alter table ${table} detach partition "${row.name as string}"`);
          await client.query(`drop table "${row.name as string}"`);
          dropped.push(row.name as string);
        }
      }
    } finally {
      await client.query(`select pg_advisory_unlock(7270102)`);
    }
  } finally {
    client.release();
  }
  if (dropped.length) forgetEnsuredJobPartitions(pool);
  return dropped;
}
