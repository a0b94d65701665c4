import * as O from "@aws-sdk/client-organizations";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pinClock } from "@/lib/clock";
import type { DayRates } from "@/sim/engine/day";
import { addTenant, startHarness, stateDigest, syncTenant, type Harness } from "./harness";
import { managementCreds, orgClient } from "../sim/sim-clients";

// A resync reads recovery points from per-vault marks (ByCreatedAfter) and jobs from theirs,
// yet after each kind of change AWS's filters cannot show (a point deleted by hand or expired,
// a vault removed, a resource untagged, a plan edited or deleted) it lands exactly the rows a
// fresh full sync of the same world lands. A resync whose read fails publishes nothing.

const NONE: DayRates = { points: 0, untag: 0, edit_plan: 0, delete_plan: 0, remove_vault: 0 };
const DAY_S = 86_400;

let h: Harness;
let unpin: (() => void) | null = null;
let fresh = 0;
beforeAll(async () => {
  h = await startHarness();
  // The periodic full pass far away: every resync below is incremental.
  await h.startWorker({ spillAt: 25, recoveryPointsFullEveryHours: 24 * 365 });
  const first = await h.sync();
  expect(first.status).toBe("partial");
});
afterEach(() => {
  unpin?.();
  unpin = null;
});
afterAll(() => h?.close());

/** The simulator moves a day; the product's clock follows it (expiry is derived from it). */
function day(rates: Partial<DayRates>) {
  const changes = h.sim.advanceDays(1, { ...NONE, ...rates });
  unpin?.();
  unpin = pinClock(new Date(changes.now));
  return changes;
}

/** Resyncs the tenant and fully syncs a new one from the same world: their rows must match. */
async function resyncMatchesFullSync() {
  h.sim.resetStats();
  const resync = await h.sync();
  const resyncCalls = h.sim.stats().calls.total;
  const resyncOps = h.sim.stats().calls.by_operation;
  expect(resync.status).toBe("partial");
  const other = await addTenant(h, `fresh-${++fresh}`);
  h.sim.resetStats();
  const full = await syncTenant(h, other);
  const fullCalls = h.sim.stats().calls.total;
  expect(full.status).toBe("partial");
  const since = new Date((h.sim.summary().now ? Date.parse(h.sim.summary().now) / 1000 - 29 * DAY_S : 0) * 1000);
  const a = await stateDigest(h.db, h.tenantId, since);
  const b = await stateDigest(h.db, other, since);
  for (const t of Object.keys(a))
    if (a[t] !== b[t] && process.env.RESYNC_DEBUG) {
      const d = await h.db.pool.query(
        `(select 'resync' as side, to_jsonb(t) - 'tenant_id' as j from ${t} t where tenant_id = $1 except select 'resync', to_jsonb(t) - 'tenant_id' from ${t} t where tenant_id = $2 limit 2)
         union all (select 'full', to_jsonb(t) - 'tenant_id' from ${t} t where tenant_id = $2 except select 'full', to_jsonb(t) - 'tenant_id' from ${t} t where tenant_id = $1 limit 2)`,
        [h.tenantId, other],
      );
      console.log(t, JSON.stringify(d.rows, null, 1));
    }
  expect(a).toEqual(b);
  return { resyncCalls, fullCalls, resyncOps };
}

const unitKinds = async () =>
  (await h.db.pool.query(`select count(*)::int as n from recovery_points where tenant_id = $1`, [h.tenantId])).rows[0]!
    .n as number;

describe("a resync after one kind of change lands what a full sync lands", () => {
  it("new points and jobs, points expired by their lifecycle, jobs that were running ended", async () => {
    const running = async () =>
      (
        await h.db.pool.query(
          `select backup_job_id from backup_jobs where tenant_id = $1 and state in ('CREATED', 'PENDING', 'RUNNING')`,
          [h.tenantId],
        )
      ).rows.map((r) => r.backup_job_id as string);
    const before = await running();
    expect(before.length).toBeGreaterThan(0);
    day({});
    await resyncMatchesFullSync();
    const still = new Set(await running());
    expect(before.filter((id) => still.has(id))).toEqual([]);
  });

  it("points deleted by hand", async () => {
    const before = await unitKinds();
    const c = day({ points: 0.02 });
    expect(c.deleted_points).toBeGreaterThan(0);
    await resyncMatchesFullSync();
    expect(await unitKinds()).toBeLessThan(before);
  });

  it("a removed vault", async () => {
    const c = day({ remove_vault: 0.3 });
    expect(c.removed_vaults).toBeGreaterThan(0);
    await resyncMatchesFullSync();
  });

  it("an untagged resource", async () => {
    const c = day({ untag: 0.05 });
    expect(c.untagged_resources).toBeGreaterThan(0);
    await resyncMatchesFullSync();
  });

  it("an edited plan and a deleted one", async () => {
    const c = day({ edit_plan: 0.3, delete_plan: 0.2 });
    expect(c.edited_plans).toBeGreaterThan(0);
    expect(c.deleted_plans).toBeGreaterThan(0);
    await resyncMatchesFullSync();
  });

  it("a simulated day of everything at once", async () => {
    const c = day({ points: 0.01, untag: 0.005, edit_plan: 0.05, delete_plan: 0.02, remove_vault: 0.05 });
    const { resyncOps } = await resyncMatchesFullSync();
    // Between full passes no settings are asked again (but by units never published: disabled
    // regions, failing accounts), selections only of plans read again.
    const neverPublished = (
      await h.db.pool.query(
        `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and published_at is null`,
        [h.tenantId],
      )
    ).rows[0]!.n as number;
    expect(resyncOps["backup:DescribeRegionSettings"] ?? 0).toBeLessThanOrEqual(neverPublished);
    expect(resyncOps["backup:DescribeGlobalSettings"] ?? 0).toBeLessThanOrEqual(neverPublished);
    // Once per plan read again (new or at a new version), as ListBackupPlanVersions is.
    expect(resyncOps["backup:ListBackupSelections"] ?? 0).toBe(resyncOps["backup:ListBackupPlanVersions"] ?? 0);
    expect(resyncOps["backup:ListBackupPlanVersions"] ?? 0).toBeLessThanOrEqual(c.edited_plans);
  });
});

