import * as O from "@aws-sdk/client-organizations";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { alertEvents, auditLog, managedPolicies, policyVersions } from "@/db/schema";
import { detectTickAlerts } from "@/lib/alerts/detect-tick";
import { createRule } from "@/lib/alerts/rules";
import type { SessionUser } from "@/lib/auth/access";
import { AwsFactory } from "@/lib/aws/client-factory";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { getFinding, listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getTenantDrift, type TenantDrift } from "@/lib/policies/drift";
import { pushVersion, type PushDeps } from "@/lib/policies/push";
import { approveVersion, createPolicy, submitVersion } from "@/lib/policies/workflow";
import { policyDemoWorld } from "./preview-world";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { syncWorld, type SyncedWorld } from "@/tests/integration/compliance/sync-world";
import { managementCreds, orgClient } from "@/tests/integration/sim/sim-clients";
import { demoBaselineDocument } from "@/lib/policies/demo-baseline";

// Drift end to end on the simulator: a policy pushed through the workflow, then edited behind the
// product's back with the unmodified SDK (as the console or another tool would), synced: the drift
// page's report names what changed and where, BK-17 fails exactly there, and re-push and adopt
// each make a version that needs approval before anything reaches AWS.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.11" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let tenantId: string;
let deps: PushDeps;
let org: O.OrganizationsClient;
let alice: SessionUser;
let bob: SessionUser;
let policyId: string;
let awsId: string;
let security: string;
let securityAccounts: string[];
const actor = (u: SessionUser) => ({ userId: u.userId, email: u.email, ip: null });
const REGIONS = ["us-east-1", "eu-west-1"];
const INTENDED = demoBaselineDocument(REGIONS);
/** The us-east-1 plan keeps 14 days instead of 35: what "someone in the console" saves. */
const EDITED = INTENDED.replace('"35"', '"14"');

const bk17 = async (): Promise<FindingRow[]> => {
  await evaluateTenant(db, tenantId, { trigger: "test" });
  return (await listFindings(db, { tenantId, controlId: "BK-17", limit: 1000 })).findings;
};
const unitsOf = (d: TenantDrift, accountId: string) =>
  d.nodes.flatMap((n) => n.accounts).find((a) => a.accountId === accountId)!.units;

beforeAll(async () => {
  // The actions read the database through lib/db, as in the app.
  process.env.DATABASE_URL = inject("databaseUrl");
  // Backup Central gets the AWS Backup service role the demo denies it: the baseline reaches the whole Security OU.
  synced = await syncWorld(handle, inject("databaseUrl"), policyDemoWorld({ withCentralRole: true }), {
    name: "Drift World",
  });
  tenantId = synced.tenantId;
  const w = synced.sim.summary();
  deps = {
    factory: new AwsFactory({
      endpoint: synced.sim.url,
      region: "us-east-1",
      baseCredentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key },
      maxAttempts: 2,
    }),
    maxAttempts: 2,
    enableWait: { tries: 3, delayMs: 10 },
  };
  org = orgClient(synced.sim, await managementCreds(synced.sim));
  const state = synced.sim.runtime.state.org;
  security = [...state.ous.values()].find((o) => o.name === "Security")!.id;
  securityAccounts = w.accounts
    .filter((a) => ["Log Archive", "Audit", "Backup Central"].includes(a.name))
    .map((a) => a.account_id)
    .sort();
  alice = await makeUser(db, "operator", [{ tenantId }]);
  bob = await makeUser(db, "operator", [{ tenantId }]);
  const ref = await createPolicy(db, actor(alice), {
    tenantId,
    name: "drift-baseline",
    content: INTENDED,
    targets: [security],
    description: "ISO baseline",
  });
  policyId = ref.policyId;
  await submitVersion(db, actor(alice), { tenantId, versionId: ref.versionId });
  await approveVersion(db, actor(bob), { tenantId, versionId: ref.versionId });
  awsId = (await pushVersion(db, deps, actor(bob), { tenantId, versionId: ref.versionId })).awsPolicyId;
}, 300_000);
afterAll(async () => {
  deps?.factory.destroy();
  await synced?.stop();
  await handle.close();
});

