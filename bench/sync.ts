import type { ChildProcess } from "node:child_process";
import { performance as perfHooks } from "node:perf_hooks";
import { createScratchDatabase, type ScratchDatabase } from "@/db/scratch";
import { getRunProgress } from "@/db/queries/sync";
import { openRuntime, parseArgs } from "@/lib/cli/runtime";
import { countInventory } from "@/lib/sync/counts";
import { syncMetrics } from "@/lib/sync/metrics";
import { requestSync } from "@/lib/sync/request";
import { startSyncWorker } from "@/lib/sync/worker";
import { clock } from "@/lib/clock";
import { benchAwsSettings, pinBenchClock, startSimChild, startTsxChild } from "./sim-child";
import { runBaseline } from "./sync-baseline";
import {
  createTenant,
  descendants,
  machineBusySeconds,
  postgresCpuSeconds,
  procCpuSeconds,
  processCpu,
  procRssMb,
} from "./proc-metrics";
import { ensureYoungGeneration } from "@/lib/cli/relaunch";

// npm run bench:sync [-- --sample 100 --no-baseline --latency-ms 25 --publish-concurrency 4 --workers 1]
// The `bench` world (1,000 accounts × 2 regions, ≈1,000,000 recovery points) behind the simulator
// in a CHILD process (its memory and CPU are reported apart from ours), 25 ms latency and AWS's
// throttling. One full sync through the real path (queue, workers, publish), then the baseline:
// the same SDK and storage code reading one unit at a time, one call at a time, on a sample of
// units, scaled to the whole world. Ends with one JSON line. With --workers N, N-1 more workers run
// in processes of their own (bench/sync-worker-child.ts) beside the in-process one, sharing the
// queue as `npm run worker` processes do; their CPU and memory are reported with the sync's.

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
const LATENCY = typeof args["latency-ms"] === "string" ? Number(args["latency-ms"]) : 25;
const SAMPLE = typeof args.sample === "string" ? Number(args.sample) : 100;
const PUBLISH = typeof args["publish-concurrency"] === "string" ? Number(args["publish-concurrency"]) : undefined;
const WORKERS = typeof args.workers === "string" ? Number(args.workers) : 1;
if (!Number.isInteger(WORKERS) || WORKERS < 1)
  throw new Error(`--workers must be a whole number of at least 1, not ${String(args.workers)}`);
const out = (line: string) => process.stderr.write(`${line}\n`);

interface SimChild {
  url: string;
  child: ChildProcess;
}

function startBenchSim(): Promise<SimChild> {
  return startSimChild("sim/cli.ts", [
    "--world",
    "bench",
    "--port",
    "0",
    "--latency-ms",
    String(LATENCY),
    "--now",
    new Date(clock.nowMs()).toISOString(),
  ]);
}

/** A worker in a process of its own, resolved once it has joined the queue. */
async function startWorkerChild(dbUrl: string, endpoint: string): Promise<ChildProcess> {
  const argv = ["--db", dbUrl, "--endpoint", endpoint, ...(PUBLISH ? ["--publish-concurrency", String(PUBLISH)] : [])];
  return (await startTsxChild("bench/sync-worker-child.ts", argv)).child;
}

function freshDatabase(serverUrl: string): Promise<ScratchDatabase> {
  return createScratchDatabase(serverUrl, { prefix: "bg_bench", max: 16, applicationName: "bench-sync" });
}

