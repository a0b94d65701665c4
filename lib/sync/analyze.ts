import type { Queryable } from "./bulk";
import { ORG_TABLES } from "./org-publish";
import { backupJobSpec, copyJobSpec, globalSettingsSpec, restoreJobSpec, UNIT_TABLES } from "./table-specs";

// Planner statistics for the tables a sync fills, brought up to date when a run's last unit ends
// and before the run counts as done. Autovacuum alone leaves gaps a dashboard over a million rows
// feels:
// - it never analyzes a partitioned table (the job history), only its partitions, so queries
//   over all of a tenant's jobs plan from no statistics at all;
// - it works on its own schedule, so the pages that follow a first sync would plan as if the
//   tables were still empty;
// - it can be turned off (it is off on the machines our CI runs on).
// The rule is autovacuum's own default (50 rows plus a tenth of the table changed), so a sync
// that changed little analyzes nothing.

/** The tables the sync publishes: units' current data, job history, settings, the organization's. */
export const SYNC_TABLES: readonly string[] = [
  ...UNIT_TABLES,
  ...[backupJobSpec, copyJobSpec, restoreJobSpec, globalSettingsSpec].map((spec) => spec.table),
  ...ORG_TABLES,
];

/**
 * The listed tables (and their partitions) whose statistics are missing or out of date. A plain
 * table: never analyzed, or more than 50 + 10 % of its rows changed since. A partitioned one (whose
 * own change count PostgreSQL does not keep): never analyzed, or its partitions' live rows now
 * differ from its last estimate by more than that. A partition is left out when its parent is in
 * (analyzing the parent analyzes every partition too).
 */
export async function staleTables(db: Queryable, tables: readonly string[] = SYNC_TABLES): Promise<string[]> {
  const res = await db.query(
    `with listed as (
       select c.oid, c.relname, c.relkind, c.reltuples, null::oid as parent
         from pg_class c
        where c.relname = any($1::text[]) and c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
       union all
       select p.oid, p.relname, p.relkind, p.reltuples, i.inhparent
         from pg_class c join pg_inherits i on i.inhparent = c.oid join pg_class p on p.oid = i.inhrelid
        where c.relname = any($1::text[]) and c.relnamespace = current_schema()::regnamespace and c.relkind = 'p'
     ),
     stale as (
       select l.oid, l.relname, l.parent
         from listed l left join pg_stat_user_tables s on s.relid = l.oid
        where l.reltuples < 0
           or (l.relkind = 'r' and coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * l.reltuples)
           or (l.relkind = 'p' and abs((select coalesce(sum(ps.n_live_tup), 0) from pg_inherits i join pg_stat_user_tables ps on ps.relid = i.inhrelid where i.inhparent = l.oid) - l.reltuples) > 50 + 0.1 * l.reltuples)
     )
     select relname::text as name from stale s
      where s.parent is null or not exists (select 1 from stale p where p.oid = s.parent)
      order by 1`,
    [tables],
  );
  return res.rows.map((r) => r.name as string);
}

/** Analyzes the stale tables (one statement); returns their names. */
export async function analyzeStaleTables(db: Queryable, tables: readonly string[] = SYNC_TABLES): Promise<string[]> {
  const stale = await staleTables(db, tables);
  if (stale.length) await db.query(`analyze ${stale.map((t) => `"${t.replace(/"/g, '""')}"`).join(", ")}`);
  return stale;
}
