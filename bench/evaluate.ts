import { loadavg } from "node:os";
import { YOUNG_GENERATION_FLAG } from "@/lib/cli/relaunch";
import { openRuntime, parseArgs } from "@/lib/cli/runtime";
import { pinBenchClock, runTsxChild } from "./sim-child";
import { advanceBenchWorld, ensureBenchTenant, openBenchDatabase } from "./evaluate-world";

// npm run bench:evaluate [-- --resync --next-day --baseline-units 40 --first-runs 3]
// The `bench` world (1,000 accounts × 2 regions, ~200k resources, ~1M recovery points) synced
// into Postgres by the sync engine (kept between runs in its own database), evaluated against the
// three built-in templates, each evaluation (load + evaluate + store) in a process of its own so
// its peak RSS is its own:
//   first   — nothing stored yet: every finding written (three times by default, from nothing
//             each time; the median is reported);
//   repeat  — a day later: by default the same snapshot with the clock 24 h on; with --next-day
//             the world is moved a day on (new and expired recovery points, new jobs) and synced
//             again first, which is what a daily evaluation meets;
// then the row-by-row baseline on a sample of units, scaled to the tenant. The bytes each
// evaluation adds are measured on the compliance tables. Ends with one JSON line.

const args = parseArgs(process.argv.slice(2));
const firstRuns = Number(args["first-runs"] ?? 3);
const out = (line: string) => process.stderr.write(`${line}\n`);

// The evaluation processes (and the baseline, to be fair) run with the young generation of the
// worker and the evaluate command, where evaluations run in production: an evaluation makes
// billions of bytes of short-lived objects, and with V8's default 16 MB semi-space a quarter of
// its time goes to scavenges.
const NODE_OPTIONS = YOUNG_GENERATION_FLAG;

const child = (script: string, argv: string[]) => runTsxChild(script, argv, NODE_OPTIONS);

