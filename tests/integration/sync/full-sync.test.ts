import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRunUnitErrors } from "@/db/queries/sync";
import { countInventory } from "@/lib/sync/counts";
import { countsByUnit, fingerprint, simCountsByUnit, startHarness, type Harness } from "./harness";

// A full sync of the `demo` world lands everything a complete inventory sees, counted
// independently by the simulator (/_sim/world), with exactly the fewest calls; a second sync
// changes nothing.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

describe("a full sync of the demo organization", () => {
  it("lands every plan, rule, selection, vault, recovery point, job and resource of every reachable unit", async () => {
    h.sim.resetStats();
    const run = await h.sync();
    expect(run.status).toBe("partial"); // the demo has unreachable accounts on purpose

    const expected = simCountsByUnit(h.world);
    const actual = await countsByUnit(h.db, h.tenantId);
    expect(expected.size).toBeGreaterThan(10);
    for (const [unit, counts] of expected) {
      const got = actual.get(unit) ?? {};
      for (const [entity, n] of Object.entries(counts))
        expect({ unit, entity, n: got[entity] ?? 0 }).toEqual({ unit, entity, n });
    }
    // Nothing from units the simulator calls unreachable.
    for (const unit of actual.keys()) expect(expected.has(unit)).toBe(true);

    const totals = await countInventory(h.db.pool, h.tenantId);
    expect(totals.accounts).toBe(h.world.counts.accounts);
    expect(totals.ous).toBe(h.world.counts.ous);
    for (const k of [
      "plans",
      "rules",
      "selections",
      "vaults",
      "recovery_points",
      "resources",
      "protected_resources",
      "backup_jobs",
      "copy_jobs",
      "restore_jobs",
    ] as const) {
      expect({ k, n: totals[k] }).toEqual({ k, n: h.world.counts[k] });
    }

    // Every job keeps the role AWS Backup ran it with (the job page shows it).
    for (const table of ["backup_jobs", "copy_jobs", "restore_jobs"]) {
      const { rows } = await h.db.pool.query(
        `select count(*)::int as n, count(*) filter (where iam_role_arn ~ '^arn:aws:iam::[0-9]{12}:role/')::int as roles from ${table} where tenant_id = $1`,
        [h.tenantId],
      );
      expect({ table, ...rows[0] }).toEqual({ table, n: rows[0].n, roles: rows[0].n });
      expect(rows[0].n).toBeGreaterThan(0);
    }

    // Exactly the complete-inventory call set, no throttling.
    const stats = h.sim.stats();
    expect(stats.calls.total).toBe(stats.lower_bound.min_calls);
    expect(stats.throttled.total).toBe(0);
  });

  it("reads the organization: tree, policies, effective policies, delegated administrators", async () => {
    const q = (sql: string) => h.db.pool.query(sql, [h.tenantId]).then((r) => r.rows);
    const [org] = await q(`select * from org_organizations where tenant_id = $1`);
    expect(org!.management_account_id).toBe(h.world.management_account_id);
    expect(org!.organization_id).toBe(h.world.organization_id);
    expect(org!.enabled_policy_types).toContain("BACKUP_POLICY");
    const accounts = await q(`select account_id, state, ou_path from org_accounts where tenant_id = $1`);
    expect(accounts.map((a) => a.account_id).sort()).toEqual(h.world.accounts.map((a) => a.account_id).sort());
    for (const a of accounts) {
      const w = h.world.accounts.find((x) => x.account_id === a.account_id)!;
      expect(a.state).toBe(w.state);
      expect((a.ou_path as string[]).at(-1)).toBe(w.parent_id);
      expect((a.ou_path as string[])[0]).toBe(h.world.root_id);
    }
    expect((await q(`select * from org_policies where tenant_id = $1`)).length).toBeGreaterThan(0);
    const effective = await q(`select account_id from org_effective_policies where tenant_id = $1`);
    expect(effective.length).toBeGreaterThan(0);
    const audit = h.world.accounts.find((a) => a.name === "Audit")!;
    expect(
      (await q(`select account_id from org_delegated_admins where tenant_id = $1`)).map((d) => d.account_id),
    ).toEqual([audit.account_id]);
  });

  it("says why each unit it could not read failed, in words a person can act on", async () => {
    const [run] = (
      await h.db.pool.query(`select id from sync_runs where tenant_id = $1 order by created_at desc limit 1`, [
        h.tenantId,
      ])
    ).rows;
    const errors = await listRunUnitErrors(h.db.db, { tenantId: h.tenantId, runId: run!.id as string });
    const byAccount = new Map(errors.map((e) => [e.accountId, e]));
    for (const a of h.world.accounts) {
      if (a.state !== "ACTIVE") {
        expect(byAccount.get(a.account_id)).toMatchObject({ status: "skipped", error: "account suspended: skipped" });
      } else if (!a.assumable) {
        const e = byAccount.get(a.account_id)!;
        expect(e.status).toBe("failed");
        expect(e.error).toBe(
          `cannot assume arn:aws:iam::${a.account_id}:role/${h.world.member_role_name}: the role's trust policy or ExternalId does not admit this product`,
        );
        expect(e.remedy).toMatch(/trust policy/);
      } else if (!a.readable) {
        // A member role whose policy lacks a read the sync makes (the demo's Sandbox Three and Four).
        expect(byAccount.get(a.account_id)).toMatchObject({ status: "failed", errorKind: "access_denied" });
      } else if (a.disabled_regions.length > 0) {
        expect(byAccount.get(a.account_id)).toMatchObject({ status: "skipped", error: "region not enabled" });
      } else {
        expect(byAccount.has(a.account_id)).toBe(false);
      }
    }
    const freshness = await h.db.pool.query(
      `select status, count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' group by status`,
      [h.tenantId],
    );
    const by = Object.fromEntries(freshness.rows.map((r) => [r.status, r.n]));
    expect(by.ok).toBe(h.world.by_unit.filter((u) => u.reachable).length);
  });

  it("changes nothing when run again", async () => {
    const before = await fingerprint(h.db, h.tenantId);
    const run = await h.sync();
    expect(run.status).toBe("partial");
    expect((run.summary as { changes: number }).changes).toBe(0);
    expect(await fingerprint(h.db, h.tenantId)).toBe(before);
  });
});
