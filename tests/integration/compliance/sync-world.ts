// Syncs a simulator world into the test database with the sync engine's public functions
// (startSyncWorker + requestSync), as a tenant of its own, and waits for the run to end.
import { randomBytes } from "node:crypto";
import type { DbHandle } from "@/db";
import { tenants } from "@/db/schema";
import { waitForRunEnd, type RunProgress } from "@/db/queries/sync";
import { requestSync } from "@/lib/sync/request";
import { startSyncWorker } from "@/lib/sync/worker";
import { startSimulator, type SimHandle } from "@/sim/server";
import type { World } from "@/sim/world/schema";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

export interface SyncedWorld {
  sim: SimHandle;
  tenantId: string;
  run: RunProgress;
  /** Syncs the tenant again (after the simulator's clock moved, say). */
  resync(): Promise<RunProgress>;
  stop(): Promise<void>;
}

export async function syncWorld(
  handle: DbHandle,
  databaseUrl: string,
  world: World,
  options: { name?: string; now?: number } = {},
): Promise<SyncedWorld> {
  // Throttling off: these tests are about what is read, not how fast AWS lets us read it.
  const sim = await startSimulator({
    world,
    port: 0,
    config: { throttling: false },
    now: options.now ?? TEST_WORLD_NOW,
  });
  const w = world as Required<
    Pick<World, "organization" | "management_role" | "member_role_name" | "principal" | "regions">
  >;
  const mgmt = w.organization.management_account_id;
  const name = options.name ?? `World ${randomBytes(3).toString("hex")}`;
  const [tenant] = await handle.db
    .insert(tenants)
    .values({
      name,
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      managementAccountId: mgmt,
      managementRoleArn: `arn:aws:iam::${w.management_role.account_id ?? mgmt}:role/${w.management_role.name}`,
      externalId: w.management_role.external_id,
      memberRoleName: w.member_role_name,
      regions: w.regions,
      status: "active",
    })
    .returning();
  const aws = {
    endpoint: sim.url,
    region: "us-east-1",
    baseCredentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key },
  };
  const runOnce = async (): Promise<RunProgress> => {
    const worker = await startSyncWorker({ pool: handle.pool, databaseUrl, aws, schedule: false });
    try {
      const req = await requestSync(handle.db, { tenantId: tenant!.id, trigger: "cli" });
      if (!req) throw new Error("the sync was not started");
      return await waitForRunEnd(handle.db, { tenantId: tenant!.id, runId: req.runId, timeoutMs: 240_000 });
    } finally {
      await worker.stop(2000);
    }
  };
  try {
    const run = await runOnce();
    return { sim, tenantId: tenant!.id, run, resync: runOnce, stop: () => sim.stop() };
  } catch (e) {
    await sim.stop();
    throw e;
  }
}
