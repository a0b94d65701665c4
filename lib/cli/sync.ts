import { findTenantByNameOrSlug, getRunProgress, listRunUnitErrors, type RunProgress } from "@/db/queries/sync";
import { awsSettingsFromEnv } from "@/lib/aws/settings";
import { startSync } from "@/lib/sync/start";
import { startSyncWorker, type SyncWorker } from "@/lib/sync/worker";
import { ensureYoungGeneration } from "./relaunch";
import { fail, openRuntime, parseArgs } from "./runtime";

// `npm run sync -- --tenant <name|slug> [--no-worker] [--full]`: asks for a sync of one tenant,
// runs a sync worker in this process (unless --no-worker: then `npm run worker` processes do
// the work), draws progress on stderr and ends with ONE JSON line on stdout.

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
if (typeof args.tenant !== "string") fail("usage: npm run sync -- --tenant <name or slug> [--no-worker] [--full]");
const runtime = await openRuntime();
const { env, handle } = runtime;
const started = performance.now();
let worker: SyncWorker | null = null;

async function shutdown(code: number): Promise<never> {
  await worker?.stop(2000).catch(() => undefined);
  await runtime.shutdown();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(130));

try {
  const tenant = await findTenantByNameOrSlug(handle.db, args.tenant as string);
  if (!tenant) {
    process.stderr.write(`error: no organization named "${String(args.tenant)}"\n`);
    await shutdown(1);
  }
  const t = tenant!;
  if (args.full === true) {
    // Next run lists every recovery point (deletions and expiry noticed now, not at the daily reconciliation).
    await handle.pool.query(`update sync_units set recovery_points_full_at = null where tenant_id = $1`, [t.id]);
  }
  const aws = await awsSettingsFromEnv(env);
  // First sync of the tenant: test the connection first; refused (exit 1) if the entry role is shut.
  const { run: request, test } = await startSync(handle.db, aws, {
    tenantId: t.id,
    trigger: "cli",
    actor: { userId: null, email: "cli:sync", ip: null },
  });
  if (test) process.stderr.write(`connection test before the first sync: ${test.verdict}\n`);
  if (!request) throw new Error("could not start a sync");
  // Queued before the worker starts: it picks the run up as soon as it is running.
  if (args["no-worker"] !== true) {
    worker = await startSyncWorker({
      pool: handle.pool,
      databaseUrl: runtime.databaseUrl,
      aws,
      settings: { unitConcurrency: env.SYNC_UNIT_CONCURRENCY, recoveryPointsFullEveryHours: env.SYNC_FULL_PASS_HOURS },
      schedule: false,
      log: (m) => process.stderr.write(`\n${m}\n`),
    });
  }
  if (!request.created) process.stderr.write(`a sync of ${t.name} is already running; following it\n`);
  const final = await follow(t.id, request.runId);
  const errors = await listRunUnitErrors(handle.db, { tenantId: t.id, runId: request.runId, limit: 50 });
  for (const e of errors) process.stderr.write(`  ${e.status.padEnd(7)} ${e.accountId} ${e.region}: ${e.error}\n`);
  const s = (final.summary ?? {}) as Record<string, unknown>;
  process.stdout.write(
    `${JSON.stringify({
      tenant: t.name,
      run_id: request.runId,
      status: final.status,
      units: final.total,
      failed_units: final.failed,
      skipped_units: final.skipped,
      counts: s.counts ?? {},
      calls: s.calls ?? null,
      throttled: s.throttled ?? null,
      changes: s.changes ?? null,
      wall_s: Math.round(performance.now() - started) / 1000,
    })}\n`,
  );
  await shutdown(final.status === "failed" ? 1 : 0);
} catch (error) {
  process.stderr.write(`\nerror: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}

/** Polls the run and draws `[#####-----] 12/40 units · inventory · 1 error` on stderr. */
async function follow(tenantId: string, runId: string): Promise<RunProgress> {
  const tty = process.stderr.isTTY;
  let last = "";
  for (;;) {
    const p = await getRunProgress(handle.db, { tenantId, runId });
    if (!p) throw new Error("the run disappeared (was the organization deleted?)");
    const width = 30;
    const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} units · ${p.phase} · ${p.errorsSoFar} error${p.errorsSoFar === 1 ? "" : "s"}`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (p.status !== "queued" && p.status !== "running") {
      if (tty) process.stderr.write("\n");
      return p;
    }
    await new Promise((r) => setTimeout(r, tty ? 250 : 1000));
  }
}
