import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureJobPartitions } from "@/lib/sync/context";
import { dropExpiredJobPartitions } from "@/lib/sync/drop-job-partitions";
import { registerSyncCompletedHandler, unregisterSyncCompletedHandler, type SyncCompleted } from "@/lib/sync/hooks";
import { tickSchedules } from "@/lib/sync/schedule";
import { isolatedDb } from "@/tests/helpers/db";
import { countsByUnit, simCountsByUnit, startHarness, type Harness } from "./harness";

// Recovery points are read incrementally with a periodic full listing that notices deletions and
// expiry; jobs incrementally and kept beyond AWS's 30 days; a unit too large for memory streams
// through staging. Also: the sync-completed hook and scheduled syncs.

let h: Harness;
const completed: SyncCompleted[] = [];
beforeAll(async () => {
  registerSyncCompletedHandler("test", async (e) => {
    completed.push(e);
  });
  h = await startHarness();
  // spillAt 25: every vault and job list of the demo goes through staging.
  await h.startWorker({ spillAt: 25 });
});
afterAll(async () => {
  unregisterSyncCompletedHandler("test");
  await h?.close();
});

const jobIds = async (table: string, id: string) =>
  new Set(
    (await h.db.pool.query(`select ${id} as id from ${table} where tenant_id = $1`, [h.tenantId])).rows.map(
      (r) => r.id as string,
    ),
  );

