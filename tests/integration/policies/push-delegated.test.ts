import * as O from "@aws-sdk/client-organizations";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { managedPolicies, orgPolicies, policyPushes, policyPushSteps, policyVersions } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { AwsFactory } from "@/lib/aws/client-factory";
import { policyPushDelegation } from "@/lib/aws/read-permissions";
import { testConnection } from "@/lib/onboarding/test-connection";
import { pushVersion, PushFailedError, type PushDeps } from "@/lib/policies/push";
import { approveVersion, createPolicy, submitVersion } from "@/lib/policies/workflow";
import { startSimulator } from "@/sim/server";
import { demoWorld } from "@/sim/world/demo";
import type { World } from "@/sim/world/schema";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { makeUser } from "@/tests/helpers/fixtures";
import { orgClient, principalCreds } from "@/tests/integration/sim/sim-clients";
import { startHarness, type Harness } from "../sync/harness";
import { policyDocument } from "./policy-world";

// Pushing from a delegated administrator account: the tenant's read and push role live in Audit
// (delegated administrator for AWS Backup), not in the management account. Organizations lets
// Audit write backup policies only as the management account's delegation policy allows; the
// world starts with the one the product's role templates deploy (policyPushDelegation). Without
// it the push is refused at its first write, saying what to deploy, and nothing is written.

