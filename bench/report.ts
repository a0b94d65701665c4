import { writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { openRuntime, parseArgs } from "@/lib/cli/runtime";
import { emptyCounts, scoreRequirement, scoreSlice, type StatusCounts } from "@/lib/compliance/scoring/score";
import { benchWorld } from "@/sim/world/bench";
import { pinBenchClock, runTsxChild } from "./sim-child";
import { BENCH_DATABASE, ensureBenchTenant, openBenchDatabase } from "./evaluate-world";

// npm run bench:report [-- --scale 0.1 --template iso-27001-2022 --resync]
// A framework report over a year of daily history of the bench world, as PDF and as HTML, each
// in a process of its own (so its peak RSS is its own), beside a baseline measured in the same
// run: the same not-passing checks streamed to CSV by the product's findings export. The target
// (issue 18): the PDF in under 60 s and under 1 GiB. Ends with one JSON line.
//
// The world: `bench` (1,000 accounts × 2 regions, ≈200k resources, ≈1M recovery points) synced by
// the sync engine, in the evaluate bench's database (kept between runs); with --scale s, the same
// preset with 1,000 × s accounts, in a database of its own per scale.
//
// The year of history: one real evaluation of the world (the product's evaluateTenant, in a
// child), whose daily roll-up rows storeScores wrote; then the 364 days before it, written as
// roll-up rows derived from that day's rows with a share of passing checks moved to failing that
// shrinks towards the real day (a year of improvement), scored by the scoring rules. 365 real
// evaluations would take hours; what the report reads of history is only the daily roll-up, and
// that roll-up is what this writes, row for row in its real shape. Findings, counts and
// exceptions are the real evaluation's.

const args = parseArgs(process.argv.slice(2));
const scale = Number(args.scale ?? 1);
const template = String(args.template ?? "iso-27001-2022");
const out = (line: string) => process.stderr.write(`${line}\n`);
const DAY_MS = 86_400_000;
/** server-only resolves to its empty module under this condition, as in the app's server build. */
const NODE_OPTIONS = "--conditions=react-server";

const child = (script: string, argv: string[]) => runTsxChild(script, argv, NODE_OPTIONS);

interface DayRow {
  template_slug: string;
  requirement_id: string;
  evaluation_id: number;
  pass: number;
  fail: number;
  not_applicable: number;
  error: number;
  excepted: number;
}

/** The 364 days before `day`, derived from its roll-up rows (see the header). */
function historyRows(rows: DayRow[], day: string) {
  const out: Array<{
    slug: string;
    req: string;
    day: string;
    ev: number;
    status: string;
    score: number | null;
    c: StatusCounts;
  }> = [];
  const t = Date.parse(`${day}T00:00:00Z`);
  for (let back = 1; back <= 364; back++) {
    const d = new Date(t - back * DAY_MS).toISOString().slice(0, 10);
    // Up to 30% of passing checks failing a year ago, with a weekly wobble.
    const share = Math.min(0.95, Math.max(0, 0.3 * (back / 364) + 0.03 * Math.sin((back / 7) * 2 * Math.PI)));
    for (const slug of new Set(rows.map((r) => r.template_slug))) {
      const reqs = rows
        .filter((r) => r.template_slug === slug && r.requirement_id !== "")
        .map((r) => {
          const moved = Math.floor(r.pass * share);
          const c = {
            PASS: r.pass - moved,
            FAIL: r.fail + moved,
            NOT_APPLICABLE: r.not_applicable,
            ERROR: r.error,
            EXCEPTED: r.excepted,
          };
          return scoreRequirement(r.requirement_id, "", c);
        });
      const total = emptyCounts();
      for (const q of reqs) for (const k of Object.keys(total) as Array<keyof StatusCounts>) total[k] += q.counts[k];
      const slice = scoreSlice(reqs);
      const ev = rows[0]!.evaluation_id;
      for (const q of reqs) out.push({ slug, req: q.id, day: d, ev, status: q.status, score: q.score, c: q.counts });
      out.push({
        slug,
        req: "",
        day: d,
        ev,
        status:
          slice.score === null
            ? "NOT_APPLICABLE"
            : slice.requirementsPassing === slice.requirementsApplicable
              ? "PASS"
              : "FAIL",
        score: slice.score,
        c: total,
      });
    }
  }
  return out;
}

async function main() {
  pinBenchClock();
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be above 0 and at most 1, not ${String(args.scale)}`);
  const runtime = await openRuntime({ migrate: false });
  const dbName = scale === 1 ? BENCH_DATABASE : `bg_bench_report_${String(scale).replace(".", "_")}`;
  const db = await openBenchDatabase(runtime.databaseUrl, dbName);
  try {
    let world = "bench";
    if (scale !== 1) {
      world = path.join(tmpdir(), `bench-report-world-${String(scale)}.json`);
      writeFileSync(world, JSON.stringify(benchWorld({ accounts: Math.max(6, Math.round(1000 * scale)) })));
    }
    const bench = await ensureBenchTenant(db, { resync: args.resync === true, world, log: out });
    const tenant = bench.tenantId;
    const at = (bench.epoch + bench.day * 86_400 + 3_600) * 1000;
    const counts = (
      await db.pool.query(
        `select (select count(*) from recovery_points where tenant_id = $1)::int as rps, (select count(*) from resources where tenant_id = $1)::int as res`,
        [tenant],
      )
    ).rows[0] as { rps: number; res: number };
    out(`bench tenant (scale ${scale}, database ${dbName}): ${counts.res} resources, ${counts.rps} recovery points`);

    const existing = await db.pool.query(
      `select id, evaluated_at from compliance_evaluations where tenant_id = $1 and status = 'succeeded' and evaluated_at <= $2 order by evaluated_at desc limit 1`,
      [tenant, new Date(at)],
    );
    let evaluatedAt: Date = existing.rows[0]?.evaluated_at;
    if (!existing.rows[0]) {
      const run = await child("bench/evaluate-run.ts", ["--db", db.url, "--tenant", tenant, "--now", String(at)]);
      out(`evaluated: ${run.wall_s} s, ${run.findings} findings`);
      evaluatedAt = new Date(at);
    } else out(`evaluation ${existing.rows[0].id} of ${evaluatedAt.toISOString()} reused`);

    const day = evaluatedAt.toISOString().slice(0, 10);
    const today = (
      await db.pool.query(
        `select template_slug, requirement_id, evaluation_id, pass, fail, not_applicable, error, excepted from compliance_score_days where tenant_id = $1 and day = $2::date`,
        [tenant, day],
      )
    ).rows as DayRow[];
    if (today.length === 0) throw new Error(`no daily roll-up on ${day} for the bench tenant`);
    const rows = historyRows(today, day);
    await db.pool.query(
      `insert into compliance_score_days (tenant_id, template_slug, requirement_id, day, evaluation_id, status, score, pass, fail, not_applicable, error, excepted)
       select $1, u.slug, u.req, u.day::date, u.ev, u.status, u.score, u.p, u.f, u.n, u.e, u.x
         from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::float8[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[]) as u(slug, req, day, ev, status, score, p, f, n, e, x)
       on conflict (tenant_id, template_slug, requirement_id, day) do update set evaluation_id = excluded.evaluation_id, status = excluded.status,
         score = excluded.score, pass = excluded.pass, fail = excluded.fail, not_applicable = excluded.not_applicable, error = excluded.error, excepted = excluded.excepted`,
      [
        tenant,
        rows.map((r) => r.slug),
        rows.map((r) => r.req),
        rows.map((r) => r.day),
        rows.map((r) => r.ev),
        rows.map((r) => r.status),
        rows.map((r) => r.score),
        rows.map((r) => r.c.PASS),
        rows.map((r) => r.c.FAIL),
        rows.map((r) => r.c.NOT_APPLICABLE),
        rows.map((r) => r.c.ERROR),
        rows.map((r) => r.c.EXCEPTED),
      ],
    );
    const from = new Date(Date.parse(`${day}T00:00:00Z`) - 364 * DAY_MS).toISOString().slice(0, 10);
    out(`history: ${rows.length} daily roll-up rows written for ${from} to ${day}`);

    const now = String(evaluatedAt.getTime() + 60_000);
    const reportArgs = [
      "--db",
      db.url,
      "--tenant",
      tenant,
      "--template",
      template,
      "--from",
      from,
      "--to",
      day,
      "--now",
      now,
    ];
    const pdf = await child("bench/report-run.ts", [...reportArgs, "--format", "pdf"]);
    out(
      `PDF: ${pdf.wall_s} s (model ${pdf.load_s} s, rendering ${pdf.render_s} s), peak RSS ${pdf.peak_rss_mb} MB, ${pdf.pages} pages, ${pdf.bytes} bytes, ${pdf.not_passing} not-passing checks listed, ${pdf.trend_days} trend days`,
    );
    const html = await child("bench/report-run.ts", [...reportArgs, "--format", "html"]);
    out(`HTML: ${html.wall_s} s, peak RSS ${html.peak_rss_mb} MB, ${html.bytes} bytes`);
    const base = await child("bench/report-baseline.ts", [
      "--db",
      db.url,
      "--tenant",
      tenant,
      "--template",
      template,
      "--as-of",
      new Date(Number(now)).toISOString(),
    ]);
    out(
      `baseline (findings CSV export of the same checks): ${base.wall_s} s, peak RSS ${base.peak_rss_mb} MB, ${base.rows} rows`,
    );
    const ratio = (a: unknown, b: unknown) => Math.round((Number(a) / Number(b)) * 100) / 100;
    process.stdout.write(
      `${JSON.stringify({
        bench: "report",
        scale,
        template,
        period: `${from} to ${day}`,
        wall_s: pdf.wall_s,
        peak_rss_mb: pdf.peak_rss_mb,
        pages: pdf.pages,
        failing_resources: pdf.not_passing,
        trend_days: pdf.trend_days,
        pdf,
        html,
        baseline: { what: "findings CSV export of the same not-passing checks", ...base },
        baseline_wall_s: base.wall_s,
        ratio_wall: ratio(pdf.wall_s, base.wall_s),
        ratio_peak_rss: ratio(pdf.peak_rss_mb, base.peak_rss_mb),
        target: { wall_s: 60, peak_rss_mb: 1024, met: Number(pdf.wall_s) < 60 && Number(pdf.peak_rss_mb) < 1024 },
        recovery_points: counts.rps,
        resources: counts.res,
        loaded_by: "sync engine",
        load_average: loadavg().map((x) => Math.round(x * 100) / 100),
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
