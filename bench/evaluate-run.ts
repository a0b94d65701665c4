// One measured evaluation in a process of its own, so its peak RSS is the evaluation's alone:
// tsx bench/evaluate-run.ts --db <url> --tenant <id> [--now <epoch ms>]. Prints one JSON line.
import { createDb } from "@/db";
import { parseArgs } from "@/lib/cli/runtime";
import { clock } from "@/lib/clock";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";

const args = parseArgs(process.argv.slice(2));
const handle = createDb(String(args.db), { max: 4, applicationName: "bench-evaluate-run" });
const t0 = performance.now();
// The evaluation's clock is the simulator's (the world was built around it), not the wall clock;
// units were published at wall-clock times, which may lie days before or after it, so freshness
// (what makes stale units ERROR) is not what this measures.
const now = typeof args.now === "string" ? new Date(Number(args.now)) : clock.now();
const r = await evaluateTenant(handle.db, String(args.tenant), {
  trigger: "bench",
  now,
  maxDataAgeHours: 24 * 3650,
  log: (m) => process.stderr.write(`  ${m}\n`),
});
const wall = (performance.now() - t0) / 1000;
await handle.close();
process.stdout.write(
  `${JSON.stringify({
    wall_s: Math.round(wall * 100) / 100,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpu_s: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100,
    evaluation_id: r.evaluationId,
    findings: r.stats.findings,
    recovery_points: r.stats.recoveryPoints,
    resources: r.stats.resources,
    panels: r.stats.panels,
    millis: r.stats.millis,
    scores: Object.fromEntries(r.scores.map((s) => [s.templateId, s.score])),
  })}\n`,
);
