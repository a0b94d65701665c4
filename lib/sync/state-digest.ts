// What "the same state" means for a resync against a fresh full sync: a count and an md5 per
// table of the tenant's rows without tenant_id (job history only from `jobsSince`), for the
// resync tests and bench/resync-calls.ts alike.

import { ORG_TABLES } from "./org-publish";
import { JOB_TABLES, UNIT_TABLES } from "./table-specs";

/** The tables a sync's publishes write (job history apart), without the sync's own bookkeeping. */
export const SYNC_STATE_TABLES = [
  ...UNIT_TABLES.filter((t) => t !== "sync_units"),
  "global_settings",
  ...ORG_TABLES,
] as const;

interface Queryable {
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

/** "count:md5" per table; job tables only when `jobsSince` is given. */
export async function stateDigest(
  pool: Queryable,
  tenantId: string,
  jobsSince?: Date,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [...SYNC_STATE_TABLES, ...(jobsSince ? JOB_TABLES : [])]) {
    const jobs = (JOB_TABLES as readonly string[]).includes(table);
    const r = await pool.query(
      // Each row's md5, then an md5 of them in order: a million rows' text in one string would
      // pass PostgreSQL's 1 GB limit.
      `select count(*)::int as n, md5(coalesce(string_agg(h, '' order by h), '')) as h
         from (select md5((to_jsonb(t) - 'tenant_id')::text) as h from ${table} t where tenant_id = $1 ${jobs ? "and creation_date > $2" : ""}) x`,
      jobs ? [tenantId, jobsSince] : [tenantId],
    );
    out[table] = `${r.rows[0]!.n as number}:${r.rows[0]!.h as string}`;
  }
  return out;
}
