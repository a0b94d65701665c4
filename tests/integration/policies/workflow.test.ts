import { and, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, managedPolicies, policyApprovals, policyPushes, policyVersions } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { policyDocument } from "./policy-world";

// The approval workflow through the server actions, as the screens will call them: every refusal
// is a clear error that leaves the tables and the audit log as they were, and every state change
// has its audit row. No AWS here: a push that gets past the checks would fail loudly.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.9" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/policies/push-deps", () => ({
  getPushDeps: async () => {
    throw new Error("this test never reaches AWS");
  },
}));

const handle = testDb();
const { db } = handle;
let a: typeof import("@/app/(app)/t/[tenant]/policies/actions");
let tenantId: string;
const u = {} as Record<"alice" | "bob" | "carol" | "auditor" | "compliance" | "outsider" | "admin", SessionUser>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  a = await import("@/app/(app)/t/[tenant]/policies/actions");
  const tenant = await makeTenant(db);
  const other = await makeTenant(db);
  tenantId = tenant.id;
  const member = [{ tenantId }];
  u.alice = await makeUser(db, "operator", member);
  u.bob = await makeUser(db, "operator", member);
  u.carol = await makeUser(db, "operator", member);
  u.auditor = await makeUser(db, "auditor", member);
  u.compliance = await makeUser(db, "compliance", member);
  u.outsider = await makeUser(db, "operator", [{ tenantId: other.id }]);
  u.admin = await makeUser(db, "admin");
});
afterAll(() => handle.close());

const as = (user: SessionUser) => {
  caller = user;
  return a;
};
const counts = async () => ({
  policies: await db.$count(managedPolicies, eq(managedPolicies.tenantId, tenantId)),
  versions: await db.$count(policyVersions, eq(policyVersions.tenantId, tenantId)),
  approvals: await db.$count(policyApprovals, eq(policyApprovals.tenantId, tenantId)),
  pushes: await db.$count(policyPushes, eq(policyPushes.tenantId, tenantId)),
  audit: await db.$count(auditLog, and(eq(auditLog.tenantId, tenantId), like(auditLog.action, "policy.%"))),
});
const auditOf = async (targetId: string) =>
  (
    await db
      .select({ action: auditLog.action, actor: auditLog.actorEmail, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.targetId, targetId))
      .orderBy(auditLog.id)
  ).map((r) => ({ action: r.action, actor: r.actor, to: r.details.to }));

let n = 0;
async function submitted(author = u.alice) {
  const created = await as(author).createPolicyAction({
    tenantId,
    name: `Baseline ${++n}`,
    content: policyDocument(35),
    targets: "ou-abcd-12345678",
    description: "Daily backups",
  });
  if (!created.ok) throw new Error(created.error.message);
  const sent = await as(author).submitVersionAction({ tenantId, versionId: created.data.versionId });
  if (!sent.ok) throw new Error(sent.error.message);
  return created.data;
}

describe("drafting refuses a document AWS would refuse, and stores nothing", () => {
  it.each([
    ["invalid JSON", '{"plans": {"daily": ', /Invalid JSON.*MalformedPolicyDocumentException \(INVALID_JSON\)/],
    [
      "a duplicate key",
      '{"plans": {"daily": {}, "daily": {}}}',
      /duplicate key "daily".*at \$\.plans\.daily.*DUPLICATE_KEY/,
    ],
    [
      "more than 10,000 characters",
      JSON.stringify({
        plans: { P: { regions: { "@@assign": Array.from({ length: 900 }, (_, i) => `region-${i}`) } } },
      }),
      /10,?000.*ConstraintViolationException \(POLICY_CONTENT_LIMIT_EXCEEDED\)/,
    ],
    [
      "an unknown key",
      policyDocument(35).replace('"schedule_expression"', '"schedule"'),
      /schedule.*MalformedPolicyDocumentException/,
    ],
  ])("%s", async (_label, content, message) => {
    const before = await counts();
    const result = await as(u.alice).createPolicyAction({ tenantId, name: "Refused", content, targets: [] });
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (!result.ok) {
      expect(result.error.message).toMatch(message);
      expect(result.error.fieldErrors?.content).toMatch(/^\$/);
    }
    expect(await counts()).toEqual(before);
  });

  it("a malformed target or a duplicate name is refused on its field", async () => {
    const bad = await as(u.alice).createPolicyAction({
      tenantId,
      name: "Targets",
      content: policyDocument(35),
      targets: "ou-xyz, 12345",
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: "VALIDATION", fieldErrors: { "targets.0": expect.stringMatching(/root.*OU.*account/) } },
    });
    await submitted();
    const before = await counts();
    const dup = await as(u.bob).createPolicyAction({ tenantId, name: `Baseline ${n}`, content: policyDocument(35) });
    expect(dup).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", fieldErrors: { name: expect.stringMatching(/already has a policy/) } },
    });
    expect(await counts()).toEqual(before);
  });
});

