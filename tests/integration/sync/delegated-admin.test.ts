import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRunUnitErrors } from "@/db/queries/sync";
import { AwsFactory } from "@/lib/aws/client-factory";
import { AwsCallError, connectOrganizationsForPush, type AwsCall } from "@/lib/aws/organizations.push";
import { demoWorld } from "@/sim/world/demo";
import type { World } from "@/sim/world/schema";
import { requestSync } from "@/lib/sync/request";
import { policyDocument } from "@/tests/integration/policies/policy-world";
import { startHarness, waitForRun, type Harness } from "./harness";

// The entry point in a delegated administrator account instead of the management account. AWS lets
// a member account that is a delegated administrator for an AWS service call Organizations' reads
// (the demo world's Audit account administers backup.amazonaws.com), so the sync works through a
// role there; a member account that administers nothing is refused. Policy writes from such an
// account need the management account's resource-based delegation policy (PutResourcePolicy):
// the demo world has none, so they are refused, as AWS refuses them
// (tests/integration/policies/push-delegated.test.ts pushes with one).

function worldWithRoleIn(account: "Audit" | "Log Archive"): { world: World; accountId: string } {
  const world = demoWorld(1);
  const accountId = world.accounts!.find((a) => a.name === account)!.id;
  world.management_role = { ...world.management_role!, account_id: accountId };
  return { world, accountId };
}

async function harnessIn(account: "Audit" | "Log Archive") {
  const { world, accountId } = worldWithRoleIn(account);
  const h = await startHarness({
    world,
    tenant: { managementRoleArn: `arn:aws:iam::${accountId}:role/${world.management_role!.name}` },
  });
  await h.startWorker();
  return h;
}

describe("a delegated administrator account as the entry point", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessIn("Audit");
  });
  afterAll(() => h?.close());

  it("syncs the organization through a role in the delegated administrator account", async () => {
    expect(h.world.management_role_arn).not.toContain(`::${h.world.management_account_id}:`);
    const run = await h.sync(120_000);
    // Partial as through the management account: the demo's sandbox accounts refuse the member role on purpose.
    expect(run.status).toBe("partial");
    const errors = await listRunUnitErrors(h.db.db, { tenantId: h.tenantId, runId: run.runId });
    expect(errors.filter((e) => e.status === "failed").map((e) => e.accountName)).toEqual(
      expect.arrayContaining(["Sandbox One", "Sandbox Two"]),
    );
    // Access denied only where the demo's member roles lack a read on purpose, never the organization's reads.
    const readDenied = new Set(h.world.accounts.filter((a) => a.assumable && !a.readable).map((a) => a.name));
    expect(
      errors.every(
        (e) =>
          e.accountName !== "Organization" && (e.errorKind !== "access_denied" || readDenied.has(e.accountName ?? "")),
      ),
    ).toBe(true);
    expect(run.ok).toBeGreaterThan(0);
    const accounts = await h.db.pool.query(`select count(*)::int as n from org_accounts where tenant_id = $1`, [
      h.tenantId,
    ]);
    expect(accounts.rows[0]!.n).toBe(h.world.accounts.length);
  });

  it("reads for a push, but its policy writes are refused without a delegation policy", async () => {
    const factory = new AwsFactory({ ...h.aws, maxAttempts: 1 });
    const calls: AwsCall[] = [];
    try {
      const api = connectOrganizationsForPush(
        factory,
        {
          managementAccountId: h.world.management_account_id,
          managementRoleArn: h.world.management_role_arn,
          externalId: h.world.external_id,
          memberRoleName: h.world.member_role_name,
        },
        h.tenantId,
        async (c) => void calls.push(c),
        1,
      );
      const root = await api.getRoot();
      expect(root.rootId).toMatch(/^r-/);
      const refused = await api
        .createPolicy({ name: "Delegated", description: "Delegated", content: policyDocument(35), tags: {} })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).toBeInstanceOf(AwsCallError);
      expect((refused as AwsCallError).refusal.code).toBe("AccessDeniedException");
      expect(calls.map((c) => `${c.operation}:${c.outcome}`)).toEqual(["ListRoots:succeeded", "CreatePolicy:failed"]);
    } finally {
      factory.destroy();
    }
  });
});

describe("a member account that administers nothing as the entry point", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harnessIn("Log Archive");
  });
  afterAll(() => h?.close());

  it("is refused as a failed run that says the account is not an administrator, and what to do", async () => {
    const req = (await requestSync(h.db.db, { tenantId: h.tenantId, trigger: "cli" }))!;
    const run = await waitForRun(h.db, h.tenantId, req.runId, 60_000);
    expect(run.status).toBe("failed");
    const errors = await listRunUnitErrors(h.db.db, { tenantId: h.tenantId, runId: req.runId });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ accountName: "Organization", errorKind: "access_denied" });
    expect(errors[0]!.error).toMatch(
      new RegExp(
        `refused its reads to account ${h.world.management_role_arn.split(":")[4]}, .*neither the management account`,
      ),
    );
    expect(errors[0]!.remedy).toMatch(/Register account \d{12} as a delegated administrator/);
  });
});
