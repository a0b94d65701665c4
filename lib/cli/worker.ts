import { scheduleCheckpoints } from "@/db/audit-checkpoint";
import { awsSettingsFromEnv } from "@/lib/aws/settings";
import { alertsAfterEvaluation, sendDepsFromEnv, startAlerts } from "@/lib/alerts/queue";
import { registerComplianceJobs, registerComplianceSyncHook } from "@/lib/compliance/evaluate-queue";
import { scheduledReportProducer } from "@/lib/reports/report-set";
import { deliveryDepsFromEnv, startReportDelivery } from "@/lib/reports/schedules/queue";
import { startSyncWorker } from "@/lib/sync/worker";
import { ensureYoungGeneration } from "./relaunch";
import { log, openRuntime, parseArgs } from "./runtime";

// `npm run worker [-- --concurrency N --publish-concurrency P --stale-seconds S --heartbeat-seconds H --no-schedule]`:
// a sync worker. Run as many as needed, on any machine that reaches the database; they share the
// queue. SIGTERM/SIGINT stop it; units in hand are taken over by another worker after
// --stale-seconds (default 30).

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
const num = (k: string) => (typeof args[k] === "string" ? Number(args[k]) : undefined);
const runtime = await openRuntime();
const { env, handle } = runtime;
const worker = await startSyncWorker({
  pool: handle.pool,
  databaseUrl: runtime.databaseUrl,
  aws: await awsSettingsFromEnv(env),
  settings: {
    unitConcurrency: num("concurrency") ?? env.SYNC_UNIT_CONCURRENCY,
    recoveryPointsFullEveryHours: env.SYNC_FULL_PASS_HOURS,
    ...(num("stale-seconds") ? { staleSeconds: num("stale-seconds")! } : {}),
    ...(num("heartbeat-seconds") ? { heartbeatSeconds: num("heartbeat-seconds")! } : {}),
    ...(num("spill-at") ? { spillAt: num("spill-at")! } : {}),
    ...(num("publish-concurrency") ? { publishConcurrency: num("publish-concurrency")! } : {}),
  },
  schedule: args["no-schedule"] !== true,
  log: (m) => log(`[worker] ${m}`),
});
// Evaluation after every sync (lib/compliance/evaluate-queue.ts): the sync-completed hook queues it, and
// this worker also runs queued evaluations.
registerComplianceSyncHook(worker.boss);
await registerComplianceJobs(worker.boss, {
  db: handle.db,
  log: (m) => log(`[evaluate] ${m}`),
  // Alerts on what the evaluation changed (lib/alerts): control FAIL transitions, score drops.
  onEvaluated: alertsAfterEvaluation(handle.db, (m) => log(`[alerts] ${m}`)),
});
// Scheduled report delivery (lib/reports/schedules): a minute tick on the same queue; the reports
// are rendered by the same code as the downloads (lib/reports/report-set.ts).
await startReportDelivery(worker.boss, {
  db: handle.db,
  deps: deliveryDepsFromEnv(env, {
    produce: scheduledReportProducer(handle.db),
    aws: worker.factory,
    log: (m) => log(`[reports] ${m}`),
  }),
  schedule: args["no-schedule"] !== true,
});
// Alerts (lib/alerts): the minute tick sends due deliveries and digests and detects what comes with
// time; a sync-completed handler detects unit failures and job failure spikes.
await startAlerts(worker.boss, {
  db: handle.db,
  deps: sendDepsFromEnv(env),
  schedule: args["no-schedule"] !== true,
  log: (m) => log(`[alerts] ${m}`),
});
// Anchors the audit log's head outside the database every AUDIT_CHECKPOINT_MINUTES (db/audit-checkpoint.ts).
const stopCheckpoints = scheduleCheckpoints(handle.db, env.AUDIT_CHECKPOINT_MINUTES, (m) => log(`[audit] ${m}`));
log(`sync worker ${worker.id} started${env.AWS_ENDPOINT_URL ? ` (AWS at ${env.AWS_ENDPOINT_URL})` : ""}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  stopCheckpoints();
  await worker.stop();
  await runtime.shutdown();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
