import * as O from "@aws-sdk/client-organizations";
import { and, asc, eq, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { verifyAuditChain } from "@/db/audit";
import { auditLog, managedPolicies, policyPushes, policyPushSteps, policyVersions } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { pushVersion, PushFailedError, type PushDeps } from "@/lib/policies/push";
import { getPolicyHistory, listPolicies, listPushSteps } from "@/lib/policies/read";
import { approveVersion, createPolicy, draftVersion, rollbackPolicy, submitVersion } from "@/lib/policies/workflow";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { policyDocument, startPolicyWorld, type PolicyWorld } from "./policy-world";

// Pushes against the simulator with the unmodified SDK: what AWS holds afterwards is read back with
// the SDK (policies, targets, tags), every AWS call is stored with its request ID, and each failure
// (a limit, throttling, AccessDenied, a race) leaves a state that pushing again completes.

let caller: SessionUser | null = null;
const injected = vi.hoisted(() => ({ deps: null as PushDeps | null }));
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.10" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/policies/push-deps", () => ({ getPushDeps: async () => injected.deps! }));

const handle = testDb();
const { db } = handle;
let w: PolicyWorld;
let tenantId: string;
let alice: SessionUser;
let bob: SessionUser;
const actor = (u: SessionUser) => ({ userId: u.userId, email: u.email, ip: null });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  w = await startPolicyWorld(db);
  tenantId = w.tenantId;
  injected.deps = w.deps;
  alice = await makeUser(db, "operator", [{ tenantId }]);
  bob = await makeUser(db, "operator", [{ tenantId }]);
  // Start from an organization without backup policies, so the push has to enable the type.
  await w.org.send(new O.DisablePolicyTypeCommand({ RootId: w.rootId, PolicyType: "BACKUP_POLICY" }));
});
afterAll(async () => {
  await w?.stop();
  await handle.close();
});

/** A version drafted and submitted by Alice and approved by Bob. */
async function approved(p: { name?: string; policyId?: string; days: number; targets: string[] }) {
  const ref = p.policyId
    ? await draftVersion(db, actor(alice), {
        tenantId,
        policyId: p.policyId,
        content: policyDocument(p.days),
        targets: p.targets,
        description: `Keep ${p.days} days`,
      })
    : await createPolicy(db, actor(alice), {
        tenantId,
        name: p.name!,
        content: policyDocument(p.days),
        targets: p.targets,
        description: `Keep ${p.days} days`,
      });
  await submitVersion(db, actor(alice), { tenantId, versionId: ref.versionId });
  await approveVersion(db, actor(bob), { tenantId, versionId: ref.versionId });
  return ref;
}
const push = (versionId: string, who = bob) => pushVersion(db, w.deps, actor(who), { tenantId, versionId });
const failure = async (promise: Promise<unknown>) => {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(PushFailedError);
  return e as PushFailedError;
};
const stepsOf = (pushId: string) =>
  db.select().from(policyPushSteps).where(eq(policyPushSteps.pushId, pushId)).orderBy(asc(policyPushSteps.seq));
const stateOf = async (versionId: string) =>
  (await db.select({ s: policyVersions.state }).from(policyVersions).where(eq(policyVersions.id, versionId)))[0]!.s;
const awsIdOf = async (policyId: string) =>
  (
    await db.select({ id: managedPolicies.awsPolicyId }).from(managedPolicies).where(eq(managedPolicies.id, policyId))
  )[0]!.id;
const targetsInAws = async (awsId: string) =>
  ((await w.org.send(new O.ListTargetsForPolicyCommand({ PolicyId: awsId }))).Targets ?? [])
    .map((t) => t.TargetId)
    .sort();