describe("drift of a pushed policy", () => {
  it("before a sync has read the push, the report waits for one rather than calling AWS's older state drift", async () => {
    const d = await getTenantDrift(db, { tenantId });
    expect(d.policies.map((p) => [p.intent.name, p.drift.status])).toEqual([["drift-baseline", "awaiting-sync"]]);
    expect(unitsOf(d, securityAccounts[0]!).map((u) => u.state)).toEqual(["awaiting-sync", "awaiting-sync"]);
  });

  it("after a sync, AWS holds the intended version and the plans AWS materialised match it", async () => {
    await synced.resync();
    const d = await getTenantDrift(db, { tenantId });
    expect(d.policies[0]!.drift).toMatchObject({
      status: "in-sync",
      differences: [],
      attachedOutside: [],
      detachedOutside: [],
    });
    expect(d.policies[0]!.intent.pushedAt).toBeInstanceOf(Date);
    expect(d.readAt).toBeInstanceOf(Date);
    for (const account of securityAccounts) {
      for (const u of unitsOf(d, account))
        expect(u, `${account} ${u.region}`).toMatchObject({
          state: "in-sync",
          intended: [{ name: "drift-baseline", version: 1 }],
          materialised: { plans: [`iso-baseline-${u.region}`], differences: [] },
        });
    }
    const node = d.nodes.find((n) => n.id === security)!;
    expect(node.attached).toEqual([{ name: "drift-baseline", managed: true, note: null }]);
    const findings = await bk17();
    for (const account of securityAccounts) {
      for (const region of REGIONS)
        expect(
          findings.find((f) => f.subjectId === `${account}/${region}`),
          `${account}/${region}`,
        ).toMatchObject({ status: "PASS" });
    }
  });

  it("an edit made behind the product's back is reported with its path and region, and BK-17 fails there only", async () => {
    await org.send(new O.UpdatePolicyCommand({ PolicyId: awsId, Content: EDITED }));
    await synced.resync();
    const d = await getTenantDrift(db, { tenantId });
    const p = d.policies[0]!;
    expect(p.drift).toMatchObject({
      status: "drifted",
      regions: ["us-east-1"],
      attachedOutside: [],
      detachedOutside: [],
    });
    expect(p.drift.differences).toEqual([
      {
        path: '$.plans["iso-baseline-us-east-1"].rules["backup-rule"].lifecycle.delete_after_days["@@assign"]',
        intended: '"35"',
        aws: '"14"',
      },
    ]);
    for (const account of securityAccounts) {
      const [east, west] = unitsOf(d, account);
      expect(east).toMatchObject({ region: "us-east-1", state: "drifted", seenAt: d.readAt });
      expect(east!.reasons[0]).toMatch(/drift-baseline's content in AWS differs from version 1 at .*delete_after_days/);
      expect(west).toMatchObject({ region: "eu-west-1", state: "in-sync" });
    }

    const findings = await bk17();
    for (const account of securityAccounts) {
      const east = findings.find((f) => f.subjectId === `${account}/us-east-1`)!;
      expect(east.status).toBe("FAIL");
      expect(east.reason).toMatch(
        /^changed in AWS outside the product: drift-baseline's content in AWS differs from version 1/,
      );
      expect(findings.find((f) => f.subjectId === `${account}/eu-west-1`)).toMatchObject({ status: "PASS" });
    }
    const [withEvidence] = (
      await getFinding(db, {
        tenantId,
        controlId: "BK-17",
        subjectType: "account-region",
        subjectId: `${securityAccounts[0]}/us-east-1`,
        accountId: securityAccounts[0]!,
        region: "us-east-1",
      })
    ).findings;
    expect(withEvidence?.evidence ?? []).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "org-policy",
          id: awsId,
          details: expect.objectContaining({ managedBy: "backup-governance", intendedVersion: 1, status: "drifted" }),
        }),
      ]),
    );
    // Accounts the policy does not reach are judged as before.
    const web = synced.sim.summary().accounts.find((a) => a.name === "Prod Web")!.account_id;
    expect(findings.find((f) => f.subjectId === `${web}/us-east-1`)?.reason).not.toMatch(/outside the product/);

    // A policy_drift alert rule fires once for this drift (lib/alerts/detect-tick.ts), not every tick.
    await createRule(db, { ...actor(alice), role: "operator" }, { tenantId, name: "Drift", kind: "policy_drift" });
    expect(await detectTickAlerts(db, { tenantId })).toBe(1);
    expect(await detectTickAlerts(db, { tenantId })).toBe(0);
    const [event] = await db.select().from(alertEvents).where(eq(alertEvents.tenantId, tenantId));
    expect(event!.title).toBe("Policy drift: drift-baseline");
    expect(event!.link).toMatch(/\/policies\/drift$/);
  });

  it("re-push and adopt each make a submitted version that needs another person's approval; nothing reaches AWS", async () => {
    const { repushDriftedPolicyAction, adoptDriftedPolicyAction } =
      await import("@/app/(app)/t/[tenant]/policies/drift-actions");
    caller = alice;
    const repush = await repushDriftedPolicyAction({ tenantId, policyId });
    expect(repush, JSON.stringify(repush)).toMatchObject({ ok: true, data: { version: 2, state: "submitted" } });
    expect(await repushDriftedPolicyAction({ tenantId, policyId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/Version 2 already proposes this/) },
    });
    const adopt = await adoptDriftedPolicyAction({ tenantId, policyId });
    expect(adopt).toMatchObject({ ok: true, data: { version: 3, state: "submitted" } });

    const versions = await db
      .select()
      .from(policyVersions)
      .where(eq(policyVersions.policyId, policyId))
      .orderBy(asc(policyVersions.version));
    expect(versions.map((v) => [v.version, v.state, v.authorEmail])).toEqual([
      [1, "pushed", alice.email],
      [2, "submitted", alice.email],
      [3, "submitted", alice.email],
    ]);
    expect(versions[1]).toMatchObject({
      content: INTENDED,
      targets: [security],
      note: expect.stringMatching(/^Re-push of version 1: its content was changed at .*delete_after_days/),
    });
    expect(versions[2]).toMatchObject({
      content: EDITED,
      targets: [security],
      note: expect.stringMatching(/^Adopts what AWS holds/),
    });
    // The author cannot approve, and an unapproved version cannot be pushed.
    await expect(approveVersion(db, actor(alice), { tenantId, versionId: versions[1]!.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(pushVersion(db, deps, actor(bob), { tenantId, versionId: versions[1]!.id })).rejects.toMatchObject({
      message: expect.stringMatching(/not been approved/),
    });
    expect((await org.send(new O.DescribePolicyCommand({ PolicyId: awsId }))).Policy?.Content).toBe(EDITED);

    const audited = await db
      .select({ action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.actorEmail, alice.email)))
      .orderBy(asc(auditLog.id));
    const actions = audited.map((a) => a.action);
    expect(actions.filter((a) => a.startsWith("policy.drift."))).toEqual(["policy.drift.repush", "policy.drift.adopt"]);
    expect(audited.find((a) => a.action === "policy.drift.repush")!.details).toMatchObject({
      version: 2,
      intendedVersion: 1,
      awsPolicyId: awsId,
      status: "drifted",
      paths: [expect.stringMatching(/delete_after_days/)],
    });
    expect(
      actions.filter((a) => a === "policy.version.draft" || a === "policy.version.submit").length,
    ).toBeGreaterThanOrEqual(4);
  });

  it("once the re-push is approved, pushed and synced, the drift is gone and BK-17 passes again", async () => {
    const [v2] = await db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.version, 2)));
    await approveVersion(db, actor(bob), { tenantId, versionId: v2!.id });
    await pushVersion(db, deps, actor(bob), { tenantId, versionId: v2!.id });
    expect((await org.send(new O.DescribePolicyCommand({ PolicyId: awsId }))).Policy?.Content).toBe(INTENDED);
    await synced.resync();
    const d = await getTenantDrift(db, { tenantId });
    expect(d.policies[0]!.drift.status).toBe("in-sync");
    expect(await detectTickAlerts(db, { tenantId })).toBe(0);
    expect(d.waiting[policyId]).toEqual({ version: 3, state: "submitted" });
    const findings = await bk17();
    for (const account of securityAccounts)
      expect(findings.find((f) => f.subjectId === `${account}/us-east-1`)).toMatchObject({ status: "PASS" });
    caller = alice;
    const { adoptDriftedPolicyAction } = await import("@/app/(app)/t/[tenant]/policies/drift-actions");
    expect(await adoptDriftedPolicyAction({ tenantId, policyId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/no drift to resolve/) },
    });
  });

  it("a policy deleted outside the product can be re-pushed but not adopted", async () => {
    await org.send(new O.DetachPolicyCommand({ PolicyId: awsId, TargetId: security }));
    await org.send(new O.DeletePolicyCommand({ PolicyId: awsId }));
    await synced.resync();
    const d = await getTenantDrift(db, { tenantId });
    expect(d.policies[0]!.drift).toMatchObject({ status: "missing", detachedOutside: [security] });
    expect(await detectTickAlerts(db, { tenantId })).toBe(1); // a new drift: the policy is gone
    expect(d.nodes.find((n) => n.id === security)!.attached).toEqual([
      { name: "drift-baseline", managed: true, note: "deleted outside the product" },
    ]);
    expect(unitsOf(d, securityAccounts[0]!)[0]).toMatchObject({
      state: "drifted",
      reasons: ["drift-baseline (version 2) was deleted outside the product"],
    });
    caller = alice;
    const { repushDriftedPolicyAction, adoptDriftedPolicyAction } =
      await import("@/app/(app)/t/[tenant]/policies/drift-actions");
    expect(await adoptDriftedPolicyAction({ tenantId, policyId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/nothing to adopt/) },
    });
    expect(await repushDriftedPolicyAction({ tenantId, policyId })).toMatchObject({
      ok: true,
      data: { version: 4, state: "submitted" },
    });
    const [policy] = await db
      .select({ awsPolicyId: managedPolicies.awsPolicyId })
      .from(managedPolicies)
      .where(eq(managedPolicies.id, policyId));
    expect(policy!.awsPolicyId).toBe(awsId);
  });
});