async function main() {
  pinBenchClock();
  if (!Number.isInteger(firstRuns) || firstRuns < 1)
    throw new Error(`--first-runs must be a whole number of at least 1, not ${String(args["first-runs"])}`);
  const runtime = await openRuntime({ migrate: false });
  const db = await openBenchDatabase(runtime.databaseUrl);
  try {
    let bench = await ensureBenchTenant(db, { resync: args.resync === true, log: out });
    const tenant = bench.tenantId;
    const size = async () =>
      Number(
        (
          await db.pool.query(
            `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as b from pg_class c where c.relname like 'compliance\\_%' and c.relkind = 'r'`,
          )
        ).rows[0].b,
      );
    // Start from nothing stored for this tenant, at clean table sizes.
    const reset = async () => {
      await db.pool.query(`delete from compliance_evaluations where tenant_id = $1`, [tenant]);
      await db.pool.query(`delete from compliance_panels where tenant_id = $1`, [tenant]);
      await db.pool.query(`delete from compliance_runs where tenant_id = $1`, [tenant]);
      await db.pool.query(`delete from compliance_score_days where tenant_id = $1`, [tenant]);
      for (const t of [
        "compliance_panels",
        "compliance_panel_history",
        "compliance_evaluations",
        "compliance_scores",
        "compliance_score_slices",
        "compliance_score_days",
        "compliance_runs",
      ])
        await db.pool.query(`vacuum full ${t}`);
    };
    await reset();
    const counts = (
      await db.pool.query(
        `select (select count(*) from recovery_points where tenant_id = $1)::int as rps, (select count(*) from resources where tenant_id = $1)::int as res`,
        [tenant],
      )
    ).rows[0] as { rps: number; res: number };
    out(
      `bench tenant: ${counts.res} resources, ${counts.rps} recovery points (synced by the sync engine${bench.syncedNow ? ` just now, ${bench.syncWallS?.toFixed(0)} s` : ", earlier"}); world day ${bench.day}`,
    );

    const clock = (day: number) => (bench.epoch + day * 86_400 + 3_600) * 1000;
    // The first evaluation several times from nothing stored, reporting the median: one run of
    // the same code varies too much from the next to compare changes by.
    const firsts: Array<Record<string, unknown>> = [];
    let b0 = 0;
    let b1 = 0;
    for (let i = 0; i < firstRuns; i++) {
      if (i > 0) await reset();
      b0 = await size();
      const run = await child("bench/evaluate-run.ts", [
        "--db",
        db.url,
        "--tenant",
        tenant,
        "--now",
        String(clock(bench.day)),
      ]);
      b1 = await size();
      out(
        `first evaluation (${i + 1} of ${firstRuns}): ${run.wall_s} s (${run.cpu_s} s CPU), peak RSS ${run.peak_rss_mb} MB, ${run.findings} findings, +${((b1 - b0) / 1048576).toFixed(1)} MB`,
      );
      firsts.push(run);
    }
    const first = [...firsts].sort((a, b) => Number(a.wall_s) - Number(b.wall_s))[Math.floor(firsts.length / 2)]!;
    const firstPeak = Math.max(...firsts.map((r) => Number(r.peak_rss_mb)));
    if (firstRuns > 1)
      out(
        `first evaluation, median of ${firstRuns}: ${first.wall_s} s (runs: ${firsts.map((r) => r.wall_s).join(", ")} s)`,
      );

    let repeatKind = "same snapshot, clock +24 h";
    if (args["next-day"] === true) {
      bench = await advanceBenchWorld(db, bench, { log: out });
      repeatKind = `world moved a day on and synced again (${bench.syncWallS?.toFixed(0)} s)`;
    }
    const b2 = await size();
    const repeat = await child("bench/evaluate-run.ts", [
      "--db",
      db.url,
      "--tenant",
      tenant,
      "--now",
      String(clock(bench.day + (args["next-day"] === true ? 0 : 1))),
    ]);
    const b3 = await size();
    await db.pool.query(`vacuum compliance_panels`);
    const history = Number(
      (
        await db.pool.query(
          `select coalesce(sum(length(delta)), 0)::bigint as b from compliance_panel_history where tenant_id = $1 and evaluation_id = $2`,
          [tenant, repeat.evaluation_id],
        )
      ).rows[0].b,
    );
    out(
      `repeat evaluation (${repeatKind}): ${repeat.wall_s} s (${repeat.cpu_s} s CPU), peak RSS ${repeat.peak_rss_mb} MB, ${JSON.stringify(repeat.panels)}, +${((b3 - b2) / 1024).toFixed(0)} KB on disk (${(history / 1024).toFixed(0)} KB of it reverse deltas kept as history)`,
    );

    const units = String(args["baseline-units"] ?? 40);
    const base = await child("bench/evaluate-baseline.ts", ["--db", db.url, "--tenant", tenant, "--units", units]);
    out(
      `baseline (row by row): ${base.sample_units} of ${base.units} units (${base.sample_resources} resources, ${base.sample_points} recovery points, ${base.queries} queries) in ${base.sample_wall_s} s; scaled to the tenant: ${base.scaled_wall_s} s (sampled and scaled, not run in full)`,
    );
    const wall = Math.max(Number(first.wall_s), Number(repeat.wall_s));
    out(
      `speed-up over the baseline: ${(Number(base.scaled_wall_s) / wall).toFixed(1)}x (slower of the two evaluations)`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: "evaluate",
        wall_s: wall,
        peak_rss_mb: Math.max(firstPeak, Number(repeat.peak_rss_mb)),
        baseline_wall_s: base.scaled_wall_s,
        recovery_points: counts.rps,
        resources: counts.res,
        bytes_per_evaluation: { first: b1 - b0, repeat: b3 - b2, repeat_history: history },
        first: {
          wall_s: first.wall_s,
          cpu_s: first.cpu_s,
          peak_rss_mb: firstPeak,
          runs_wall_s: firsts.map((r) => r.wall_s),
        },
        repeat: {
          wall_s: repeat.wall_s,
          cpu_s: repeat.cpu_s,
          peak_rss_mb: repeat.peak_rss_mb,
          kind: repeatKind,
          panels: repeat.panels,
        },
        findings: first.findings,
        loaded_by: "sync engine",
        node_options: NODE_OPTIONS,
        load_average: loadavg().map((x) => Math.round(x * 100) / 100),
        baseline: { sample_units: base.sample_units, units: base.units, sample_wall_s: base.sample_wall_s },
      })}\n`,
    );
  } finally {
    await db.close();
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