describe("a sync a person starts (Sync now)", () => {
  it("reads every unit and every effective policy in full", async () => {
    day({});
    h.sim.resetStats();
    const run = await syncTenant(h, h.tenantId, 60_000, "manual");
    expect(run.status).toBe("partial");
    const ops = h.sim.stats().calls.by_operation;
    const units = await h.db.pool.query(
      `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and published_at is not null and status = 'ok'`,
      [h.tenantId],
    );
    const plans = await h.db.pool.query(`select count(*)::int as n from backup_plans where tenant_id = $1`, [
      h.tenantId,
    ]);
    const accounts = await h.db.pool.query(
      `select count(*)::int as n from org_accounts where tenant_id = $1 and state = 'ACTIVE'`,
      [h.tenantId],
    );
    expect(ops["backup:DescribeRegionSettings"]).toBeGreaterThanOrEqual(units.rows[0]!.n);
    expect(ops["backup:ListBackupSelections"]).toBe(plans.rows[0]!.n);
    expect(ops["organizations:DescribeEffectivePolicy"]).toBe(accounts.rows[0]!.n);
  });
});

describe("effective backup policies on a resync", () => {
  it("are asked only of accounts whose policies changed, and land what a full sync lands", async () => {
    const org = orgClient(h.sim, await managementCreds(h.sim));
    day({});
    const quiet = await resyncMatchesFullSync();
    expect(quiet.resyncOps["organizations:DescribeEffectivePolicy"] ?? 0).toBe(0);

    // A policy attached to one OU: the accounts under it, and only they, are asked again.
    const ous = await h.db.pool.query(
      `select parent_id, count(*)::int as n from org_accounts where tenant_id = $1 and state = 'ACTIVE' and parent_id like 'ou-%'
        group by parent_id order by n desc limit 1`,
      [h.tenantId],
    );
    const { parent_id: ouId, n: under } = ous.rows[0] as { parent_id: string; n: number };
    const created = await org.send(
      new O.CreatePolicyCommand({
        Name: "resync-test",
        Description: "attached by the resync test",
        Type: "BACKUP_POLICY",
        Content: JSON.stringify({
          plans: {
            "resync-test": {
              regions: { "@@assign": ["us-east-1"] },
              rules: { daily: { target_backup_vault_name: { "@@assign": "Default" } } },
            },
          },
        }),
      }),
    );
    await org.send(new O.AttachPolicyCommand({ PolicyId: created.Policy!.PolicySummary!.Id!, TargetId: ouId }));
    day({});
    const changed = await resyncMatchesFullSync();
    expect(under).toBeGreaterThan(0);
    expect(changed.resyncOps["organizations:DescribeEffectivePolicy"]).toBe(under);
    const effective = await h.db.pool.query(
      `select count(*)::int as n from org_effective_policies e join org_accounts a using (tenant_id, account_id)
        where e.tenant_id = $1 and a.parent_id = $2 and e.content like '%resync-test%'`,
      [h.tenantId, ouId],
    );
    expect(effective.rows[0]!.n).toBe(under);
  });
});

describe("a resync whose read fails", () => {
  it("publishes nothing for the unit, and the next resync heals it", async () => {
    const since = new Date(Date.parse(h.sim.summary().now) - 29 * DAY_S * 1000);
    const before = await stateDigest(h.db, h.tenantId, since);
    day({ points: 0.02, untag: 0.02, edit_plan: 0.1 });
    // Every unit's recovery point listing is refused, after its plans, vaults and jobs were read.
    h.sim.configure({ operation_faults: { "backup:ListRecoveryPointsByBackupVault": "access_denied" } });
    try {
      const failed = await h.sync();
      expect(failed.status).toBe("partial");
      expect(failed.failed).toBeGreaterThan(15);
    } finally {
      h.sim.configure({ operation_faults: {} });
    }
    const after = await stateDigest(h.db, h.tenantId, since);
    for (const t of ["recovery_points", "backup_plans", "backup_plan_versions", "resources", "backup_vaults"])
      expect({ t, digest: after[t] }).toEqual({ t, digest: before[t] });
    const stale = await h.db.pool.query(
      `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and status = 'failed' and published_at is not null`,
      [h.tenantId],
    );
    expect(stale.rows[0]!.n).toBeGreaterThan(0);
    await resyncMatchesFullSync();
  });
});