const named = async (name: string) =>
  ((await w.org.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies ?? []).filter(
    (p) => p.Name === name,
  );

describe("a policy's life in AWS", () => {
  let policyId: string;
  let v1: string;
  let v2: string;

  it("the first push enables BACKUP_POLICY, creates the tagged policy, attaches it and keeps every request ID", async () => {
    const prod = w.ou("Prod");
    const audit = w.account("Audit");
    const ref = await approved({ name: "Baseline", days: 35, targets: [prod, audit] });
    policyId = ref.policyId;
    v1 = ref.versionId;
    caller = bob;
    const { pushVersionAction } = await import("@/app/(app)/t/[tenant]/policies/actions");
    const result = await pushVersionAction({ tenantId, versionId: v1 });
    expect(result).toMatchObject({ ok: true, data: { version: 1, attached: [prod, audit], detached: [] } });

    const root = (await w.org.send(new O.ListRootsCommand({}))).Roots![0]!;
    expect(root.PolicyTypes).toContainEqual(expect.objectContaining({ Type: "BACKUP_POLICY", Status: "ENABLED" }));
    const awsId = (await awsIdOf(policyId))!;
    const described = await w.org.send(new O.DescribePolicyCommand({ PolicyId: awsId }));
    expect(described.Policy).toMatchObject({
      Content: policyDocument(35),
      PolicySummary: { Name: "Baseline", Description: "Keep 35 days", Type: "BACKUP_POLICY" },
    });
    const tags = (await w.org.send(new O.ListTagsForResourceCommand({ ResourceId: awsId }))).Tags;
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: "managed-by", Value: "backup-governance" },
        { Key: "backup-governance:policy-id", Value: policyId },
      ]),
    );
    for (const target of [prod, audit]) {
      const attached =
        (await w.org.send(new O.ListPoliciesForTargetCommand({ TargetId: target, Filter: "BACKUP_POLICY" })))
          .Policies ?? [];
      expect(attached.map((p) => p.Id)).toContain(awsId);
    }
    const effective = await w.org.send(
      new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: audit }),
    );
    expect(
      JSON.parse(effective.EffectivePolicy!.PolicyContent!).plans["bg-daily"].rules.daily.lifecycle.delete_after_days,
    ).toBe("35");

    const [row] = await db.select().from(policyPushes).where(eq(policyPushes.versionId, v1));
    expect(row).toMatchObject({ status: "succeeded", errorCode: null });
    const steps = await stepsOf(row!.id);
    expect(steps.filter((s) => s.outcome !== "skipped").map((s) => `${s.operation} ${s.target ?? ""}`.trim())).toEqual([
      "ListRoots",
      "ListPolicies",
      `ListPoliciesForTarget ${prod}`,
      `ListPoliciesForTarget ${audit}`,
      `EnablePolicyType ${w.rootId}`,
      "CreatePolicy",
      `AttachPolicy ${prod}`,
      `AttachPolicy ${audit}`,
    ]);
    const ids = steps.filter((s) => s.outcome !== "skipped").map((s) => s.requestId);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await stateOf(v1)).toBe("pushed");
    const audited = await db
      .select({ action: auditLog.action, outcome: auditLog.outcome, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.targetId, row!.id))
      .orderBy(asc(auditLog.id));
    expect(audited.map((a) => `${a.action} ${a.outcome}`)).toEqual([
      "policy.push.start success",
      "policy.push success",
    ]);
    expect((audited[1]!.details.calls as Array<{ requestId: string }>).map((c) => c.requestId).filter(Boolean)).toEqual(
      ids,
    );
  });

  it("an update push changes the content, attaches new targets and detaches the dropped ones", async () => {
    const prod = w.ou("Prod");
    const dev = w.account("Dev App");
    const ref = await approved({ policyId, days: 60, targets: [prod, dev] });
    v2 = ref.versionId;
    const out = await push(v2);
    expect(out).toMatchObject({
      created: false,
      updated: true,
      enabledPolicyType: false,
      attached: [dev],
      detached: [w.account("Audit")],
    });
    const awsId = (await awsIdOf(policyId))!;
    expect((await w.org.send(new O.DescribePolicyCommand({ PolicyId: awsId }))).Policy?.Content).toBe(
      policyDocument(60),
    );
    expect(await targetsInAws(awsId)).toEqual([prod, dev].sort());
    expect(out.calls.map((c) => `${c.operation}:${c.outcome}`)).toEqual(
      expect.arrayContaining([
        "UpdatePolicy:succeeded",
        "AttachPolicy:skipped",
        "AttachPolicy:succeeded",
        "DetachPolicy:succeeded",
        "EnablePolicyType:skipped",
      ]),
    );
    expect(await stateOf(v1)).toBe("superseded");
    expect(await stateOf(v2)).toBe("pushed");
    expect(await named("Baseline")).toHaveLength(1);
  });

  it("a rollback is a new version with the old content, approved like any other, then pushed", async () => {
    const back = await rollbackPolicy(db, actor(bob), { tenantId, policyId, toVersion: 1 });
    expect(back).toMatchObject({ version: 3, state: "submitted" });
    await expect(approveVersion(db, actor(bob), { tenantId, versionId: back.versionId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(push(back.versionId)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/not been approved/),
    });
    await approveVersion(db, actor(alice), { tenantId, versionId: back.versionId });
    const out = await push(back.versionId, alice);
    expect(out).toMatchObject({ updated: true, attached: [w.account("Audit")], detached: [w.account("Dev App")] });
    const awsId = (await awsIdOf(policyId))!;
    expect((await w.org.send(new O.DescribePolicyCommand({ PolicyId: awsId }))).Policy?.Content).toBe(
      policyDocument(35),
    );
    expect(await targetsInAws(awsId)).toEqual([w.ou("Prod"), w.account("Audit")].sort());
    expect([await stateOf(v1), await stateOf(v2), await stateOf(back.versionId)]).toEqual([
      "superseded",
      "superseded",
      "pushed",
    ]);
    const [row] = await db
      .select({ sourceVersion: policyVersions.sourceVersion, authorEmail: policyVersions.authorEmail })
      .from(policyVersions)
      .where(eq(policyVersions.id, back.versionId));
    expect(row).toEqual({ sourceVersion: 1, authorEmail: bob.email });
  });

  it("pushing the pushed version again restores a tag removed outside the product, and changes nothing else", async () => {
    const awsId = (await awsIdOf(policyId))!;
    w.sim.runtime.state.org.policies.get(awsId)!.tags = [];
    const pushedVersion = (
      await db
        .select({ id: policyVersions.id })
        .from(policyVersions)
        .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.state, "pushed")))
    )[0]!.id;
    const out = await push(pushedVersion);
    expect(out).toMatchObject({ created: false, updated: false, attached: [], detached: [] });
    expect(out.calls.map((c) => `${c.operation}:${c.outcome}`)).toContain("TagResource:succeeded");
    expect((await w.org.send(new O.ListTagsForResourceCommand({ ResourceId: awsId }))).Tags).toContainEqual({
      Key: "managed-by",
      Value: "backup-governance",
    });
  });
});

