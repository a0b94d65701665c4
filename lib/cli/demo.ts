import path from "node:path";
import { eq } from "drizzle-orm";
import { recordAudit } from "@/db/audit";
import { scheduleCheckpoints } from "@/db/audit-checkpoint";
import { tenants } from "@/db/schema";
import { AwsFactory, type AwsSettings } from "@/lib/aws/client-factory";
import { alertsAfterEvaluation, sendDepsFromEnv, startAlerts } from "@/lib/alerts/queue";
import { registerComplianceJobs, registerComplianceSyncHook } from "@/lib/compliance/evaluate-queue";
import { ensureDemoBaseline } from "@/lib/policies/demo-baseline";
import { startSyncWorker } from "@/lib/sync/worker";
import { scheduledReportProducer } from "@/lib/reports/report-set";
import { deliveryDepsFromEnv, startReportDelivery } from "@/lib/reports/schedules/queue";
import { startSimulator, type WorldSummary } from "@/sim/server";
import { DAY, worldNow } from "@/sim/world/time";
import { ensureDemoAlerts } from "./demo-alerts";
import { syncDemoDays } from "./demo-days";
import { ensureBuild, startNext } from "./next-server";
import { DEMO_TENANT_SLUG, DEMO_USERS, demoSeedRefusal, seedDemoUsers } from "./demo-users";
import { ensureAuthSecret, fail, log, openRuntime, type Runtime } from "./runtime";
import { clock } from "@/lib/clock";

// `npm run demo`: the whole product on one machine with nothing installed but Node: the embedded
// PostgreSQL (unless DATABASE_URL is set), migrations, demo users, the AWS simulator with the
// `demo` world on 127.0.0.1:SIM_PORT, the `demo` organization synced from it by a sync worker
// running in this process, and the web app on PORT. This file is the one place in lib/ that
// imports sim/: it is the demo's composition root.

const runtime = await openRuntime();
const { env } = runtime;
const refusal = await demoSeedRefusal(runtime.handle.db, { embedded: runtime.embedded !== null });
if (refusal) {
  await runtime.shutdown();
  fail(refusal);
}
// The world starts a day back: the demo syncs it, lets it live one day up to this hour and syncs
// it again (lib/cli/demo-days.ts), so what the pages show is today's.
const sim = await startSimulator({
  world: "demo",
  port: env.SIM_PORT,
  host: "127.0.0.1",
  now: worldNow(clock.nowMs()) - DAY,
});
const world = sim.summary();
const simAws: AwsSettings = {
  endpoint: sim.url,
  region: env.AWS_REGION,
  baseCredentials: { accessKeyId: world.principal.access_key_id, secretAccessKey: world.principal.secret_access_key },
};
const tenantId = await upsertDemoTenant(runtime, world);
await seedDemoUsers(runtime.handle.db, [tenantId]);
const alerts = await ensureDemoAlerts(runtime.handle.db, tenantId);
// Before the first sync, so that it reads the baseline and the drift made behind its back.
await pushDemoBaseline();

const worker = await startSyncWorker({
  pool: runtime.handle.pool,
  databaseUrl: runtime.databaseUrl,
  aws: simAws,
  settings: { unitConcurrency: env.SYNC_UNIT_CONCURRENCY, recoveryPointsFullEveryHours: env.SYNC_FULL_PASS_HOURS },
  log: (m) => log(`[sync] ${m}`),
});
// Each finished sync is evaluated (lib/compliance/evaluate-queue.ts), here in the same process.
registerComplianceSyncHook(worker.boss);
await registerComplianceJobs(worker.boss, {
  db: runtime.handle.db,
  log: (m) => log(`[evaluate] ${m}`),
  onEvaluated: alertsAfterEvaluation(runtime.handle.db, (m) => log(`[alerts] ${m}`)),
});
// Scheduled reports are delivered as by `npm run worker`; folder deliveries may go under
// DATA_DIR/report-deliveries unless REPORT_FOLDER_ROOT says otherwise (the web app checks the same).
const reportFolderRoot = env.REPORT_FOLDER_ROOT ?? path.resolve(env.DATA_DIR, "report-deliveries");
await startReportDelivery(worker.boss, {
  db: runtime.handle.db,
  deps: deliveryDepsFromEnv(
    { ...env, REPORT_FOLDER_ROOT: reportFolderRoot },
    { produce: scheduledReportProducer(runtime.handle.db), aws: worker.factory, log: (m) => log(`[reports] ${m}`) },
  ),
  schedule: true,
});
// Alerts as by `npm run worker` (lib/alerts/queue.ts).
await startAlerts(worker.boss, {
  db: runtime.handle.db,
  deps: sendDepsFromEnv(env),
  schedule: true,
  log: (m) => log(`[alerts] ${m}`),
});
// The audit log's head is anchored as by `npm run worker` (db/audit-checkpoint.ts).
scheduleCheckpoints(runtime.handle.db, env.AUDIT_CHECKPOINT_MINUTES, (m) => log(`[audit] ${m}`));
const demoStarted = performance.now();
void syncDemoDays({
  db: runtime.handle.db,
  aws: simAws,
  tenantId,
  advanceDay: () => sim.advanceDays(1),
  log,
}).then(
  () => log(`[demo] two days synced and evaluated in ${Math.round(performance.now() - demoStarted) / 1000} s`),
  (e: unknown) => log(`[demo] the demo's syncs stopped: ${e instanceof Error ? e.message : String(e)}`),
);

