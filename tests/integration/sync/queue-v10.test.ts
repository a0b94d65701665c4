import PgBossV10 from "pg-boss-v10";
import { afterEach, describe, expect, it } from "vitest";
import { EVALUATE_QUEUE, ensureEvaluateQueue } from "@/lib/compliance/evaluate-queue";
import { registerSyncCompletedHandler, unregisterSyncCompletedHandler, type SyncCompleted } from "@/lib/sync/hooks";
import { ensureQueues, newBoss, QUEUES } from "@/lib/sync/queue";
import { requeueV10Jobs, setAsideV10Schema, V10_SCHEMA } from "@/lib/sync/queue-v10";
import { startSyncWorker } from "@/lib/sync/worker";
import { isolatedDb } from "@/tests/helpers/db";

// A database a pg-boss 10 worker used keeps working under pg-boss 12, which cannot migrate pg-boss
// 10's schema: the jobs that were waiting in it are queued again in the new one. The old schema is
// made by the real pg-boss 10 (the dev dependency pg-boss-v10), with the queues and jobs that the
// product's pg-boss 10 code made.

type Scratch = Awaited<ReturnType<typeof isolatedDb>>;
const dbs: Scratch[] = [];
afterEach(async () => {
  unregisterSyncCompletedHandler("queue-v10-test");
  for (const db of dbs.splice(0)) await db.drop();
});

const RETRIES = { expireInSeconds: 3600, retryLimit: 3, retryDelay: 5, retryBackoff: true };
// Ids no run or tenant has: the worker's claims find nothing to do for these jobs.
const T = "00000000-0000-4000-8000-00000000000a";
const R0 = "00000000-0000-4000-8000-000000000000";
const R1 = "00000000-0000-4000-8000-000000000001";
const R2 = "00000000-0000-4000-8000-000000000002";

/** A database whose queue schema pg-boss 10 made, holding jobs in the states a stopped worker leaves. */
async function v10Database() {
  const db = await isolatedDb();
  dbs.push(db);
  const old = new PgBossV10({ connectionString: db.url, schedule: false, supervise: false });
  old.on("error", () => undefined);
  await old.start();
  for (const name of Object.values(QUEUES))
    await old.createQueue(name, { name, policy: "standard", ...RETRIES, retentionDays: 7 });
  await old.createQueue(EVALUATE_QUEUE, {
    name: EVALUATE_QUEUE,
    policy: "stately",
    expireInSeconds: 1800,
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
    retentionDays: 7,
  });
  const unit = (accountId: string) => ({ runId: R1, tenantId: T, accountId, region: "eu-west-1" });
  await old.insert([
    { name: QUEUES.unit, data: unit("111111111111"), ...RETRIES },
    { name: QUEUES.unit, data: unit("222222222222"), ...RETRIES, startAfter: "600 seconds" },
  ]);
  await old.send(QUEUES.run, { runId: R1, tenantId: T }, RETRIES);
  const [running] = await old.fetch(QUEUES.run); // active: its worker was stopped mid-job
  await old.send(QUEUES.run, { runId: R2, tenantId: T }, RETRIES);
  await old.send(EVALUATE_QUEUE, { tenantId: T, trigger: "sync" }, { singletonKey: T });
  await old.send(QUEUES.completed, { runId: R0, tenantId: T, status: "succeeded" }, RETRIES);
  const [done] = await old.fetch(QUEUES.completed);
  await old.complete(QUEUES.completed, done!.id); // completed: not taken over
  await old.send(QUEUES.completed, { runId: R1, tenantId: T, status: "partial" }, RETRIES);
  expect(running).toBeDefined();
  await old.stop({ graceful: false, wait: true });
  return db;
}

describe("a database made by pg-boss 10", () => {
  it("has its waiting jobs queued again under pg-boss 12, and the old schema dropped", async () => {
    const db = await v10Database();
    expect(await setAsideV10Schema(db.pool)).toBe(true);
    const boss = newBoss(db.url, { schedule: false });
    boss.on("error", () => undefined);
    try {
      await boss.start();
      await ensureQueues(boss);
      expect(await requeueV10Jobs(db.pool, boss)).toBe(6);

      expect((await db.pool.query(`select to_regnamespace($1) as n`, [V10_SCHEMA])).rows[0].n).toBeNull();
      expect((await db.pool.query(`select version from pgboss.version`)).rows[0].version).toBeGreaterThanOrEqual(25);
      const jobs = (
        await db.pool.query(
          `select name, data, state, singleton_key, retry_limit, expire_seconds, extract(epoch from start_after - now()) as wait from pgboss.job order by name, data->>'accountId', data->>'runId'`,
        )
      ).rows;
      expect(jobs.map((j) => [j.name, j.data, j.state])).toEqual([
        [EVALUATE_QUEUE, { tenantId: T, trigger: "sync" }, "created"],
        [QUEUES.completed, { runId: R1, tenantId: T, status: "partial" }, "created"],
        [QUEUES.run, { runId: R1, tenantId: T }, "created"],
        [QUEUES.run, { runId: R2, tenantId: T }, "created"],
        [QUEUES.unit, { runId: R1, tenantId: T, accountId: "111111111111", region: "eu-west-1" }, "created"],
        [QUEUES.unit, { runId: R1, tenantId: T, accountId: "222222222222", region: "eu-west-1" }, "created"],
      ]);
      expect(jobs[0].singleton_key).toBe(T);
      expect(
        jobs.filter((j) => j.name !== EVALUATE_QUEUE).every((j) => j.retry_limit === 3 && j.expire_seconds === 3600),
      ).toBe(true);
      // The deferred unit keeps what remained of its 10 minutes, on PostgreSQL's clock.
      expect(Number(jobs[5].wait)).toBeGreaterThan(540);
      expect(Number(jobs[5].wait)).toBeLessThanOrEqual(600);
      expect(Number(jobs[4].wait)).toBeLessThanOrEqual(0);

      // The evaluation queue, which the worker does not make, came over with pg-boss 10's policy.
      expect((await boss.getQueue(EVALUATE_QUEUE))?.policy).toBe("stately");
      await ensureEvaluateQueue(boss);

      // Once is enough: a second start finds nothing to set aside or take over.
      expect(await setAsideV10Schema(db.pool)).toBe(false);
      expect(await requeueV10Jobs(db.pool, boss)).toBeNull();
    } finally {
      await boss.stop({ graceful: false, timeout: 2000 }).catch(() => undefined);
    }
  });

  it("a sync worker started on it runs the jobs pg-boss 10 left", async () => {
    const db = await v10Database();
    const seen: SyncCompleted[] = [];
    registerSyncCompletedHandler("queue-v10-test", async (e) => void seen.push(e));
    const worker = await startSyncWorker({
      pool: db.pool,
      databaseUrl: db.url,
      aws: { endpoint: "http://127.0.0.1:9", region: "us-east-1" },
      schedule: false,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([{ runId: R1, tenantId: T, status: "partial" }]);
    } finally {
      await worker.stop(1000);
    }
  });
});
