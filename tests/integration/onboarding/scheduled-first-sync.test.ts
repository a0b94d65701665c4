import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLatestConnectionTest } from "@/lib/onboarding/connection-test-store";
import { clock } from "@/lib/clock";
import { tickSchedules } from "@/lib/sync/schedule";
import { startHarness, waitForRun, type Harness } from "../sync/harness";

// A never-synced organization reached by its schedule gets what "Sync now" gives it: the
// connection test first, kept and audited; a shut entry role refuses the sync with the same
// message, nothing is synced, and the refusal is not retested on every tick of the slot.

let h: Harness;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
  await h.db.pool.query(`update tenants set sync_schedule = '0 * * * *' where id = $1`, [h.tenantId]);
});
afterAll(() => h?.close());

const count = async (sql: string) =>
  (await h.db.pool.query(`select count(*)::int as n from ${sql}`, [h.tenantId])).rows[0]!.n as number;
const runs = () => count(`sync_runs where tenant_id = $1`);
const accountsRead = () => count(`org_accounts where tenant_id = $1`);
const testAudits = () => count(`audit_log where tenant_id = $1 and action = 'tenant.connection_test'`);

describe("a scheduled first sync", () => {
  it("is refused when the entry role cannot get in, with the test's advice, and syncs nothing", async () => {
    await h.db.pool.query(`update tenants set external_id = 'not-the-external-id' where id = $1`, [h.tenantId]);
    const logged: string[] = [];
    const now = clock.now();
    expect(await tickSchedules(h.db.pool, h.aws, now, (m) => logged.push(m))).toBe(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(
      `demo: scheduled sync not started: The first sync was not started: the connection test could not get in. cannot assume ${h.world.management_role_arn}`,
    );
    expect(logged[0]).toContain("What to fix: Check that the role exists");
    const test = (await getLatestConnectionTest(h.db.db, h.tenantId))!;
    expect(test.verdict).toBe("failed");
    expect(test.ranByEmail).toBe("system:schedule");
    expect(await testAudits()).toBe(1);
    expect(await runs()).toBe(0);

    // The next ticks of the same slot give the same answer without testing (or auditing) again.
    expect(await tickSchedules(h.db.pool, h.aws, new Date(now.getTime() + 60_000), (m) => logged.push(m))).toBe(0);
    expect(logged).toHaveLength(1);
    expect(await testAudits()).toBe(1);
    await new Promise((r) => setTimeout(r, 1500)); // a worker would have picked up anything queued
    expect(await runs()).toBe(0);
    expect(await accountsRead()).toBe(0);
  });

  it("goes ahead at the next slot once the role lets it in, and the sync reads the organization", async () => {
    await h.db.pool.query(`update tenants set external_id = $2 where id = $1`, [h.tenantId, h.world.external_id]);
    const logged: string[] = [];
    expect(await tickSchedules(h.db.pool, h.aws, new Date(clock.nowMs() + HOUR), (m) => logged.push(m))).toBe(1);
    expect(logged).toEqual([]);
    const test = (await getLatestConnectionTest(h.db.db, h.tenantId))!;
    expect(test.verdict).toBe("problems"); // the demo world's broken sandboxes; the entry role is fine
    expect(await testAudits()).toBe(2);
    const run = (await h.db.pool.query(`select id, trigger from sync_runs where tenant_id = $1`, [h.tenantId])).rows;
    expect(run.map((r) => r.trigger)).toEqual(["schedule"]);
    const done = await waitForRun(h.db, h.tenantId, run[0]!.id as string);
    expect(done.status).toBe("partial");
    expect(await accountsRead()).toBeGreaterThan(0);
    // Once a sync ran, a schedule is not tested again.
    expect(await tickSchedules(h.db.pool, h.aws, new Date(clock.nowMs() + 2 * HOUR))).toBe(1);
    expect(await testAudits()).toBe(2);
    const next = await h.db.pool.query(`select id from sync_runs where tenant_id = $1 and id <> $2`, [
      h.tenantId,
      run[0]!.id,
    ]);
    await waitForRun(h.db, h.tenantId, next.rows[0]!.id as string);
  });
});