describe("approval by a second person", () => {
  it("draft → submit → approve by another operator, each step audited", async () => {
    const v = await submitted();
    const before = await counts();
    const own = await as(u.alice).approveVersionAction({ tenantId, versionId: v.versionId });
    expect(own).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", message: expect.stringMatching(/You wrote version 1: another person/) },
    });
    const denial = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "authz.denied"),
          eq(auditLog.actorId, u.alice.userId),
          sql`${auditLog.details}->>'action' = 'policies.approve'`,
        ),
      );
    expect(denial).toHaveLength(1);
    expect(await counts()).toEqual(before);

    const approved = await as(u.bob).approveVersionAction({ tenantId, versionId: v.versionId, comment: "Looks right" });
    expect(approved).toMatchObject({ ok: true, data: { state: "approved", approvals: 1, required: 1 } });
    expect(await auditOf(v.versionId)).toEqual([
      { action: "policy.version.draft", actor: u.alice.email, to: undefined },
      { action: "policy.version.submit", actor: u.alice.email, to: "submitted" },
      { action: "policy.version.approve", actor: u.bob.email, to: "approved" },
    ]);
    const again = await as(u.carol).approveVersionAction({ tenantId, versionId: v.versionId });
    expect(again).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/is approved; only a submitted version/) },
    });
  });

  it("when the admin requires two approvals, two different people must give them", async () => {
    expect(await as(u.alice).setRequiredApprovalsAction({ tenantId, requiredApprovals: 2 })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN" },
    });
    expect(await as(u.admin).setRequiredApprovalsAction({ tenantId, requiredApprovals: 3 })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION", fieldErrors: { requiredApprovals: "Choose 1 or 2 approvals." } },
    });
    expect(await as(u.admin).setRequiredApprovalsAction({ tenantId, requiredApprovals: 2 })).toMatchObject({
      ok: true,
      data: { requiredApprovals: 2 },
    });
    try {
      const v = await submitted();
      expect(await as(u.bob).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
        ok: true,
        data: { state: "submitted", approvals: 1, required: 2 },
      });
      expect(await as(u.bob).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
        ok: false,
        error: { code: "CONFLICT", message: expect.stringMatching(/already approved/) },
      });
      expect(await as(u.alice).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
        ok: false,
        error: { code: "FORBIDDEN" },
      });
      expect(await as(u.carol).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
        ok: true,
        data: { state: "approved", approvals: 2, required: 2 },
      });
    } finally {
      await as(u.admin).setRequiredApprovalsAction({ tenantId, requiredApprovals: 1 });
    }
    const settings = await db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, "policy.settings.update")))
      .orderBy(auditLog.id);
    expect(settings.map((s) => s.details.requiredApprovals)).toEqual([
      { from: 1, to: 2 },
      { from: 2, to: 1 },
    ]);
  });

  it("a rejection needs a reason and ends the version", async () => {
    const v = await submitted();
    expect(await as(u.bob).rejectVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
      ok: false,
      error: { code: "VALIDATION", fieldErrors: { comment: expect.stringMatching(/why/) } },
    });
    expect(
      await as(u.bob).rejectVersionAction({
        tenantId,
        versionId: v.versionId,
        comment: "Retention too short for prod",
      }),
    ).toMatchObject({ ok: true, data: { state: "rejected" } });
    expect(await as(u.carol).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT" },
    });
    expect(await as(u.carol).pushVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/cannot be pushed: it was rejected/) },
    });
  });
});

describe("who may push", () => {
  it("a push before approval is refused and records nothing", async () => {
    const v = await submitted();
    const before = await counts();
    expect(await as(u.bob).pushVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", message: expect.stringMatching(/cannot be pushed: it has not been approved yet/) },
    });
    expect(await counts()).toEqual(before);
  });

  it("an auditor, a compliance user and another tenant's operator can neither draft, approve, push nor roll back", async () => {
    const v = await submitted();
    expect(await as(u.bob).approveVersionAction({ tenantId, versionId: v.versionId })).toMatchObject({ ok: true });
    const before = await counts();
    for (const user of [u.auditor, u.compliance, u.outsider]) {
      const act = as(user);
      const forbidden = { ok: false, error: { code: "FORBIDDEN" } };
      expect(await act.pushVersionAction({ tenantId, versionId: v.versionId }), `${user.email} push`).toMatchObject(
        forbidden,
      );
      expect(
        await act.approveVersionAction({ tenantId, versionId: v.versionId }),
        `${user.email} approve`,
      ).toMatchObject(forbidden);
      expect(
        await act.rollbackPolicyAction({ tenantId, policyId: v.policyId, toVersion: 1 }),
        `${user.email} rollback`,
      ).toMatchObject(forbidden);
      expect(
        await act.draftVersionAction({ tenantId, policyId: v.policyId, content: policyDocument(40) }),
        `${user.email} draft`,
      ).toMatchObject(forbidden);
    }
    expect(await counts()).toEqual(before);
    const [row] = await db
      .select({ state: policyVersions.state })
      .from(policyVersions)
      .where(eq(policyVersions.id, v.versionId));
    expect(row?.state).toBe("approved");
  });

  it("a version id of another tenant reads as not found", async () => {
    const v = await submitted();
    const other = await makeTenant(db);
    const admin = as(u.admin);
    expect(await admin.approveVersionAction({ tenantId: other.id, versionId: v.versionId })).toMatchObject({
      ok: false,
      error: { code: "NOT_FOUND" },
    });
  });
});