describe("incremental reads over time", () => {
  it("streams large lists through staging and lands them exactly", async () => {
    const run = await h.sync();
    expect(run.status).toBe("partial");
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(simCountsByUnit(h.world));
    expect((await h.db.pool.query(`select count(*)::int as n from stg_recovery_points`)).rows[0]!.n).toBe(0);
  });

  it("queues the sync-completed hook once per run, with the run's outcome", async () => {
    const deadline = Date.now() + 15_000;
    while (completed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(completed).toHaveLength(1);
    const [run] = (await h.db.pool.query(`select id from sync_runs where tenant_id = $1`, [h.tenantId])).rows;
    expect(completed[0]).toEqual({ runId: run!.id, tenantId: h.tenantId, status: "partial" });
  });

  it("picks up new points and jobs incrementally, keeps jobs past AWS's 30 days, and notices expiry at the full listing", async () => {
    const jobsBefore = await jobIds("backup_jobs", "backup_job_id");
    h.sim.advance(24 * 20); // 20 days: new backups, expired points, jobs leaving the 30-day window
    const later = h.sim.summary();
    h.sim.resetStats();
    const incremental = await h.sync();
    expect(incremental.status).toBe("partial");
    // Incremental: fewer recovery point pages than a full listing would need.
    const calls = h.sim.stats().calls.by_operation["backup:ListRecoveryPointsByBackupVault"] ?? 0;
    expect(calls).toBeLessThan(
      h.sim.stats().lower_bound.min_calls_by_operation["backup:ListRecoveryPointsByBackupVault"]! * 2,
    );

    const jobsAfter = await jobIds("backup_jobs", "backup_job_id");
    for (const id of jobsBefore) expect(jobsAfter.has(id)).toBe(true); // history kept
    expect(jobsAfter.size).toBeGreaterThan(later.counts.backup_jobs); // more than AWS's window holds

    // Points that expired are noticed by the incremental read too: a vault whose stored and new
    // points do not add up to its NumberOfRecoveryPoints is listed again in full …
    const rpIncremental = (
      await h.db.pool.query(`select count(*)::int as n from recovery_points where tenant_id = $1`, [h.tenantId])
    ).rows[0]!.n as number;
    expect(rpIncremental).toBe(later.counts.recovery_points);
    // … and the full listing (forced here; daily by default) keeps the points exactly AWS's.
    await h.stopWorker();
    await h.startWorker({ spillAt: 25, recoveryPointsFullEveryHours: 0 });
    const full = await h.sync();
    expect(full.status).toBe("partial");
    const units = simCountsByUnit(later);
    const ours = await countsByUnit(h.db, h.tenantId);
    for (const [unit, counts] of units) {
      for (const k of ["recovery_points", "plans", "vaults", "resources", "protected_resources", "rules", "selections"])
        expect({ unit, k, n: ours.get(unit)?.[k] ?? 0 }).toEqual({ unit, k, n: counts[k] ?? 0 });
      for (const k of ["backup_jobs", "copy_jobs", "restore_jobs"])
        expect(ours.get(unit)?.[k] ?? 0).toBeGreaterThanOrEqual(counts[k] ?? 0);
    }
  });
});

describe("scheduled syncs", () => {
  it("start once per cron slot, whoever ticks, and not while a sync is running", async () => {
    await h.db.pool.query(`update tenants set sync_schedule = '0 */6 * * *' where id = $1`, [h.tenantId]);
    const at = new Date("2026-03-01T06:20:00Z");
    const first = await tickSchedules(h.db.pool, h.aws, at);
    const again = await tickSchedules(h.db.pool, h.aws, new Date("2026-03-01T06:21:00Z"));
    expect(first).toBe(1);
    expect(again).toBe(0);
    const runs = await h.db.pool.query(
      `select trigger, scheduled_for from sync_runs where tenant_id = $1 and trigger = 'schedule'`,
      [h.tenantId],
    );
    expect(runs.rows).toEqual([{ trigger: "schedule", scheduled_for: new Date("2026-03-01T06:00:00Z") }]);
    // Between slots nothing starts.
    await h.db.pool.query(`update sync_runs set status = 'succeeded', phase = 'done' where tenant_id = $1`, [
      h.tenantId,
    ]);
    expect(await tickSchedules(h.db.pool, h.aws, new Date("2026-03-01T08:30:00Z"))).toBe(0);
    await h.db.pool.query(`update tenants set sync_schedule = null where id = $1`, [h.tenantId]);
  });
});

describe("job history retention", () => {
  it("drops whole months older than the retention, and keeps the rest", async () => {
    await h.db.pool.query(`select ensure_job_partitions('2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z')`);
    await h.db.pool.query(
      `insert into backup_jobs (tenant_id, account_id, region, backup_job_id, creation_date, state, resource_arn, resource_type, backup_vault_name, is_parent)
       values ($1, '1', 'r', 'old', '2020-01-15T00:00:00Z', 'COMPLETED', 'a', 'EBS', 'v', false)`,
      [h.tenantId],
    );
    const kept = (
      await h.db.pool.query(`select count(*)::int as n from backup_jobs where creation_date > '2021-01-01'`)
    ).rows[0]!.n as number;
    const dropped = await dropExpiredJobPartitions(h.db.pool, 400);
    expect(dropped).toEqual(
      expect.arrayContaining([
        "backup_jobs_2020_01",
        "copy_jobs_2020_01",
        "restore_jobs_2020_01",
        "backup_jobs_2020_02",
      ]),
    );
    expect(
      (await h.db.pool.query(`select count(*)::int as n from backup_jobs where backup_job_id = 'old'`)).rows[0]!.n,
    ).toBe(0);
    expect(
      (await h.db.pool.query(`select count(*)::int as n from backup_jobs where creation_date > '2021-01-01'`)).rows[0]!
        .n,
    ).toBe(kept);
    expect(kept).toBeGreaterThan(0);
  });

  it("creates a month's partitions in every database a process syncs into, and again after a drop", async () => {
    const insert = (pool: typeof h.db.pool, id: string) =>
      pool.query(
        `insert into backup_jobs (tenant_id, account_id, region, backup_job_id, creation_date, state, resource_arn, resource_type, backup_vault_name, is_parent)
         values ($1, '1', 'r', $2, '2019-05-15T00:00:00Z', 'COMPLETED', 'a', 'EBS', 'v', false)`,
        [h.tenantId, id],
      );
    const month = [new Date("2019-05-02T00:00:00Z"), new Date("2019-05-20T00:00:00Z")] as const;
    await ensureJobPartitions(h.db.pool, ...month);
    await insert(h.db.pool, "may-here");
    const other = await isolatedDb();
    try {
      await ensureJobPartitions(other.pool, ...month);
      await insert(other.pool, "may-there");
    } finally {
      await other.drop();
    }
    expect(await dropExpiredJobPartitions(h.db.pool, 400)).toContain("backup_jobs_2019_05");
    await ensureJobPartitions(h.db.pool, ...month);
    await insert(h.db.pool, "may-again");
  });
});
