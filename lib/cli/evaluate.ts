import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { summarizeEvaluation } from "@/lib/compliance/evaluation-summary";
import { ensureYoungGeneration } from "./relaunch";
import { fail, openRuntime, parseArgs } from "./runtime";

// `npm run evaluate -- --tenant <name|slug>`: evaluates the tenant's current (published) snapshot
// against the templates it uses, stores the findings and scores, and ends with ONE JSON line on
// stdout: per control and per framework requirement the counts of PASS, FAIL, NOT_APPLICABLE,
// ERROR and EXCEPTED, and each framework's score. Progress goes to stderr.

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
if (typeof args.tenant !== "string") fail("usage: npm run evaluate -- --tenant <name or slug>");
const runtime = await openRuntime();
const started = performance.now();

try {
  const tenant = await findTenantByNameOrSlug(runtime.handle.db, args.tenant as string);
  if (!tenant) {
    process.stderr.write(`error: no organization named "${String(args.tenant)}"\n`);
    await runtime.shutdown();
    process.exit(1);
  }
  const r = await evaluateTenant(runtime.handle.db, tenant.id, { trigger: "cli", log: (m) => process.stderr.write(`${m}\n`) });
  const { controls, requirements, frameworks } = summarizeEvaluation(r);
  for (const f of Object.values(frameworks)) process.stderr.write(`${f.name}: ${f.score === null ? "n/a" : `${Math.round(f.score * 100)}%`} (${f.requirements_passing}/${f.requirements_applicable} requirements pass)\n`);
  process.stdout.write(
    `${JSON.stringify({
      tenant: tenant.name,
      evaluation_id: r.evaluationId,
      evaluated_at: r.evaluatedAt.toISOString(),
      findings: r.stats.findings,
      recovery_points: r.stats.recoveryPoints,
      resources: r.stats.resources,
      panels_written: r.stats.panels.created + r.stats.panels.changed + r.stats.panels.vanished,
      controls,
      requirements,
      frameworks,
      wall_s: Math.round(performance.now() - started) / 1000,
    })}\n`,
  );
  await runtime.shutdown();
  process.exit(0);
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  await runtime.shutdown();
  process.exit(1);
}
