import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EVALUATE_QUEUE,
  registerComplianceJobs,
  registerComplianceSyncHook,
  requestEvaluation,
} from "@/lib/compliance/evaluate-queue";
import { unregisterSyncCompletedHandler } from "@/lib/sync/hooks";
import { startSyncWorker, type SyncWorker } from "@/lib/sync/worker";
import { demoWorld } from "@/sim/world/demo";
import { isolatedDb } from "@/tests/helpers/db";
import { syncWorld, type SyncedWorld } from "./sync-world";

// Evaluation after each sync: the sync engine's completion hook queues an evaluation of the
// tenant, and a worker that registered the compliance jobs runs it over the published snapshot.
// A database of its own: the queue would otherwise also take other test files' sync jobs and
// evaluate their tenants at its own clock.

let handle: Awaited<ReturnType<typeof isolatedDb>>;
let boss: PgBoss;
let synced: SyncedWorld;
let worker: SyncWorker;

const evaluations = async (tenantId: string) =>
  (
    await handle.pool.query(
      `select id, status, trigger, sync_run_id from compliance_evaluations where tenant_id = $1 order by id`,
      [tenantId],
    )
  ).rows as Array<{ id: number; status: string; trigger: string; sync_run_id: string | null }>;

async function waitFor<T>(what: string, get: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  handle = await isolatedDb();
  boss = new PgBoss({ connectionString: handle.url, max: 2, schedule: false, supervise: true });
  boss.on("error", () => undefined);
  await boss.start();
  registerComplianceSyncHook(boss);
  await registerComplianceJobs(boss, { db: handle.db });
  synced = await syncWorld(handle, handle.url, demoWorld(3), { name: "Demo Jobs" });
  // A worker that stays up, as `npm run worker` does: the run's completion job may still be queued
  // when the syncing worker stopped.
  worker = await startSyncWorker({
    pool: handle.pool,
    databaseUrl: handle.url,
    aws: { endpoint: synced.sim.url, region: "us-east-1" },
    schedule: false,
  });
}, 300_000);
afterAll(async () => {
  await worker?.stop(2000);
  unregisterSyncCompletedHandler("compliance");
  await boss?.stop({ graceful: false, timeout: 2000 }).catch(() => undefined);
  await synced?.stop();
  await handle?.drop();
});

describe("evaluation after each sync", () => {
  it("the completed sync queued an evaluation that ran over its snapshot", async () => {
    const done = await waitFor("the evaluation after the sync", async () =>
      (await evaluations(synced.tenantId)).find((e) => e.status === "succeeded" && e.trigger === "sync"),
    );
    expect(done.sync_run_id).toBe(synced.run.runId);
  });

  it("a burst of requests for one tenant costs one more evaluation, not one each", async () => {
    const before = (await evaluations(synced.tenantId)).length;
    const ids = await Promise.all(
      [1, 2, 3, 4].map(() => requestEvaluation(boss, { tenantId: synced.tenantId, trigger: "burst" })),
    );
    expect(ids.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(ids.filter(Boolean).length).toBeLessThanOrEqual(2);
    await waitFor("the queue to drain", async () =>
      (await boss.findJobs(EVALUATE_QUEUE, { queued: true })).length === 0 &&
      (await evaluations(synced.tenantId)).every((e) => e.status !== "running")
        ? true
        : undefined,
    );
    await waitFor("the burst's evaluation", async () =>
      (await evaluations(synced.tenantId)).some((e) => e.trigger === "burst") ? true : undefined,
    );
    const after = await evaluations(synced.tenantId);
    expect(after.length - before).toBeLessThanOrEqual(2);
    expect(after.every((e) => e.status === "succeeded")).toBe(true);
  });
});
