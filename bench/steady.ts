// npm run bench:steady [-- --scale 0.5,1,2 --days 1 --latency-ms 25 --baseline-units 40 --keep-database]
// The steady state an MSP lives in, at each scale of the bench world (1 = 1,000 accounts × 2
// regions, ≈1M recovery points), behind the simulator in a child process with 25 ms latency and
// AWS's throttling, into a fresh database:
//   1. a full sync of tenant A, then a full evaluation (in a process of its own) and the
//      row-by-row evaluation baseline on a sample of units, scaled to the tenant;
//   2. a simulated day (POST /_sim/advance: new, expired and deleted points, untagged resources,
//      edited and deleted plans, removed vaults);
//   3. the resync of A and its evaluation, then the same snapshot evaluated from nothing stored:
//      the findings published after the resync must equal those (a sha256 over every finding);
//   4. a full sync of a fresh tenant B from the same, moved-on world: the full sync the resync is
//      compared with, and the state (a count and md5 per published table) A's resync must equal.
// Each sync: wall, calls, peak RSS of the sync's process, CPU-s of the sync, the simulator and
// PostgreSQL. Ends with one JSON line per run; with several scales, a `growth` figure.
import type { ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { createScratchDatabase, type ScratchDatabase } from "@/db/scratch";
import { waitForRunEnd } from "@/db/queries/sync";
import { openRuntime, parseArgs } from "@/lib/cli/runtime";
import { YOUNG_GENERATION_FLAG, ensureYoungGeneration } from "@/lib/cli/relaunch";
import { clock, pinClock } from "@/lib/clock";
import { findingsDigest } from "@/lib/compliance/read/findings-digest";
import { requestSync } from "@/lib/sync/request";
import { stateDigest, SYNC_STATE_TABLES } from "@/lib/sync/state-digest";
import { startSyncWorker, type SyncWorker } from "@/lib/sync/worker";
import { createTenant, descendants, postgresCpuSeconds, procCpuSeconds, procRssMb } from "./proc-metrics";
import { benchAwsSettings, pinBenchClock, runTsxChild, startTsxChild } from "./sim-child";

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
const SCALES = String(args.scale ?? "1")
  .split(",")
  .map(Number);
if (SCALES.some((s) => !(s > 0 && s <= 4)))
  throw new Error(`--scale must be a comma-separated list of numbers in (0, 4], not ${String(args.scale)}`);
const DAYS = Number(args.days ?? 1);
if (!Number.isInteger(DAYS) || DAYS < 1) throw new Error(`--days must be a whole number of at least 1`);
const LATENCY = Number(args["latency-ms"] ?? 25);
const BASELINE_UNITS = String(args["baseline-units"] ?? 40);
// The periodic full pass per unit is a setting (SYNC_FULL_PASS_HOURS, a day by default); a
// scheduled resync every few hours meets it once a day. The bench's one day apart would meet it
// every time, so it measures the resync between full passes and says so in its line.
const FULL_PASS_HOURS = 24 * 7;
const out = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number) => Math.round(x * 100) / 100;

interface SyncFigures {
  wall_s: number;
  calls: number;
  peak_rss_mb: number;
  cpu_s: { sync: number; simulator: number; postgres: number };
  status: string;
  /** Every operation called, most called first. */
  calls_by_operation: Record<string, number>;
}

async function measureSync(
  db: ScratchDatabase,
  tenantId: string,
  simUrl: string,
  simPids: () => number[],
): Promise<SyncFigures> {
  await fetch(`${simUrl}/_sim/stats/reset`, { method: "POST" });
  let peakRss = process.memoryUsage().rss / 1048576;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss / 1048576)), 100);
  const cpu0 = process.cpuUsage();
  const sim0 = simPids().reduce((a, p) => a + procCpuSeconds(p), 0);
  const pg0 = postgresCpuSeconds();
  const t0 = performance.now();
  const req = await requestSync(db.db, { tenantId, trigger: "cli" });
  const p = await waitForRunEnd(db.db, { tenantId, runId: req!.runId, timeoutMs: 3_600_000 });
  const status = `${p.status}: ${p.total} units, ${p.failed} failed, ${p.skipped} skipped`;
  const wall = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const stats = (await (await fetch(`${simUrl}/_sim/stats`)).json()) as {
    calls: { total: number; by_operation: Record<string, number> };
  };
  return {
    wall_s: round(wall),
    calls: stats.calls.total,
    peak_rss_mb: Math.round(peakRss),
    cpu_s: {
      sync: round((cpu.user + cpu.system) / 1e6),
      simulator: round(simPids().reduce((a, p) => a + procCpuSeconds(p), 0) - sim0),
      postgres: round(postgresCpuSeconds() - pg0),
    },
    status,
    calls_by_operation: Object.fromEntries(Object.entries(stats.calls.by_operation).sort((x, y) => y[1] - x[1])),
  };
}