describe("refused pushes change nothing in AWS, and pushing again completes them", () => {
  it("an 11th backup policy on a target is refused before any write", async () => {
    const target = w.account("Log Archive");
    const caps: string[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await w.org.send(
        new O.CreatePolicyCommand({
          Name: `outside-${i}`,
          Description: "",
          Type: "BACKUP_POLICY",
          Content: policyDocument(35),
        }),
      );
      caps.push(p.Policy!.PolicySummary!.Id!);
      await w.org.send(new O.AttachPolicyCommand({ PolicyId: caps[i]!, TargetId: target }));
    }
    const ref = await approved({ name: "Eleventh", days: 35, targets: [target] });
    const e = await failure(push(ref.versionId));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toMatch(
      new RegExp(
        `AttachPolicy on ${target}: ConstraintViolationException \\(MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED\\).*10 backup policies`,
      ),
    );
    expect(await named("Eleventh")).toEqual([]);
    expect(await stateOf(ref.versionId)).toBe("approved");
    const [row] = await db.select().from(policyPushes).where(eq(policyPushes.id, e.pushId));
    expect(row).toMatchObject({
      status: "failed",
      errorCode: "ConstraintViolationException",
      errorReason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
    });
    expect((await stepsOf(e.pushId)).map((s) => s.operation)).not.toContain("CreatePolicy");
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, e.pushId), eq(auditLog.action, "policy.push")));
    expect(audit).toMatchObject({
      outcome: "failure",
      details: expect.objectContaining({ failure: expect.objectContaining({ code: "ConstraintViolationException" }) }),
    });

    await w.org.send(new O.DetachPolicyCommand({ PolicyId: caps[0]!, TargetId: target }));
    expect(await push(ref.versionId)).toMatchObject({ created: true, attached: [target] });
    expect(await stateOf(ref.versionId)).toBe("pushed");
  });

  it("a policy of the same name that the product did not create is not taken over", async () => {
    await w.org.send(
      new O.CreatePolicyCommand({
        Name: "Shared name",
        Description: "made in the console",
        Type: "BACKUP_POLICY",
        Content: policyDocument(7),
      }),
    );
    const ref = await approved({ name: "Shared name", days: 35, targets: [w.account("Staging")] });
    const e = await failure(push(ref.versionId));
    expect(e.message).toMatch(/DuplicatePolicyException.*did not create/);
    const [theirs] = await named("Shared name");
    expect((await w.org.send(new O.DescribePolicyCommand({ PolicyId: theirs!.Id! }))).Policy?.Content).toBe(
      policyDocument(7),
    );
    expect(await targetsInAws(theirs!.Id!)).toEqual([]);
  });

  it("two pushes racing: exactly one proceeds, the other is refused at once", async () => {
    const ref = await approved({ name: "Race", days: 35, targets: [w.account("Staging")] });
    w.sim.configure({ latency_ms: 100 });
    try {
      const results = await Promise.allSettled([push(ref.versionId, bob), push(ref.versionId, alice)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AppError);
      expect(refused.reason).toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/Another policy push to this organization is running/),
      });
    } finally {
      w.sim.configure({ latency_ms: 0 });
    }
    expect(await db.$count(policyPushes, eq(policyPushes.versionId, ref.versionId))).toBe(1);
    expect(await named("Race")).toHaveLength(1);
    expect(await stateOf(ref.versionId)).toBe("pushed");
  });

  it("AWS throttling mid-push is reported as AWS said it, and pushing again finishes without a second policy", async () => {
    const staging = w.account("Staging");
    const web = w.account("Prod Web");
    const ref = await approved({ name: "Throttled", days: 35, targets: [staging, web] });
    w.sim.configure({ operation_faults: { "organizations:AttachPolicy": "throttled" } });
    let e: PushFailedError;
    try {
      e = await failure(push(ref.versionId));
    } finally {
      w.sim.configure({ operation_faults: {} });
    }
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.message).toMatch(/AttachPolicy on \d{12}: TooManyRequestsException: You have sent too many requests/);
    const [row] = await db.select().from(policyPushes).where(eq(policyPushes.id, e.pushId));
    expect(row).toMatchObject({
      status: "failed",
      errorCode: "TooManyRequestsException",
      errorRequestId: expect.stringMatching(UUID),
    });
    const steps = await stepsOf(e.pushId);
    expect(steps.at(-1)).toMatchObject({
      operation: "AttachPolicy",
      target: staging,
      outcome: "failed",
      errorCode: "TooManyRequestsException",
      requestId: expect.stringMatching(UUID),
    });
    const awsId = (await awsIdOf(ref.policyId))!;
    expect(awsId).toMatch(/^p-/);
    expect(await targetsInAws(awsId)).toEqual([]);
    expect(await stateOf(ref.versionId)).toBe("approved");

    const out = await push(ref.versionId);
    expect(out).toMatchObject({ created: false, updated: false, attached: [staging, web] });
    expect(out.calls.map((c) => c.operation)).not.toContain("CreatePolicy");
    expect(await named("Throttled")).toHaveLength(1);
    expect(await targetsInAws(awsId)).toEqual([staging, web].sort());
    expect(await stateOf(ref.versionId)).toBe("pushed");
  });

  it("an AccessDenied after part of an update was applied is kept, and pushing again completes the rest", async () => {
    const policyId = (
      await db
        .select({ id: managedPolicies.id })
        .from(managedPolicies)
        .where(and(eq(managedPolicies.tenantId, tenantId), eq(managedPolicies.name, "Throttled")))
    )[0]!.id;
    const before = (
      await db
        .select({ id: policyVersions.id })
        .from(policyVersions)
        .where(and(eq(policyVersions.policyId, policyId), eq(policyVersions.state, "pushed")))
    )[0]!.id;
    const staging = w.account("Staging");
    const data = w.account("Prod Data");
    const ref = await approved({ policyId, days: 90, targets: [staging, data] });
    w.sim.configure({ operation_faults: { "organizations:DetachPolicy": "access_denied" } });
    let e: PushFailedError;
    try {
      e = await failure(push(ref.versionId));
    } finally {
      w.sim.configure({ operation_faults: {} });
    }
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toMatch(/DetachPolicy on \d{12}: AccessDeniedException: You don't have permissions/);
    expect((await stepsOf(e.pushId)).map((s) => `${s.operation}:${s.outcome}`)).toEqual(
      expect.arrayContaining(["UpdatePolicy:succeeded", "AttachPolicy:succeeded", "DetachPolicy:failed"]),
    );
    expect([await stateOf(before), await stateOf(ref.versionId)]).toEqual(["pushed", "approved"]);

    const out = await push(ref.versionId);
    expect(out.calls.filter((c) => c.outcome !== "skipped").map((c) => c.operation)).not.toContain("UpdatePolicy");
    expect(out).toMatchObject({ updated: false, attached: [], detached: [w.account("Prod Web")] });
    const awsId = (await awsIdOf(policyId))!;
    expect(await targetsInAws(awsId)).toEqual([staging, data].sort());
    expect((await w.org.send(new O.DescribePolicyCommand({ PolicyId: awsId }))).Policy?.Content).toBe(
      policyDocument(90),
    );
    expect([await stateOf(before), await stateOf(ref.versionId)]).toEqual(["superseded", "pushed"]);
  });
});