vi.mock("@/lib/auth/session", () => ({ getSession: async () => null, getClientIp: async () => null }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

function worldWithRoleIn(name: string): { world: World; accountId: string } {
  const world = demoWorld(1);
  const accountId = world.accounts!.find((a) => a.name === name)!.id;
  world.management_role = { ...world.management_role!, account_id: accountId };
  return { world, accountId };
}

describe("a policy push from a delegated administrator account", () => {
  let h: Harness;
  let deps: PushDeps;
  let alice: SessionUser;
  let bob: SessionUser;
  let audit: string;
  let management: O.OrganizationsClient;
  const actor = (u: SessionUser) => ({ userId: u.userId, email: u.email, ip: null });

  beforeAll(async () => {
    const { world, accountId } = worldWithRoleIn("Audit");
    audit = accountId;
    world.organization = {
      ...world.organization!,
      resource_policy: policyPushDelegation(audit) as unknown as Record<string, unknown>,
    };
    const roleArn = `arn:aws:iam::${audit}:role/${world.management_role!.name}`;
    h = await startHarness({ world, tenant: { managementRoleArn: roleArn } });
    process.env.DATABASE_URL = h.db.url;
    await h.db.pool.query(`update tenants set policy_push_role_arn = $2 where id = $1`, [h.tenantId, roleArn]);
    await h.startWorker();
    deps = {
      factory: new AwsFactory({ ...h.aws, maxAttempts: 2 }),
      maxAttempts: 2,
      enableWait: { tries: 3, delayMs: 10 },
    };
    alice = await makeUser(h.db.db, "operator", [{ tenantId: h.tenantId }]);
    bob = await makeUser(h.db.db, "operator", [{ tenantId: h.tenantId }]);
    // The product's own principal is an IAM user of the management account: what its owner would use.
    management = orgClient(h.sim, principalCreds(h.sim));
  }, 120_000);
  afterAll(async () => {
    deps?.factory.destroy();
    await h?.close();
  });

  const account = (name: string) => h.world.accounts.find((a) => a.name === name)!.account_id;
  async function approved(name: string, target: string) {
    const fields = { tenantId: h.tenantId, content: policyDocument(35), targets: [target], description: "35 days" };
    const ref = await createPolicy(h.db.db, actor(alice), { ...fields, name });
    await submitVersion(h.db.db, actor(alice), { tenantId: h.tenantId, versionId: ref.versionId });
    await approveVersion(h.db.db, actor(bob), { tenantId: h.tenantId, versionId: ref.versionId });
    return ref;
  }
  const push = (versionId: string) => pushVersion(h.db.db, deps, actor(bob), { tenantId: h.tenantId, versionId });
  const inAws = async (name: string) =>
    ((await management.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies ?? []).filter(
      (p) => p.Name === name,
    );

  let ref: Awaited<ReturnType<typeof approved>>;

  it("without the delegation policy is refused at its first write, says what to deploy, and writes nothing", async () => {
    await management.send(new O.DeleteResourcePolicyCommand({}));
    ref = await approved("Delegated daily", account("Prod Web"));
    const e = await push(ref.versionId).then(
      () => null,
      (error: unknown) => error,
    );
    expect(e).toBeInstanceOf(PushFailedError);
    const failure = (e as PushFailedError).failure;
    expect(failure).toMatchObject({ operation: "CreatePolicy", code: "AccessDeniedException" });
    expect((e as PushFailedError).message).toMatch(
      new RegExp(`account ${audit} is not delegated the management of backup policies`),
    );
    expect((e as PushFailedError).message).toMatch(
      new RegExp(`In management account ${h.world.management_account_id}, deploy the policy push delegation`),
    );

    // AWS holds nothing; the product recorded the refused push and kept no AWS policy id.
    expect(await inAws("Delegated daily")).toEqual([]);
    const [pushRow] = await db().select().from(policyPushes).where(eq(policyPushes.versionId, ref.versionId));
    expect(pushRow).toMatchObject({ status: "failed", errorCode: "AccessDeniedException" });
    const [policy] = await db().select().from(managedPolicies).where(eq(managedPolicies.id, ref.policyId));
    expect(policy!.awsPolicyId).toBeNull();
    const [version] = await db().select().from(policyVersions).where(eq(policyVersions.id, ref.versionId));
    expect(version!.state).toBe("approved");
    // Only reads went through (Audit may read as a delegated administrator); the one write was refused.
    const steps = await db().select().from(policyPushSteps).where(eq(policyPushSteps.pushId, pushRow!.id));
    const made = steps.filter((s) => s.outcome === "succeeded").map((s) => s.operation);
    expect(made.every((op) => /^(List|Describe)/.test(op))).toBe(true);
    expect(steps.filter((s) => s.outcome === "failed").map((s) => s.operation)).toEqual(["CreatePolicy"]);
  });

  it("with the delegation the role templates deploy, creates and attaches the policy, and the sync reads it", async () => {
    await management.send(new O.PutResourcePolicyCommand({ Content: JSON.stringify(policyPushDelegation(audit)) }));
    const out = await push(ref.versionId);
    expect(out).toMatchObject({ created: true, attached: [account("Prod Web")] });
    const [remote] = await inAws("Delegated daily");
    expect(remote?.Id).toBe(out.awsPolicyId);
    const targets = await management.send(new O.ListTargetsForPolicyCommand({ PolicyId: out.awsPolicyId }));
    expect(targets.Targets?.map((t) => t.TargetId)).toEqual([account("Prod Web")]);

    const run = await h.sync(120_000);
    expect(["ok", "partial"]).toContain(run.status);
    const [synced] = await db()
      .select()
      .from(orgPolicies)
      .where(and(eq(orgPolicies.tenantId, h.tenantId), eq(orgPolicies.policyId, out.awsPolicyId)));
    expect(synced).toMatchObject({ name: "Delegated daily", targets: [account("Prod Web")] });
    expect(JSON.parse(synced!.content)).toEqual(JSON.parse(policyDocument(35)));
  }, 180_000);

  const db = () => h.db.db;
});

describe("test connection of a push role outside the management account", () => {
  it("says the delegation is missing, and what to deploy, until the management account puts it", async () => {
    // Log Archive administers no service: without a delegation, Organizations refuses it even reads.
    const { world, accountId } = worldWithRoleIn("Log Archive");
    const sim = await startSimulator({ world, port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
    try {
      const w = sim.summary();
      const tenant = {
        tenantId: "00000000-0000-4000-8000-000000000001",
        name: "Delegated",
        managementAccountId: w.management_account_id,
        managementRoleArn: w.management_role_arn,
        policyPushRoleArn: w.management_role_arn,
        externalId: w.external_id,
        memberRoleName: w.member_role_name,
        regions: ["us-east-1"],
      };
      const aws = {
        endpoint: sim.url,
        region: "us-east-1",
        baseCredentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key },
      };
      const before = await testConnection(tenant, aws);
      expect(before.policyPush).toMatchObject({ assume: { status: "ok" }, read: { status: "fail" } });
      expect(before.policyPush!.read.code).toBe("AccessDeniedException");
      expect(before.policyPush!.read.problem).toContain(`account ${accountId} is not delegated`);
      expect(before.policyPush!.read.remedy).toContain(`In management account ${w.management_account_id}`);

      await orgClient(sim, principalCreds(sim)).send(
        new O.PutResourcePolicyCommand({ Content: JSON.stringify(policyPushDelegation(accountId)) }),
      );
      const after = await testConnection(tenant, aws);
      expect(after.policyPush).toMatchObject({ assume: { status: "ok" }, read: { status: "ok" } });
    } finally {
      await sim.stop();
    }
  }, 120_000);
});