interface Evaluation {
  wall_s: number;
  cpu_s: number;
  peak_rss_mb: number;
  findings: number;
}

async function evaluate(db: ScratchDatabase, tenantId: string, nowMs: number): Promise<Evaluation> {
  const r = await runTsxChild(
    "bench/evaluate-run.ts",
    ["--db", db.url, "--tenant", tenantId, "--now", String(nowMs)],
    YOUNG_GENERATION_FLAG,
  );
  return {
    wall_s: Number(r.wall_s),
    cpu_s: Number(r.cpu_s),
    peak_rss_mb: Number(r.peak_rss_mb),
    findings: Number(r.findings),
  };
}

const CLOCK_AT = process.env.CLOCK_AT;

async function runScale(serverUrl: string, scale: number): Promise<Record<string, unknown>> {
  // Each scale from the same moment: the world built around it, the day moved on from it.
  process.env.CLOCK_AT = CLOCK_AT ?? "";
  pinBenchClock();
  const accounts = Math.round(1000 * scale);
  const { child, first: world } = await startTsxChild("bench/steady-sim.ts", [
    "--accounts",
    String(accounts),
    "--now",
    String(clock.nowMs()),
    "--latency-ms",
    String(LATENCY),
  ]);
  const simUrl = world.url as string;
  const simPids = () => [child.pid!, ...descendants(child.pid!)];
  let peakSimRss = 0;
  const simSampler = setInterval(
    () =>
      (peakSimRss = Math.max(
        peakSimRss,
        simPids().reduce((a, p) => a + procRssMb(p), 0),
      )),
    500,
  );
  const db = await createScratchDatabase(serverUrl, { prefix: "bg_steady", max: 16, applicationName: "bench-steady" });
  let worker: SyncWorker | null = null;
  try {
    out(`scale ${scale}: ${accounts} accounts, world ${JSON.stringify(world.counts)}`);
    worker = await startSyncWorker({
      pool: db.pool,
      databaseUrl: db.url,
      aws: await benchAwsSettings(simUrl),
      settings: { recoveryPointsFullEveryHours: FULL_PASS_HOURS },
      schedule: false,
      log: (m) => out(`  [worker] ${m}`),
    });
    const a = await createTenant(db, "steady-a", world);
    const firstSync = await measureSync(db, a, simUrl, simPids);
    out(`full sync of A: ${JSON.stringify(firstSync)}`);
    const firstEvaluation = await evaluate(db, a, clock.nowMs());
    out(`first evaluation of A: ${JSON.stringify(firstEvaluation)}`);
    const baseline = await runTsxChild(
      "bench/evaluate-baseline.ts",
      ["--db", db.url, "--tenant", a, "--units", BASELINE_UNITS],
      YOUNG_GENERATION_FLAG,
    );
    out(`evaluation baseline (row by row, ${baseline.sample_units} units, scaled): ${baseline.scaled_wall_s} s`);

    const day = (await (
      await fetch(`${simUrl}/_sim/advance`, { method: "POST", body: JSON.stringify({ days: DAYS }) })
    ).json()) as Record<string, unknown> & { now: string };
    out(`simulated ${DAYS} day(s): ${JSON.stringify(day)}`);
    const dayNow = Date.parse(day.now);
    pinClock(dayNow);
    process.env.CLOCK_AT = day.now;
    const resync = await measureSync(db, a, simUrl, simPids);
    out(`resync of A: ${JSON.stringify(resync)}`);
    const afterResync = await evaluate(db, a, dayNow);
    out(`evaluation of A after the resync: ${JSON.stringify(afterResync)}`);
    const stored = await findingsDigest(db.pool, a);
    // The same snapshot evaluated from nothing stored: what the evaluation after the resync must
    // have published.
    if (args["keep-database"] === true) {
      // Kept for looking into a difference: the findings as published after the resync (a
      // tenant id from our own insert, so quoting it is safe; CREATE TABLE AS takes no parameters).
      for (const t of ["compliance_panels", "compliance_runs"])
        await db.pool.query(`create table bench_stored_${t.slice(11)} as select * from ${t} where tenant_id = '${a}'`);
    }
    await forgetEvaluations(db, a);
    const full = await evaluate(db, a, dayNow);
    out(`full evaluation of A from nothing stored: ${JSON.stringify(full)}`);
    const fresh = await findingsDigest(db.pool, a);

    const b = await createTenant(db, "steady-b", world);
    const fullSync = await measureSync(db, b, simUrl, simPids);
    out(`full sync of B (the same world, fresh): ${JSON.stringify(fullSync)}`);
    const [sa, sb] = [await stateDigest(db.pool, a), await stateDigest(db.pool, b)];
    const differing = SYNC_STATE_TABLES.filter((t) => sa[t] !== sb[t]);
    const points = Number(
      (await db.pool.query(`select count(*)::int as n from recovery_points where tenant_id = $1`, [b])).rows[0]!.n,
    );
    const perMillion = (s: SyncFigures) =>
      Object.fromEntries(Object.entries(s.cpu_s).map(([k, v]) => [k, round((v / Math.max(1, points)) * 1e6)]));
    const figures = (s: SyncFigures) => ({ ...s, cpu_s_per_1m_points: perMillion(s) });
    return {
      bench: "steady",
      scale,
      accounts,
      recovery_points: points,
      days: DAYS,
      full_pass_every_hours: FULL_PASS_HOURS,
      changes: day,
      full_sync: figures(fullSync),
      first_full_sync: figures(firstSync),
      resync: figures(resync),
      resync_ratio: { wall: round(resync.wall_s / fullSync.wall_s), calls: round(resync.calls / fullSync.calls) },
      state_identical: differing.length === 0,
      state_differing: differing,
      evaluate_full_s: full.wall_s,
      evaluate_peak_rss_mb: Math.max(firstEvaluation.peak_rss_mb, afterResync.peak_rss_mb, full.peak_rss_mb),
      // Every evaluation reads and evaluates the whole tenant (only what changed is written):
      // there is no incremental evaluation to time yet.
      evaluate_incremental_s: null,
      evaluate_after_resync_s: afterResync.wall_s,
      findings: fresh.findings,
      // Status and reason of every finding published after the resync against the same snapshot
      // evaluated from nothing. Evidence is kept from when a verdict began, so it is compared apart.
      findings_identical: stored.verdicts === fresh.verdicts && stored.findings === fresh.findings,
      evidence_identical: stored.evidence === fresh.evidence,
      baseline_evaluate_s: Number(baseline.scaled_wall_s),
      evaluate_speedup_over_baseline: round(Number(baseline.scaled_wall_s) / full.wall_s),
      sim_peak_rss_mb: Math.round(peakSimRss),
      load_average: loadavg().map(round),
    };
  } finally {
    clearInterval(simSampler);
    await worker?.stop(2000);
    stopTree(child);
    if (args["keep-database"] === true) out(`database kept: ${db.url}`);
    else await db.drop().catch(() => undefined);
  }
}