describe("the record", () => {
  it("a push cut off with its process is closed by the next push, which completes it", async () => {
    const ref = await approved({ name: "Interrupted", days: 35, targets: [w.account("Backup Central")] });
    const [dead] = await db
      .insert(policyPushes)
      .values({
        tenantId,
        policyId: ref.policyId,
        versionId: ref.versionId,
        status: "running",
        startedByEmail: bob.email,
      })
      .returning();
    await push(ref.versionId);
    const [closed] = await db.select().from(policyPushes).where(eq(policyPushes.id, dead!.id));
    expect(closed).toMatchObject({ status: "failed", errorCode: "Interrupted" });
    expect(
      await db.$count(auditLog, and(eq(auditLog.targetId, dead!.id), eq(auditLog.action, "policy.push.interrupted"))),
    ).toBe(1);
    expect(await stateOf(ref.versionId)).toBe("pushed");
  });

  it("every step of the workflow and of each push is in the audit log, whose chain verifies", async () => {
    const rows = await db
      .select({ action: auditLog.action, outcome: auditLog.outcome })
      .from(auditLog)
      .where(eq(auditLog.tenantId, tenantId));
    const seen = new Set(rows.map((r) => `${r.action} ${r.outcome}`));
    for (const step of [
      "policy.create success",
      "policy.version.draft success",
      "policy.version.submit success",
      "policy.version.approve success",
      "policy.version.rollback success",
      "policy.version.supersede success",
      "policy.push.start success",
      "policy.push success",
      "policy.push failure",
      "policy.push.interrupted failure",
    ]) {
      expect(seen, step).toContain(step);
    }
    // One start and one end per push, whatever its outcome.
    const pushes = await db.$count(
      policyPushes,
      and(eq(policyPushes.tenantId, tenantId), ne(policyPushes.status, "running")),
    );
    expect(rows.filter((r) => r.action === "policy.push").length).toBe(pushes - 1); // the interrupted one never ended
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe("the reads the screens use", () => {
  it("show a policy's versions with their decisions, its pushes and each push's AWS calls", async () => {
    const list = await listPolicies(db, { tenantId });
    const baseline = list.find((p) => p.name === "Baseline")!;
    expect(baseline).toMatchObject({
      awsPolicyId: expect.stringMatching(/^p-/),
      latest: { version: 3, state: "pushed" },
      pushed: { version: 3, targets: [w.ou("Prod"), w.account("Audit")] },
    });
    const history = await getPolicyHistory(db, { tenantId, policyId: baseline.policyId });
    expect(history.versions.map((v) => `${v.version}:${v.state}`)).toEqual([
      "3:pushed",
      "2:superseded",
      "1:superseded",
    ]);
    expect(history.versions[0]).toMatchObject({
      sourceVersion: 1,
      authorEmail: bob.email,
      decisions: [{ approverEmail: alice.email, decision: "approved" }],
    });
    expect(history.pushes.every((p) => p.status === "succeeded")).toBe(true);
    const steps = await listPushSteps(db, { tenantId, pushId: history.pushes.at(-1)!.pushId });
    expect(steps[0]).toMatchObject({
      seq: 1,
      operation: "ListRoots",
      outcome: "succeeded",
      requestId: expect.stringMatching(UUID),
    });
    expect(await listPushSteps(db, { tenantId: (await makeTenant(db)).id, pushId: history.pushes[0]!.pushId })).toEqual(
      [],
    );
  });
});