const childEnv = {
  ...process.env,
  DATABASE_URL: runtime.databaseUrl,
  AUTH_SECRET: ensureAuthSecret(env),
  DEMO_MODE: "1",
  NODE_ENV: "production" as const,
  REPORT_FOLDER_ROOT: reportFolderRoot,
  // Pushes from the web app (Policies) go to this simulator, as the sync worker's calls do.
  AWS_ENDPOINT_URL: sim.url,
};
await ensureBuild({ force: process.argv.includes("--rebuild"), env: childEnv });
const web = await startNext({ mode: "start", port: env.PORT, env: childEnv });

const url = `http://127.0.0.1:${env.PORT}`;
log("");
log(`Backup Governance demo is running at ${url}`);
log("Sign in as:");
for (const u of DEMO_USERS) log(`  ${u.role.padEnd(10)} ${u.email.padEnd(26)} ${u.password}`);
log(
  `The organization "${DEMO_TENANT_SLUG}" is simulated by the built-in AWS simulator at ${sim.url} (${world.counts.accounts} accounts, ${world.regions.join(" and ")}).`,
);
log(`Sync it again from the Sync page, or: AWS_ENDPOINT_URL=${sim.url} npm run sync -- --tenant ${DEMO_TENANT_SLUG}`);
if (alerts.feedToken)
  log(
    `Alerts (the Alerts page) also go to a JSON-lines feed: curl -H 'Authorization: Bearer ${alerts.feedToken}' ${url}/api/alerts/${alerts.channelId}/feed`,
  );
log("Press Ctrl+C to stop (the simulator, the sync worker and the embedded PostgreSQL stop with it).");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  web.kill("SIGTERM");
  await worker.stop(3000).catch(() => undefined);
  await sim.stop().catch(() => undefined);
  await runtime.shutdown();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
web.on("exit", () => void stop());

/** Creates the demo organization from the simulator's world, or refreshes it (same name). */
async function upsertDemoTenant(rt: Runtime, w: WorldSummary): Promise<string> {
  const db = rt.handle.db;
  const fields = {
    managementAccountId: w.management_account_id,
    managementRoleArn: w.management_role_arn,
    externalId: w.external_id,
    memberRoleName: w.member_role_name,
    regions: [...w.regions],
  };
  const [existing] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, DEMO_TENANT_SLUG));
  if (existing) {
    await db
      .update(tenants)
      .set({ ...fields, updatedAt: clock.now() })
      .where(eq(tenants.id, existing.id));
    return existing.id;
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(tenants)
      .values({ name: DEMO_TENANT_SLUG, slug: DEMO_TENANT_SLUG, ...fields })
      .returning({ id: tenants.id });
    await recordAudit(tx, {
      actorEmail: "demo:seed",
      action: "tenant.create",
      targetType: "tenant",
      targetId: row!.id,
      tenantId: row!.id,
      details: { name: DEMO_TENANT_SLUG, simulated: true, ...fields },
    });
    return row!.id;
  });
}

/**
 * The product's own baseline policy on Log Archive and Audit (the Security OU's accounts with an AWS
 * Backup service role: Backup Central has none, so a push to the whole OU is refused by its
 * pre-flight), through the real workflow and push against
 * the simulator (lib/policies/demo-baseline.ts). A failure is reported and the demo goes on without it.
 */
async function pushDemoBaseline(): Promise<void> {
  const targets = [...sim.runtime.state.org.accounts.values()]
    .filter((a) => a.name === "Log Archive" || a.name === "Audit")
    .map((a) => a.id);
  const byRole = (role: string) => DEMO_USERS.find((u) => u.role === role)!.email;
  const factory = new AwsFactory(simAws);
  try {
    if (targets.length !== 2) throw new Error("the demo world has no Log Archive and Audit accounts");
    await ensureDemoBaseline(
      runtime.handle.db,
      { factory },
      {
        tenantId,
        regions: [...world.regions],
        targets,
        authorEmail: byRole("operator"),
        approverEmail: byRole("admin"),
        log,
      },
    );
  } catch (error) {
    log(
      `[policies] the demo's baseline policy was not pushed: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    factory.destroy();
  }
}
