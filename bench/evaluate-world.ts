// The `bench` world in a database of its own (kept between runs: syncing it takes minutes), synced
// with the product's sync engine (queue, workers, publish) from the simulator in a child process,
// without throttling or latency (the sync's own benchmark measures those). The simulator's clock
// is recorded, so a later run rebuilds the same world, moves it a day on and syncs again
// (`--next-day`). `--resync` starts over.
import { readFileSync } from "node:fs";
import pg from "pg";
import { createDb, type DbHandle } from "@/db";
import { benchAwsSettings, startSimChild } from "./sim-child";
import { clock } from "@/lib/clock";
import { worldNow } from "@/sim/world/time";
import { runMigrations } from "@/db/migrate";
import { getRunProgress } from "@/db/queries/sync";
import { requestSync } from "@/lib/sync/request";
import { startSyncWorker } from "@/lib/sync/worker";

export const BENCH_DATABASE = "bg_bench_evaluate";
export const BENCH_TENANT = "bench";

export async function openBenchDatabase(serverUrl: string, name = BENCH_DATABASE): Promise<DbHandle & { url: string }> {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a bench database name: ${name}`);
  const exists = await client.query(`select 1 from pg_database where datname = $1`, [name]);
  if (exists.rows.length === 0) await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString(), { max: 16, applicationName: "bench-evaluate" });
  await runMigrations(handle.pool);
  return { ...handle, url: url.toString() };
}

function startWorldSim(world: string, now: number, advanceHours: number) {
  return startSimChild("bench/evaluate-sim.ts", [
    "--world",
    world,
    "--now",
    String(now),
    "--advance-hours",
    String(advanceHours),
  ]);
}

export interface BenchTenant {
  tenantId: string;
  /** The simulator's clock of the first sync (epoch seconds) and how many days it moved since. */
  epoch: number;
  day: number;
  syncedNow: boolean;
  syncWallS: number | null;
}

async function meta(db: DbHandle, key: string, value?: string): Promise<string | null> {
  await db.pool.query(`create table if not exists bench_evaluate_meta (key text primary key, value text not null)`);
  if (value !== undefined)
    await db.pool.query(
      `insert into bench_evaluate_meta values ($1, $2) on conflict (key) do update set value = excluded.value`,
      [key, value],
    );
  return (
    ((await db.pool.query(`select value from bench_evaluate_meta where key = $1`, [key])).rows[0]?.value as
      string | undefined) ?? null
  );
}

async function runSync(
  db: DbHandle & { url: string },
  tenantId: string,
  simUrl: string,
  log: (m: string) => void,
): Promise<number> {
  const aws = await benchAwsSettings(simUrl);
  const t0 = performance.now();
  const worker = await startSyncWorker({
    pool: db.pool,
    databaseUrl: db.url,
    aws,
    settings: { unitConcurrency: 128 },
    schedule: false,
    log: (m) => log(`  [sync] ${m}`),
  });
  try {
    const req = await requestSync(db.db, { tenantId, trigger: "cli" });
    for (;;) {
      const p = await getRunProgress(db.db, { tenantId, runId: req!.runId });
      if (p && p.status !== "queued" && p.status !== "running") {
        log(
          `sync ${p.status}: ${p.total} units (${p.failed} failed, ${p.skipped} skipped) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await worker.stop(2000);
  }
  return (performance.now() - t0) / 1000;
}

/** Moves the bench world one day on (same world, simulator clock +24 h) and syncs it again. */
export async function advanceBenchWorld(
  db: DbHandle & { url: string },
  t: BenchTenant,
  o: { world?: string; log: (m: string) => void },
): Promise<BenchTenant> {
  const day = t.day + 1;
  const sim = await startWorldSim(o.world ?? "bench", t.epoch, day * 24);
  try {
    const wall = await runSync(db, t.tenantId, sim.url, o.log);
    await meta(db, "day", String(day));
    return { ...t, day, syncedNow: true, syncWallS: wall };
  } finally {
    killTree(sim.child.pid!);
  }
}

/** The synced bench tenant; syncs it first when missing (or when asked to). */
export async function ensureBenchTenant(
  db: DbHandle & { url: string },
  o: { resync: boolean; world?: string; log: (m: string) => void },
): Promise<BenchTenant> {
  const existing = await db.pool.query(
    `select t.id from tenants t where t.name = $1 and exists (select 1 from sync_runs r where r.tenant_id = t.id and r.status in ('succeeded', 'partial'))`,
    [BENCH_TENANT],
  );
  const epoch = await meta(db, "epoch");
  if (existing.rows[0] && epoch && !o.resync) {
    return {
      tenantId: existing.rows[0].id as string,
      epoch: Number(epoch),
      day: Number((await meta(db, "day")) ?? 0),
      syncedNow: false,
      syncWallS: null,
    };
  }
  await db.pool.query(`delete from tenants where name = $1`, [BENCH_TENANT]);
  const now = worldNow(clock.nowMs());
  const sim = await startWorldSim(o.world ?? "bench", now, 0);
  try {
    const world = (await (await fetch(`${sim.url}/_sim/world`)).json()) as {
      management_account_id: string;
      management_role_arn: string;
      external_id: string;
      member_role_name: string;
      regions: string[];
      counts: Record<string, number>;
    };
    o.log(`bench world: ${JSON.stringify(world.counts)}`);
    const res = await db.pool.query(
      `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions, status) values ($1, $1, $2, $3, $4, $5, $6, 'active') returning id`,
      [
        BENCH_TENANT,
        world.management_account_id,
        world.management_role_arn,
        world.external_id,
        world.member_role_name,
        world.regions,
      ],
    );
    const tenantId = res.rows[0]!.id as string;
    const wall = await runSync(db, tenantId, sim.url, o.log);
    await meta(db, "epoch", String(now));
    await meta(db, "day", "0");
    return { tenantId, epoch: now, day: 0, syncedNow: true, syncWallS: wall };
  } finally {
    killTree(sim.child.pid!);
  }
}

/** tsx runs the simulator in a node process of its own: stop the whole tree. */
export function killTree(pid: number): void {
  const kids = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
        .flatMap((c) => [c, ...kids(c)]);
    } catch {
      return [];
    }
  };
  for (const p of [pid, ...kids(pid)].reverse()) {
    try {
      process.kill(p, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}