/** Drops every stored evaluation of a tenant, so the next starts from nothing. */
async function forgetEvaluations(db: ScratchDatabase, tenantId: string): Promise<void> {
  for (const table of ["compliance_evaluations", "compliance_panels", "compliance_runs", "compliance_score_days"])
    await db.pool.query(`delete from ${table} where tenant_id = $1`, [tenantId]);
}

/** tsx runs the simulator in a node process of its own: stop the whole tree. */
function stopTree(child: ChildProcess): void {
  for (const pid of [child.pid!, ...descendants(child.pid!)].reverse()) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
}

async function main() {
  const runtime = await openRuntime({ migrate: false });
  try {
    const runs: Array<Record<string, unknown>> = [];
    for (const scale of SCALES) {
      const line = await runScale(runtime.databaseUrl, scale);
      runs.push(line);
      if (SCALES.length === 1) process.stdout.write(`${JSON.stringify(line)}\n`);
      else out(JSON.stringify(line));
    }
    if (SCALES.length > 1) {
      // Cost per scale relative to the smallest run, beside the size ratio: linear growth keeps
      // each cost ratio near its size ratio (the target: 2M points at most 2.2× what 1M cost).
      const base = runs[0]!;
      const pts = (r: Record<string, unknown>) => Number(r.recovery_points);
      const wall = (r: Record<string, unknown>, k: "full_sync" | "resync") => (r[k] as SyncFigures).wall_s;
      const growth = runs.map((r) => ({
        scale: r.scale,
        points_ratio: round(pts(r) / pts(base)),
        full_sync_wall_ratio: round(wall(r, "full_sync") / wall(base, "full_sync")),
        resync_wall_ratio: round(wall(r, "resync") / wall(base, "resync")),
        evaluate_full_ratio: round(Number(r.evaluate_full_s) / Number(base.evaluate_full_s)),
      }));
      process.stdout.write(`${JSON.stringify({ bench: "steady", runs, growth })}\n`);
    }
  } finally {
    await runtime.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
