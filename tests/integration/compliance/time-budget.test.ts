import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EVALUATE_QUEUE, registerComplianceJobs, requestEvaluation } from "@/lib/compliance/evaluate-queue";
import { EvaluationTimeBudgetExceeded, evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { demoWorld } from "@/sim/world/demo";
import { isolatedDb, testDb } from "@/tests/helpers/db";
import { makeTenant } from "@/tests/helpers/fixtures";
import { syncWorld, type SyncedWorld } from "./sync-world";

// An evaluation has a time budget per tenant. Past it the evaluation stops, publishes nothing
// (no panel, score or succeeded evaluation), records a failure that says what happened, and the
// next tenant's evaluation runs as usual. A budget of 1 ms stands in for a tenant whose data
// would stall the worker.

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let t0: Date;

const state = async (tenantId: string) => {
  const q = async (sql: string) => (await handle.pool.query(sql, [tenantId])).rows[0] as Record<string, unknown>;
  return {
    panels: await q(
      `select count(*)::int as n, md5(string_agg(id || ':' || version || ':' || digest, ',' order by id)) as digest from compliance_panels where tenant_id = $1`,
    ),
    scores: await q(`select count(*)::int as n from compliance_scores where tenant_id = $1`),
    lastSucceeded: await q(
      `select max(id) as id from compliance_evaluations where tenant_id = $1 and status = 'succeeded'`,
    ),
  };
};
const evaluations = async (pool: typeof handle.pool, tenantId: string) =>
  (await pool.query(`select status, error from compliance_evaluations where tenant_id = $1 order by id`, [tenantId]))
    .rows as Array<{ status: string; error: string | null }>;

beforeAll(async () => {
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(2), { name: "Demo Budget" });
  t0 = new Date(synced.sim.runtime.state.now * 1000);
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

describe("evaluation time budget", () => {
  it("stops an evaluation past its budget, publishes nothing of it and records why", async () => {
    const first = await evaluateTenant(db, synced.tenantId, { trigger: "test", now: t0, maxDataAgeHours: 96 });
    expect(first.stats.findings).toBeGreaterThan(0);
    const before = await state(synced.tenantId);

    const later = new Date(t0.getTime() + 3_600_000);
    const stopped = evaluateTenant(db, synced.tenantId, {
      trigger: "test",
      now: later,
      maxDataAgeHours: 96,
      timeBudgetMs: 1,
    });
    await expect(stopped).rejects.toBeInstanceOf(EvaluationTimeBudgetExceeded);
    await expect(stopped).rejects.toThrow(/over its time budget of 0\.0 s \(EVALUATION_TIME_BUDGET_SECONDS\)/);

    expect(await state(synced.tenantId)).toEqual(before);
    const rows = await evaluations(handle.pool, synced.tenantId);
    expect(rows.map((r) => r.status)).toEqual(["succeeded", "failed"]);
    expect(rows[1]!.error).toMatch(/nothing of it was published, the previous evaluation stays in force/);

    // Other tenants, and this one with its usual budget, evaluate as before.
    const other = await makeTenant(db);
    await expect(evaluateTenant(db, other.id, { trigger: "test" })).resolves.toMatchObject({ tenantId: other.id });
    const again = await evaluateTenant(db, synced.tenantId, { trigger: "test", now: later, maxDataAgeHours: 96 });
    expect(again.stats.findings).toBe(first.stats.findings);
  });

  it("on the queue, a tenant over its budget fails once (no retries) and the next tenant's evaluation runs", async () => {
    const iso = await isolatedDb();
    const boss = new PgBoss({ connectionString: iso.url, max: 2, schedule: false, supervise: true });
    boss.on("error", () => undefined);
    try {
      await boss.start();
      const slow = await makeTenant(iso.db);
      const next = await makeTenant(iso.db);
      // The slow tenant is given a budget it cannot meet; everything else runs with the default.
      await registerComplianceJobs(boss, { db: iso.db, timeBudgetMs: 1 });
      const slowJob = await requestEvaluation(boss, { tenantId: slow.id, trigger: "queue" });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const job = await boss.getJobById(EVALUATE_QUEUE, slowJob!);
        if (job?.state === "completed") break;
        if (Date.now() > deadline) throw new Error(`the job is ${job?.state}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await evaluations(iso.pool, slow.id)).map((r) => r.status)).toEqual(["failed"]);
      expect((await evaluations(iso.pool, slow.id))[0]!.error).toMatch(/time budget/);
      await expect(evaluateTenant(iso.db, next.id, { trigger: "test" })).resolves.toMatchObject({
        tenantId: next.id,
      });
    } finally {
      await boss.stop({ graceful: false, timeout: 2000 }).catch(() => undefined);
      await iso.drop();
    }
  });
});
