import * as O from "@aws-sdk/client-organizations";
import type { STSClient } from "@aws-sdk/client-sts";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, inject, vi } from "vitest";
import { policyPushes, tenants } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { roleTrustReader } from "@/lib/aws/iam.fetch";
import { pushVersion, PushFailedError } from "@/lib/policies/push";
import { tenantRoles } from "@/lib/policies/preview-roles";
import { approveVersion, createPolicy, submitVersion } from "@/lib/policies/workflow";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { policyDocument, startPolicyWorld, type PolicyWorld } from "./policy-world";

// The organization's policy push role: when set, the push's Organizations calls run as it (assumed
// with the ExternalId), while the IAM pre-flight in member accounts still chains through the read
// role, which the member roles trust. The simulator knows only the read role, so a push role it does
// not hold is refused at AssumeRole: that refusal, naming the push role, shows which role the push
// asked for; every AssumeRole made is also recorded from the SDK's side.

vi.mock("@/lib/auth/session", () => ({ getSession: async () => null, getClientIp: async () => null }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let w: PolicyWorld;
let alice: SessionUser;
let bob: SessionUser;
let mgmt: string;
const assumed: string[] = [];
const actor = (u: SessionUser) => ({ userId: u.userId, email: u.email, ip: null });

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  w = await startPolicyWorld(db);
  alice = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
  bob = await makeUser(db, "operator", [{ tenantId: w.tenantId }]);
  mgmt = w.sim.summary().management_account_id;
  const factory = w.deps.factory;
  const sts = factory.sts.bind(factory);
  vi.spyOn(factory, "sts").mockImplementation((...args: Parameters<typeof sts>): STSClient => {
    const client = sts(...args);
    client.middlewareStack.add(
      (next) => async (a) => {
        assumed.push((a.input as { RoleArn?: string }).RoleArn ?? "?");
        return next(a);
      },
      { step: "initialize" },
    );
    return client;
  });
});
beforeEach(() => {
  assumed.length = 0;
});
afterAll(async () => {
  await w?.stop();
  await handle.close();
});

async function approved(name: string, target: string) {
  const fields = { tenantId: w.tenantId, content: policyDocument(35), targets: [target], description: "35 days" };
  const ref = await createPolicy(db, actor(alice), { ...fields, name });
  await submitVersion(db, actor(alice), { tenantId: w.tenantId, versionId: ref.versionId });
  await approveVersion(db, actor(bob), { tenantId: w.tenantId, versionId: ref.versionId });
  return ref;
}
const setPushRole = (arn: string | null) =>
  db.update(tenants).set({ policyPushRoleArn: arn }).where(eq(tenants.id, w.tenantId));
const push = (versionId: string) => pushVersion(db, w.deps, actor(bob), { tenantId: w.tenantId, versionId });
const inAws = async (name: string) =>
  ((await w.org.send(new O.ListPoliciesCommand({ Filter: "BACKUP_POLICY" }))).Policies ?? []).filter(
    (p) => p.Name === name,
  );
const refusalOf = async (promise: Promise<unknown>) => {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(PushFailedError);
  return e as PushFailedError;
};

describe("the policy push role", () => {
  it("when set, Organizations is asked as it: one the simulator lacks is refused, naming it, and nothing changes", async () => {
    const pushRole = `arn:aws:iam::${mgmt}:role/BackupGovernancePolicyPush`;
    await setPushRole(pushRole);
    const audit = w.account("Audit");
    const ref = await approved("Push role", audit);
    const e = await refusalOf(push(ref.versionId));
    // The session is asked for on the first Organizations call, which carries the refusal.
    expect(e.failure).toMatchObject({ operation: "ListRoots", code: "AccessDenied" });
    expect(e.message).toContain(pushRole);

    // Nothing was synced, so the pre-flight had no role to read: the push role is the only one asked.
    expect(assumed).toEqual([pushRole]);
    expect(await inAws("Push role")).toEqual([]);
    const [row] = await db.select().from(policyPushes).where(eq(policyPushes.versionId, ref.versionId));
    expect(row).toMatchObject({ status: "failed", errorCode: e.failure.code });
  });

  it("leaves the pre-flight's IAM reads on the read role → member role chain, which still works", async () => {
    const pushRole = `arn:aws:iam::${mgmt}:role/BackupGovernancePolicyPush`;
    await setPushRole(pushRole);
    const roles = await tenantRoles(db, w.tenantId);
    const audit = w.account("Audit");
    const read = roleTrustReader(w.deps.factory, roles!);
    const trust = await read(audit, `arn:aws:iam::${audit}:role/service-role/AWSBackupDefaultServiceRole`);
    expect(trust).toMatchObject({ outcome: "trusts" });
    const memberRole = `arn:aws:iam::${audit}:role/${w.sim.summary().member_role_name}`;
    expect(assumed).toEqual([w.sim.summary().management_role_arn, memberRole]);
  });

  it("when cleared, the push runs as the read role again and completes", async () => {
    await setPushRole(null);
    const ref = await approved("Read role", w.account("Audit"));
    const out = await push(ref.versionId);
    expect(out.attached).toEqual([w.account("Audit")]);
    expect(assumed).not.toContain(`arn:aws:iam::${mgmt}:role/BackupGovernancePolicyPush`);
    expect(new Set(assumed)).toContain(w.sim.summary().management_role_arn);
    expect(await inAws("Read role")).toHaveLength(1);
  });

  it("a malformed one stored in the database is refused before any call, saying what to correct", async () => {
    await setPushRole("arn:aws:iam::123:role/Broken");
    const ref = await approved("Malformed", w.account("Audit"));
    const e = await refusalOf(push(ref.versionId));
    expect(e.message).toMatch(/policy push role ARN "arn:aws:iam::123:role\/Broken" is malformed/);
    expect(assumed.filter((a) => a.includes("Broken"))).toEqual([]);
    expect(await inAws("Malformed")).toEqual([]);
  });
});