async function main() {
  pinBenchClock();
  const runtime = await openRuntime({ migrate: false });
  const sim = await startBenchSim();
  const simPids = () => [sim.child.pid!, ...descendants(sim.child.pid!)];
  const db = await freshDatabase(runtime.databaseUrl);
  let children: ChildProcess[] = [];
  try {
    const world = (await (await fetch(`${sim.url}/_sim/world`)).json()) as Record<string, unknown> & {
      regions: string[];
      counts: Record<string, number>;
    };
    out(`bench world: ${JSON.stringify(world.counts)}`);
    const aws = await benchAwsSettings(sim.url);
    const tenantId = await createTenant(db, "bench", world);
    children = await Promise.all(Array.from({ length: WORKERS - 1 }, () => startWorkerChild(db.url, sim.url)));
    // Each child runs under tsx: the node process doing the work is its child's child.
    const childPids = () => children.map((c) => [c.pid!, ...descendants(c.pid!)]);
    await fetch(`${sim.url}/_sim/stats/reset`, { method: "POST" });

    let peakRss = 0;
    let peakSimRss = 0;
    const peakChildRss = children.map(() => 0);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss / 1048576);
      childPids().forEach(
        (pids, i) =>
          (peakChildRss[i] = Math.max(
            peakChildRss[i]!,
            pids.reduce((a, p) => a + procRssMb(p), 0),
          )),
      );
      peakSimRss = Math.max(
        peakSimRss,
        simPids().reduce((a, p) => a + procRssMb(p), 0),
      );
    }, 100);
    const cpu0 = process.cpuUsage();
    const childCpu = () => childPids().reduce((a, pids) => a + pids.reduce((b, p) => b + procCpuSeconds(p), 0), 0);
    const children0 = childCpu();
    const sim0 = simPids().reduce((a, p) => a + procCpuSeconds(p), 0);
    const m0 = machineBusySeconds();
    const pg0 = postgresCpuSeconds();
    const procs0 = processCpu();
    syncMetrics.reset();
    const elu0 = perfHooks.eventLoopUtilization();
    const t0 = performance.now();
    // One worker in this process (with --workers N, N-1 more in their own: "sync" CPU is their sum,
    // peak_rss_mb the largest one process's peak).
    const worker = await startSyncWorker({
      pool: db.pool,
      databaseUrl: db.url,
      aws,
      settings: { ...(PUBLISH ? { publishConcurrency: PUBLISH } : {}) },
      schedule: false,
      log: (m) => out(`  [worker] ${m}`),
    });
    const req = await requestSync(db.db, { tenantId, trigger: "cli" });
    let progress;
    for (;;) {
      progress = await getRunProgress(db.db, { tenantId, runId: req!.runId });
      if (progress && progress.status !== "queued" && progress.status !== "running") break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const wall = (performance.now() - t0) / 1000;
    // Share of the run the in-process worker's JavaScript thread was not idle waiting on I/O
    // (running, or ready to run and waiting for a core). Near 1 with the machine's cores not full,
    // that thread bounds the wall time; with the cores full too, the machine's CPU does (a second
    // worker with --workers 2 then gains little: that is how to tell the two apart).
    const elu = perfHooks.eventLoopUtilization(elu0).utilization;
    // CPU of the PostgreSQL sessions serving this benchmark's database (still open: pools persist).
    const ownBackends = await db.pool.query(`select pid from pg_stat_activity where datname = current_database()`);
    const ownPgCpu = ownBackends.rows.reduce((a, r) => a + procCpuSeconds(r.pid as number), 0);
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const ownCpu = (cpu.user + cpu.system) / 1e6;
    const workerChildrenCpu = childCpu() - children0;
    const ourCpu = ownCpu + workerChildrenCpu;
    const simCpu = simPids().reduce((a, p) => a + procCpuSeconds(p), 0) - sim0;
    const m1 = machineBusySeconds();
    const pgCpu = postgresCpuSeconds() - pg0;
    const mine = new Set([process.pid, ...simPids(), ...childPids().flat()]);
    const others = [...processCpu().entries()]
      .filter(([pid, p]) => !mine.has(pid) && !p.comm.startsWith("postgres"))
      .map(([pid, p]) => ({ comm: p.comm, cpu: p.cpu - (procs0.get(pid)?.cpu ?? 0) }))
      .filter((p) => p.cpu > 1)
      .sort((a, b) => b.cpu - a.cpu)
      .slice(0, 4);
    await worker.stop(2000);
    await Promise.all(children.map((c) => new Promise((r) => (c.once("exit", r), c.kill("SIGTERM")))));
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as {
      calls: { total: number };
      throttled: { total: number };
      lower_bound: { min_calls: number; lower_bound_s: number; bounds_s: Record<string, number> };
    };
    const counts = await countInventory(db.pool, tenantId);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    const cores = Math.max(1, Math.round((m1.total - m0.total) / wall));
    out(
      `sync: ${progress.status}, ${progress.total} units (${progress.failed} failed, ${progress.skipped} skipped) in ${wall.toFixed(1)} s`,
    );
    out(
      `calls ${stats.calls.total} (fewest needed ${stats.lower_bound.min_calls}, ${(((stats.calls.total - stats.lower_bound.min_calls) / stats.lower_bound.min_calls) * 100).toFixed(2)}% over), throttled ${stats.throttled.total}`,
    );
    out(
      `lower bound ${stats.lower_bound.lower_bound_s} s (${JSON.stringify(stats.lower_bound.bounds_s)}); wall/bound ${(wall / stats.lower_bound.lower_bound_s).toFixed(2)}`,
    );
    out(`rows ${rows} (${JSON.stringify(counts)}), ${Math.round(rows / wall)} rows/s`);
    if (children.length)
      out(
        `${WORKERS} workers: this process and ${children.length} more (peak RSS ${peakChildRss.map((m) => `${m.toFixed(0)} MB`).join(", ")}; CPU ${workerChildrenCpu.toFixed(1)} s of the sync's ${ourCpu.toFixed(1)} s)`,
      );
    out(`peak RSS: sync ${peakRss.toFixed(0)} MB, simulator (separate process) ${peakSimRss.toFixed(0)} MB`);
    const busy = m1.busy - m0.busy;
    out(
      `CPU over the run: sync ${ourCpu.toFixed(1)} s, simulator ${simCpu.toFixed(1)} s, PostgreSQL server ${pgCpu.toFixed(1)} s (of which this benchmark's sessions ${ownPgCpu.toFixed(1)} s; the rest is background writers, autovacuum and other databases), everything else on the machine ${Math.max(0, busy - ourCpu - simCpu - pgCpu).toFixed(1)} s; machine busy ${((busy / (wall * cores)) * 100).toFixed(0)}% of ${cores} cores (${(wall * cores).toFixed(0)} core-s available); ${children.length ? "this process's worker's" : "the sync's"} JavaScript thread busy ${(elu * 100).toFixed(0)}% of the run`,
    );
    if (others.length)
      out(
        `other processes on the machine during the run: ${others.map((p) => `${p.comm.trim()} ${p.cpu.toFixed(0)} s`).join("; ")}`,
      );
    const timeline = await db.pool.query(
      `select extract(epoch from (select finished_at from sync_run_units where run_id = $1 and kind = 'org') - r.started_at)::float8 as org_s,
              extract(epoch from r.finished_at - r.started_at)::float8 as run_s
         from sync_runs r where r.id = $1`,
      [req!.runId],
    );
    const tl = timeline.rows[0]!;
    out(
      `timeline: organization unit (tree, policies, effective policies) done at ${(tl.org_s as number).toFixed(1)} s (its rate bound: ${stats.lower_bound.bounds_s.organizations_rate} s); last unit published at ${(tl.run_s as number).toFixed(1)} s`,
    );
    out(
      `units published ${syncMetrics.units}: reading ${(syncMetrics.readMs / 1000).toFixed(0)} unit-s, waiting for a connection ${(syncMetrics.publishWaitMs / 1000).toFixed(0)} unit-s, publishing ${(syncMetrics.publishMs / 1000).toFixed(0)} unit-s (mean ${(syncMetrics.publishMs / Math.max(1, syncMetrics.units)).toFixed(0)} ms)`,
    );

    let baselineWall: number | null = null;
    if (args["no-baseline"] !== true) {
      const baseTenant = await createTenant(db, "bench-baseline", world);
      const b = await runBaseline({ pool: db.pool, aws, tenantId: baseTenant, sample: SAMPLE, log: out });
      baselineWall = b.scaledWallS;
      out(
        `baseline (one unit at a time, one call at a time): ${b.sampleUnits} sampled units in ${b.sampleS.toFixed(1)} s + organization ${b.orgS.toFixed(1)} s; scaled to ${b.totalUnits} units: ${b.scaledWallS.toFixed(0)} s (sampled and scaled, not run in full); speed-up ${(b.scaledWallS / wall).toFixed(1)}x`,
      );
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: "sync",
        wall_s: round(wall),
        lower_bound_s: stats.lower_bound.lower_bound_s,
        calls: stats.calls.total,
        min_calls: stats.lower_bound.min_calls,
        throttled: stats.throttled.total,
        // Per process: each worker is a process of its own, with its own limit.
        peak_rss_mb: Math.round(Math.max(peakRss, ...peakChildRss)),
        rows_per_s: Math.round(rows / wall),
        baseline_wall_s: baselineWall === null ? null : round(baselineWall),
        sim_peak_rss_mb: Math.round(peakSimRss),
        workers: WORKERS,
        // What each process spends per million recovery points synced: the figure to halve.
        cpu_s_per_1m_points: perMillion(counts.recovery_points, { sync: ourCpu, postgres: pgCpu, simulator: simCpu }),
      })}\n`,
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    for (const pid of simPids().reverse()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    await db.drop().catch(() => undefined);
    await runtime.shutdown();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const perMillion = (points: number, cpu: Record<string, number>) =>
  Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round((v / Math.max(1, points)) * 1e6)]));

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
