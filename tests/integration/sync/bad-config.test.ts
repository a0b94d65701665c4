import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRunUnitErrors } from "@/db/queries/sync";
import { removeMemberRoleOverride, setMemberRoleOverride } from "@/lib/admin/tenants";
import { requestSync } from "@/lib/sync/request";
import { startHarness, waitForRun, type Harness } from "./harness";

// A tenant configured wrongly is reported with a sentence that says what is wrong, as a failed
// run; the worker carries on with other work. Configurations bypass the form's validation on
// purpose (an old row, a hand-edited database).

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

async function tenantWith(
  name: string,
  fields: Partial<Record<"management_account_id" | "management_role_arn" | "external_id" | "member_role_name", string>>,
): Promise<string> {
  const w = h.world;
  const v = {
    management_account_id: w.management_account_id,
    management_role_arn: w.management_role_arn,
    external_id: w.external_id,
    member_role_name: w.member_role_name,
    ...fields,
  };
  const r = await h.db.pool.query(
    `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ($1, $1, $2, $3, $4, $5, $6) returning id`,
    [name, v.management_account_id, v.management_role_arn, v.external_id, v.member_role_name, w.regions],
  );
  return r.rows[0]!.id as string;
}

async function syncOf(tenantId: string) {
  const req = (await requestSync(h.db.db, { tenantId, trigger: "cli" }))!;
  const run = await waitForRun(h.db, tenantId, req.runId);
  const errors = await listRunUnitErrors(h.db.db, { tenantId, runId: req.runId });
  const tenant = (await h.db.pool.query(`select status from tenants where id = $1`, [tenantId])).rows[0]!;
  return { run, errors, tenantStatus: tenant.status as string };
}

describe("a badly configured organization", () => {
  it("with a malformed role ARN: refused before any call, clearly", async () => {
    const id = await tenantWith("malformed-arn", { management_role_arn: "arn:aws:iam::12345:role/Mgmt" });
    h.sim.resetStats();
    const { run, errors, tenantStatus } = await syncOf(id);
    expect(run.status).toBe("failed");
    expect(tenantStatus).toBe("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBe(
      'management role ARN "arn:aws:iam::12345:role/Mgmt" is malformed: expected arn:aws:iam::<12-digit account>:role/<name>',
    );
    expect(errors[0]!.errorKind).toBe("bad_config");
    expect(errors[0]!.remedy).toMatch(/Settings/);
    expect(h.sim.stats().calls.total).toBe(0);
  });

  it("with the wrong ExternalId: says the role does not admit the product", async () => {
    const id = await tenantWith("wrong-external-id", { external_id: "not-the-external-id" });
    const { run, errors } = await syncOf(id);
    expect(run.status).toBe("failed");
    expect(errors[0]!.error).toBe(
      `cannot assume ${h.world.management_role_arn}: the role's trust policy or ExternalId does not admit this product`,
    );
    expect(errors[0]!.errorKind).toBe("assume_denied");
  });

  it("with a management account that is not one: names the real one", async () => {
    const member = h.world.accounts.find(
      (a) => a.state === "ACTIVE" && a.account_id !== h.world.management_account_id,
    )!.account_id;
    const id = await tenantWith("not-management", { management_account_id: member });
    const { run, errors } = await syncOf(id);
    expect(run.status).toBe("failed");
    expect(errors[0]!.error).toBe(
      `account ${member} is not the management account of organization ${h.world.organization_id} (AWS says its management account is ${h.world.management_account_id})`,
    );
    expect(errors[0]!.errorKind).toBe("not_management");
  });

  it("with a role in an account outside the organization: cannot assume it", async () => {
    const id = await tenantWith("foreign-role", { management_role_arn: "arn:aws:iam::999999999999:role/Mgmt" });
    const { run, errors } = await syncOf(id);
    expect(run.status).toBe("failed");
    expect(errors[0]!.error).toBe(
      "cannot assume arn:aws:iam::999999999999:role/Mgmt: the role's trust policy or ExternalId does not admit this product",
    );
  });

  it("after a good sync, a broken configuration marks every unit stale with the reason, and fixing it heals them", async () => {
    const good = await syncOf(h.tenantId);
    expect(good.run.status).toBe("partial");
    const okBefore = (
      await h.db.pool.query(
        `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and status = 'ok'`,
        [h.tenantId],
      )
    ).rows[0]!.n as number;
    expect(okBefore).toBeGreaterThan(0);
    await h.db.pool.query(`update tenants set external_id = 'rotated-but-trust-policy-not-updated' where id = $1`, [
      h.tenantId,
    ]);
    const broken = await syncOf(h.tenantId);
    expect(broken.run.status).toBe("failed");
    const stale = await h.db.pool.query(
      `select status, error, published_at from sync_units where tenant_id = $1 and kind = 'region' and published_at is not null`,
      [h.tenantId],
    );
    expect(stale.rows).toHaveLength(okBefore);
    for (const r of stale.rows) {
      expect(r.status).toBe("failed");
      expect(r.error).toBe(
        `cannot assume ${h.world.management_role_arn}: the role's trust policy or ExternalId does not admit this product`,
      );
    }
    expect(
      (await h.db.pool.query(`select count(*)::int as n from recovery_points where tenant_id = $1`, [h.tenantId]))
        .rows[0]!.n,
    ).toBe(h.world.counts.recovery_points);

    await h.db.pool.query(`update tenants set external_id = $2 where id = $1`, [h.tenantId, h.world.external_id]);
    const fixed = await syncOf(h.tenantId);
    expect(fixed.run.status).toBe("partial");
    expect(fixed.tenantStatus).toBe("active");
    expect(
      (
        await h.db.pool.query(
          `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and status = 'ok'`,
          [h.tenantId],
        )
      ).rows[0]!.n,
    ).toBe(okBefore);
  });

  it("an account's member role set apart in Settings is the role assumed there, and removing it heals the account", async () => {
    const okUnits = async () =>
      (
        await h.db.pool.query(
          `select account_id, region from sync_units where tenant_id = $1 and kind = 'region' and status = 'ok' order by 1, 2`,
          [h.tenantId],
        )
      ).rows as Array<{ account_id: string; region: string }>;
    await syncOf(h.tenantId);
    const before = await okUnits();
    const account = before.find((u) => u.account_id !== h.world.management_account_id)!.account_id;
    const admin = { userId: null, email: "admin@test.example", ip: null };
    await setMemberRoleOverride(h.db.db, admin, {
      tenantId: h.tenantId,
      accountId: account,
      memberRoleName: "RoleOnlyInSettings",
    });
    const overridden = await syncOf(h.tenantId);
    const failed = overridden.errors.filter((e) => e.accountId === account);
    expect(failed.length).toBe(before.filter((u) => u.account_id === account).length);
    for (const e of failed)
      expect(e.error).toBe(
        `cannot assume arn:aws:iam::${account}:role/RoleOnlyInSettings: the role's trust policy or ExternalId does not admit this product`,
      );
    // Every other account still assumes the organization's role.
    expect((await okUnits()).filter((u) => u.account_id !== account)).toEqual(
      before.filter((u) => u.account_id !== account),
    );

    await removeMemberRoleOverride(h.db.db, admin, { tenantId: h.tenantId, accountId: account });
    await syncOf(h.tenantId);
    expect(await okUnits()).toEqual(before);
  });
});
