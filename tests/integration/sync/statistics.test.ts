import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeStaleTables, staleTables, SYNC_TABLES } from "@/lib/sync/analyze";
import { startHarness, type Harness } from "./harness";

// A finished sync leaves planner statistics behind for every table it fills, the job history's
// partitioned tables included (autovacuum never analyzes those); later syncs analyze only what
// changed past autovacuum's own threshold.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(async () => {
  await h?.close();
});

describe("planner statistics after a sync", () => {
  it("analyzes every table the sync filled before the run counts as done", async () => {
    const listed = await h.db.pool.query(
      `select relname from pg_class where relname = any($1::text[]) and relnamespace = current_schema()::regnamespace`,
      [SYNC_TABLES],
    );
    expect(listed.rows.map((r) => r.relname as string).sort()).toEqual([...SYNC_TABLES].sort());

    expect((await h.sync()).status).toBe("partial");
    const res = await h.db.pool.query(
      `select c.relname, c.relkind, c.reltuples, s.last_analyze from pg_class c join pg_stat_user_tables s on s.relid = c.oid where c.relname = any($1::text[])`,
      [SYNC_TABLES],
    );
    const byName = new Map(res.rows.map((r) => [r.relname as string, r]));
    for (const t of SYNC_TABLES) {
      expect(byName.get(t)?.last_analyze, `${t} analyzed`).toBeInstanceOf(Date);
      expect(Number(byName.get(t)?.reltuples), `${t} row estimate`).toBeGreaterThanOrEqual(0);
    }
    for (const t of ["backup_jobs", "copy_jobs", "recovery_points", "resources"])
      expect(Number(byName.get(t)!.reltuples), t).toBeGreaterThan(0);
    expect(byName.get("backup_jobs")!.relkind).toBe("p");
  });

  it("picks what changed past 50 rows and a tenth: plain tables, partitioned ones, and partitions alone", async () => {
    // One connection, whose statistics are sent before each statement's answer comes back.
    const c = new pg.Client({ connectionString: h.db.url });
    await c.connect();
    try {
      const run = async (sql: string) => {
        await c.query(sql);
        await c.query(`select pg_stat_force_next_flush()`);
        await c.query(`select 1`);
      };
      await run(`create table t_plain (id int primary key, v text)`);
      await run(`create table t_parted (id int, d date, v text) partition by range (d)`);
      await run(`create table t_parted_oct partition of t_parted for values from ('2026-10-01') to ('2026-11-01')`);
      await run(`create table t_parted_nov partition of t_parted for values from ('2026-11-01') to ('2026-12-01')`);
      const tables = ["t_plain", "t_parted"];

      // Never analyzed: both (the partitions go with their parent).
      expect(await staleTables(h.db.pool, tables)).toEqual(["t_parted", "t_plain"]);
      await run(`insert into t_plain select i, 'x' from generate_series(1, 1000) i`);
      await run(`insert into t_parted select i, date '2026-10-01' + (i % 30), 'x' from generate_series(1, 1000) i`);
      expect(await analyzeStaleTables(h.db.pool, tables)).toEqual(["t_parted", "t_plain"]);
      expect(await staleTables(h.db.pool, tables)).toEqual([]);

      // Under the threshold (50 rows + a tenth of the table, of the empty partition too): nothing.
      await run(`update t_plain set v = 'y' where id <= 100`);
      await run(`insert into t_parted select i, date '2026-11-15', 'x' from generate_series(1001, 1040) i`);
      expect(await staleTables(h.db.pool, tables)).toEqual([]);

      // Over it: the plain table by its changed rows, the partitioned one by its partitions' rows.
      await run(`update t_plain set v = 'z' where id <= 200`);
      await run(`insert into t_parted select i, date '2026-11-16', 'x' from generate_series(1041, 1240) i`);
      expect(await analyzeStaleTables(h.db.pool, tables)).toEqual(["t_parted", "t_plain"]);
      expect(await staleTables(h.db.pool, tables)).toEqual([]);

      // Rows rewritten in one partition leave the parent's row count as it was: the partition alone.
      await run(`update t_parted set v = 'w' where d >= '2026-11-01'`);
      expect(await staleTables(h.db.pool, tables)).toEqual(["t_parted_nov"]);
    } finally {
      await c.end();
    }
  });
});
