import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES, unitJobs } from "@/lib/sync/queue";
import { requestSync } from "@/lib/sync/request";
import { countsByUnit, FAST, simCountsByUnit, startHarness, waitForRun, type Harness } from "./harness";

// A worker process killed with SIGKILL in the middle of a sync leaves nothing half-published:
// its units are taken over by another worker once its heartbeat stops, and the run completes
// with every unit read exactly as the simulator holds it.

let h: Harness;
beforeAll(async () => {
  // Slow answers, so that the child is killed with units in hand.
  h = await startHarness({ config: { latency_ms: 120 } });
});
afterAll(() => h?.close());

describe("a worker killed mid-sync", () => {
  it("leaves nothing half-published, and another worker finishes its units", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.resolve("tests/integration/sync/fixtures/worker-child.ts"),
        JSON.stringify({ databaseUrl: h.db.url, aws: h.aws, settings: { ...FAST, unitConcurrency: 6, spillAt: 40 } }),
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let childId = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        const m = /ready (\S+)/.exec(d.toString());
        if (m) {
          childId = m[1]!;
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`worker child exited early (${code})`)));
    });
    const req = (await requestSync(h.db.db, { tenantId: h.tenantId, trigger: "cli" }))!;

    // Wait until the child has published some units and holds others.
    const deadline = Date.now() + 60_000;
    let held = 0;
    for (;;) {
      const r = await h.db.pool.query(
        `select count(*) filter (where status = 'ok' and kind = 'region')::int as ok, count(*) filter (where status = 'running' and worker_id = $2)::int as held from sync_run_units where run_id = $1`,
        [req.runId, childId],
      );
      held = r.rows[0]!.held as number;
      if ((r.rows[0]!.ok as number) >= 2 && held >= 1) break;
      if (Date.now() > deadline) throw new Error(`the child never got going: ${JSON.stringify(r.rows[0])} after 60 s`);
      await new Promise((res) => setTimeout(res, 50));
    }
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    const orphaned = await h.db.pool.query(
      `select account_id, region from sync_run_units where run_id = $1 and status = 'running' and worker_id = $2`,
      [req.runId, childId],
    );
    expect(orphaned.rows.length).toBeGreaterThan(0);

    // Nothing of an orphaned unit is published: its sync_units row has not been written yet.
    for (const u of orphaned.rows) {
      const s = await h.db.pool.query(
        `select published_at from sync_units where tenant_id = $1 and account_id = $2 and region = $3`,
        [h.tenantId, u.account_id, u.region],
      );
      expect(s.rows[0]?.published_at ?? null).toBeNull();
      const rows = await h.db.pool.query(
        `select count(*)::int as n from recovery_points where tenant_id = $1 and account_id = $2 and region = $3`,
        [h.tenantId, u.account_id, u.region],
      );
      expect(rows.rows[0]!.n).toBe(0);
    }

    await h.startWorker(); // takes over after FAST.staleSeconds without heartbeats
    const run = await waitForRun(h.db, h.tenantId, req.runId, 90_000);
    expect(run.status).toBe("partial");
    expect(run.failed).toBe(
      h.world.accounts.filter((a) => a.state === "ACTIVE" && !a.readable).length * h.world.regions.length,
    );

    const taken = await h.db.pool.query(
      `select status, attempt from sync_run_units where run_id = $1 and (account_id, region) in (select * from unnest($2::text[], $3::text[]))`,
      [req.runId, orphaned.rows.map((u) => u.account_id), orphaned.rows.map((u) => u.region)],
    );
    for (const t of taken.rows) {
      expect(["ok", "failed"]).toContain(t.status);
      expect(t.attempt).toBeGreaterThanOrEqual(2); // claimed again after the kill
    }
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(simCountsByUnit(h.world));
    for (const t of [
      "stg_recovery_points",
      "stg_protected_resources",
      "stg_resources",
      "stg_backup_jobs",
      "stg_copy_jobs",
      "stg_restore_jobs",
    ]) {
      expect((await h.db.pool.query(`select count(*)::int as n from ${t}`)).rows[0]!.n).toBe(0);
    }
    // Its own waits (60 s for the child, 90 s for the take-over) decide; not the 60 s default.
  }, 180_000);

  it("queues again a unit whose job a worker took from the queue and died before claiming", async () => {
    const worker = h.worker ?? (await h.startWorker());
    const last = await h.db.pool.query(
      `select id from sync_runs where tenant_id = $1 order by created_at desc limit 1`,
      [h.tenantId],
    );
    const runId = last.rows[0]!.id as string;
    const unit = (
      await h.db.pool.query(
        `select account_id, region, attempt from sync_run_units where run_id = $1 and kind = 'region' and status = 'ok' limit 1`,
        [runId],
      )
    ).rows[0]!;
    // The state a worker leaves when killed between taking the job and claiming the unit: the
    // unit pending, its only job active since long before the staleness limit.
    await h.db.pool.query(`update sync_runs set status = 'running' where id = $1`, [runId]);
    await h.db.pool.query(
      `update sync_run_units set status = 'pending', worker_id = null where run_id = $1 and account_id = $2 and region = $3`,
      [runId, unit.account_id, unit.region],
    );
    await worker.boss.insert(
      QUEUES.unit,
      unitJobs([{ runId, tenantId: h.tenantId, accountId: unit.account_id, region: unit.region }]),
    );
    await h.db.pool.query(
      `update pgboss.job set state = 'active', started_on = now() - interval '60 seconds' where name = $1 and data->>'runId' = $2 and data->>'accountId' = $3 and data->>'region' = $4`,
      [QUEUES.unit, runId, unit.account_id, unit.region],
    );

    const run = await waitForRun(h.db, h.tenantId, runId, 30_000);
    expect(run.status).toBe("partial");
    const after = (
      await h.db.pool.query(
        `select status, attempt from sync_run_units where run_id = $1 and account_id = $2 and region = $3`,
        [runId, unit.account_id, unit.region],
      )
    ).rows[0]!;
    expect(after.status).toBe("ok");
    expect(after.attempt).toBe((unit.attempt as number) + 1);
  }, 60_000);
});
