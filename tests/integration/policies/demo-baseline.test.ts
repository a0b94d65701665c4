import * as O from "@aws-sdk/client-organizations";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, managedPolicies, policyApprovals, policyPushes, policyVersions } from "@/db/schema";
import { AwsFactory } from "@/lib/aws/client-factory";
import { DEMO_USERS, seedDemoUsers } from "@/lib/cli/demo-users";
import {
  consoleEditedDocument,
  DEMO_BASELINE_NAME,
  demoBaselineDocument,
  ensureDemoBaseline,
  type DemoBaselineInput,
} from "@/lib/policies/demo-baseline";
import { startSimulator } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { testDb } from "@/tests/helpers/db";
import { managementCreds, orgClient } from "@/tests/integration/sim/sim-clients";
import { startPolicyWorld, type PolicyWorld } from "./policy-world";

// The demo's baseline: drafted by the operator, approved by the admin and pushed through the real
// workflow, then edited "in the console". Run again on the same data it adds nothing; run against a
// fresh simulator (the next `npm run demo`) it pushes the same version again, still one history.

const handle = testDb();
const { db } = handle;
let w: PolicyWorld;
let input: DemoBaselineInput;
const emailOf = (role: string) => DEMO_USERS.find((u) => u.role === role)!.email;
const REGIONS = ["us-east-1", "eu-west-1"];

beforeAll(async () => {
  w = await startPolicyWorld(db);
  await seedDemoUsers(db, [w.tenantId]);
  input = {
    tenantId: w.tenantId,
    regions: REGIONS,
    targets: [w.ou("Security")],
    authorEmail: emailOf("operator"),
    approverEmail: emailOf("admin"),
  };
});
afterAll(async () => {
  await w?.stop();
  await handle.close();
});

const history = async () => {
  const [policy] = await db
    .select()
    .from(managedPolicies)
    .where(and(eq(managedPolicies.tenantId, w.tenantId), eq(managedPolicies.name, DEMO_BASELINE_NAME)));
  const versions = await db
    .select()
    .from(policyVersions)
    .where(eq(policyVersions.policyId, policy!.id))
    .orderBy(asc(policyVersions.version));
  const pushes = await db.select().from(policyPushes).where(eq(policyPushes.policyId, policy!.id));
  return { policy: policy!, versions, pushes };
};

describe("the demo organization's baseline policy", () => {
  it("is drafted by the operator, approved by the admin, pushed, then drifted in the console", async () => {
    const out = await ensureDemoBaseline(db, w.deps, input);
    expect(out).toMatchObject({ version: 1, created: true, pushed: true, drifted: true });
    const { policy, versions, pushes } = await history();
    expect(versions.map((v) => [v.version, v.state, v.authorEmail, v.targets])).toEqual([
      [1, "pushed", emailOf("operator"), [w.ou("Security")]],
    ]);
    expect(versions[0]!.content).toBe(demoBaselineDocument(REGIONS));
    const approvals = await db.select().from(policyApprovals).where(eq(policyApprovals.versionId, versions[0]!.id));
    expect(approvals.map((a) => [a.approverEmail, a.decision])).toEqual([[emailOf("admin"), "approved"]]);
    expect(pushes.map((p) => [p.status, p.startedByEmail])).toEqual([["succeeded", emailOf("admin")]]);
    const audited = (
      await db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.tenantId, w.tenantId))
        .orderBy(asc(auditLog.id))
    ).map((a) => a.action);
    expect(audited).toEqual(
      expect.arrayContaining([
        "policy.create",
        "policy.version.draft",
        "policy.version.submit",
        "policy.version.approve",
        "policy.push.start",
        "policy.push",
      ]),
    );

    const described = await w.org.send(new O.DescribePolicyCommand({ PolicyId: policy.awsPolicyId! }));
    expect(described.Policy?.Content).toBe(consoleEditedDocument(versions[0]!.content, "us-east-1"));
    expect(
      JSON.parse(described.Policy!.Content!).plans["iso-baseline-us-east-1"].rules["backup-rule"].lifecycle
        .delete_after_days["@@assign"],
    ).toBe("14");
    expect(
      JSON.parse(described.Policy!.Content!).plans["iso-baseline-eu-west-1"].rules["backup-rule"].lifecycle
        .delete_after_days["@@assign"],
    ).toBe("35");
    const targets = (
      await w.org.send(new O.ListTargetsForPolicyCommand({ PolicyId: policy.awsPolicyId! }))
    ).Targets?.map((t) => t.TargetId);
    expect(targets).toEqual([w.ou("Security")]);
  });

  it("a second run on the same data adds no version, no push and no second edit", async () => {
    const before = await history();
    const content = (await w.org.send(new O.DescribePolicyCommand({ PolicyId: before.policy.awsPolicyId! }))).Policy
      ?.Content;
    expect(await ensureDemoBaseline(db, w.deps, input)).toMatchObject({
      version: 1,
      created: false,
      pushed: false,
      drifted: false,
    });
    const after = await history();
    expect(after.versions.map((v) => [v.id, v.state])).toEqual(before.versions.map((v) => [v.id, v.state]));
    expect(after.pushes).toHaveLength(1);
    expect(
      (await w.org.send(new O.DescribePolicyCommand({ PolicyId: before.policy.awsPolicyId! }))).Policy?.Content,
    ).toBe(content);
  });

  it("against a fresh simulator (the next demo start) the same version is pushed again: still one version", async () => {
    const sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
    const s = sim.summary();
    const factory = new AwsFactory({
      endpoint: sim.url,
      region: "us-east-1",
      baseCredentials: { accessKeyId: s.principal.access_key_id, secretAccessKey: s.principal.secret_access_key },
      maxAttempts: 2,
    });
    try {
      expect(await ensureDemoBaseline(db, { factory, maxAttempts: 2 }, input)).toMatchObject({
        version: 1,
        created: false,
        pushed: true,
        drifted: true,
      });
      const { policy, versions, pushes } = await history();
      expect(versions.map((v) => [v.version, v.state])).toEqual([[1, "pushed"]]);
      expect(pushes.map((p) => p.status)).toEqual(["succeeded", "succeeded"]);
      const org = orgClient(sim, await managementCreds(sim));
      expect((await org.send(new O.DescribePolicyCommand({ PolicyId: policy.awsPolicyId! }))).Policy?.Content).toBe(
        consoleEditedDocument(versions[0]!.content, "us-east-1"),
      );
      expect(await ensureDemoBaseline(db, { factory, maxAttempts: 2 }, input)).toMatchObject({
        pushed: false,
        drifted: false,
      });
    } finally {
      factory.destroy();
      await sim.stop();
    }
  });
});
