import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, orgAccounts, tenantAccountSettings, tenants, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";

// Every bad input is refused with a message naming the field, and nothing is half-saved: the
// tables and the audit log are exactly as before.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.8" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("next/navigation", async (original) => ({
  ...(await original<object>()),
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${url};307;` });
  },
}));

const handle = testDb();
const { db } = handle;
let actions: typeof import("@/app/(app)/settings/users/actions") &
  typeof import("@/app/(app)/settings/organizations/actions");

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  actions = {
    ...(await import("@/app/(app)/settings/users/actions")),
    ...(await import("@/app/(app)/settings/organizations/actions")),
  };
  caller = await makeUser(db, "admin");
});
afterAll(() => handle.close());

const counts = async () => ({
  users: await db.$count(users),
  tenants: await db.$count(tenants),
  audit: await db.$count(auditLog),
});
const form = (fields: Record<string, string | string[]>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) fd.append(k, item);
  return fd;
};

const goodTenant = {
  name: "Acme Corp",
  managementAccountId: "123456789012",
  managementRoleArn: "arn:aws:iam::123456789012:role/BackupGovernance",
  memberRoleName: "BackupGovernanceReadOnly",
  regions: ["us-east-1", "eu-west-1"],
  schedule: "6h",
};

describe("users: bad input", () => {
  it.each([
    ["malformed email", { email: "not-an-email", name: "X", role: "auditor" }, "email", /valid email/],
    ["unknown role", { email: "a@b.example", name: "X", role: "superuser" }, "role", /Role must be one of/],
    [
      "short password",
      { email: "a@b.example", name: "X", role: "auditor", password: "short" },
      "password",
      /at least 12/,
    ],
    ["oversized name", { email: "a@b.example", name: "x".repeat(10_000), role: "auditor" }, "name", /at most 100/],
    ["missing name", { email: "a@b.example", role: "auditor" }, "name", /required/],
  ])("%s", async (_label, fields, field, message) => {
    const before = await counts();
    const result = await actions.createUserAction(null, form(fields as Record<string, string>));
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (result.ok) return;
    expect(result.error.fieldErrors?.[field]).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("a duplicate email is a conflict on the email field, and the first user is untouched", async () => {
    const first = await actions.createUserAction(
      null,
      form({ email: "dup@test.example", name: "First", role: "auditor" }),
    );
    expect(first.ok).toBe(true);
    const before = await counts();
    const again = await actions.createUserAction(
      null,
      form({ email: "DUP@test.example", name: "Second", role: "admin" }),
    );
    expect(again).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", fieldErrors: { email: expect.stringMatching(/already exists/) } },
    });
    expect(await counts()).toEqual(before);
    const [row] = await db.select().from(users).where(eq(users.email, "dup@test.example"));
    expect(row).toMatchObject({ name: "First", role: "auditor" });
  });

  it("a generated password is returned once and the creation is audited", async () => {
    const result = await actions.createUserAction(
      null,
      form({ email: "gen@test.example", name: "Gen", role: "operator" }),
    );
    expect(result).toMatchObject({ ok: true, data: { generatedPassword: expect.stringMatching(/.{12,}/) } });
    const [audit] = await db.select().from(auditLog).where(eq(auditLog.action, "user.create")).orderBy(auditLog.id);
    expect(audit).toBeDefined();
  });
});

describe("organizations: bad input", () => {
  it.each([
    ["account ID of 11 digits", { managementAccountId: "12345678901" }, "managementAccountId", /exactly 12 digits/],
    ["account ID with letters", { managementAccountId: "12345678901a" }, "managementAccountId", /exactly 12 digits/],
    [
      "a user ARN instead of a role ARN",
      { managementRoleArn: "arn:aws:iam::123456789012:user/bob" },
      "managementRoleArn",
      /IAM role ARN/,
    ],
    [
      "a role ARN with a bad account",
      { managementRoleArn: "arn:aws:iam::12345:role/X" },
      "managementRoleArn",
      /IAM role ARN/,
    ],
    [
      "a region that does not exist",
      { regions: ["us-east-1", "mars-north-1"] },
      "regions",
      /Not an AWS region: mars-north-1/,
    ],
    ["no region", { regions: [] as string[] }, "regions", /at least one region/],
    ["an ExternalId too short", { externalId: "x" }, "externalId", /2 to 1,224/],
    ["an ExternalId too long", { externalId: "x".repeat(1225) }, "externalId", /2 to 1,224/],
    ["an ExternalId with a space", { externalId: "has space" }, "externalId", /2 to 1,224/],
    ["a member role name with a slash", { memberRoleName: "a/b" }, "memberRoleName", /IAM role name/],
    [
      "a malformed policy push role ARN",
      { policyPushRoleArn: "arn:aws:iam::12345:role/Push" },
      "policyPushRoleArn",
      /Policy push role ARN must be an IAM role ARN/,
    ],
    ["an oversized name", { name: "n".repeat(5000) }, "name", /at most 100/],
    ["an unknown schedule", { schedule: "every-minute" }, "schedule", /sync schedule/],
  ])("%s", async (_label, override, field, message) => {
    const before = await counts();
    const result = await actions.createTenantAction(
      null,
      form({ ...goodTenant, ...override } as Record<string, string | string[]>),
    );
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (result.ok) return;
    expect(result.error.fieldErrors?.[field]).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("a good organization is created with a generated ExternalId, audited, then a duplicate name is refused", async () => {
    await expect(actions.createTenantAction(null, form(goodTenant))).rejects.toThrow("NEXT_REDIRECT");
    const [row] = await db.select().from(tenants).where(eq(tenants.name, "Acme Corp"));
    expect(row).toMatchObject({ slug: "acme-corp", regions: ["eu-west-1", "us-east-1"], syncSchedule: "0 */6 * * *" });
    expect(row!.externalId).toMatch(/^[\w-]{32}$/);
    const before = await counts();
    const again = await actions.createTenantAction(null, form(goodTenant));
    expect(again).toMatchObject({
      ok: false,
      error: { code: "CONFLICT", fieldErrors: { name: expect.stringMatching(/already exists/) } },
    });
    expect(await counts()).toEqual(before);
  });

  it("rotating the ExternalId changes it and audits the rotation", async () => {
    const [row] = await db.select().from(tenants).where(eq(tenants.name, "Acme Corp"));
    const result = await actions.rotateExternalIdAction(null, form({ tenantId: row!.id }));
    expect(result).toMatchObject({ ok: true });
    const [after] = await db.select().from(tenants).where(eq(tenants.id, row!.id));
    expect(after!.externalId).not.toBe(row!.externalId);
    expect(await db.$count(auditLog, eq(auditLog.action, "tenant.rotate_external_id"))).toBe(1);
  });

  it("the policy push role is refused when malformed (nothing changes), then set and cleared, each audited", async () => {
    const [row] = await db.select().from(tenants).where(eq(tenants.name, "Acme Corp"));
    const update = (policyPushRoleArn: string) =>
      actions.updateTenantAction(null, form({ ...goodTenant, tenantId: row!.id, policyPushRoleArn }));
    const before = await counts();
    const refused = await update("arn:aws:iam::123456789012:user/Push");
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (!refused.ok) expect(refused.error.fieldErrors?.policyPushRoleArn).toMatch(/IAM role ARN/);
    expect(await counts()).toEqual(before);
    expect((await db.select().from(tenants).where(eq(tenants.id, row!.id)))[0]!.policyPushRoleArn).toBeNull();

    const arn = "arn:aws:iam::123456789012:role/BackupGovernancePolicyPush";
    expect(await update(arn)).toMatchObject({ ok: true });
    expect((await db.select().from(tenants).where(eq(tenants.id, row!.id)))[0]!.policyPushRoleArn).toBe(arn);
    expect(await update("")).toMatchObject({ ok: true });
    expect((await db.select().from(tenants).where(eq(tenants.id, row!.id)))[0]!.policyPushRoleArn).toBeNull();
    const audited = await db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, "tenant.update"))
      .orderBy(desc(auditLog.id))
      .limit(2);
    expect(audited.map((a) => a.details)).toEqual([
      { changes: { policyPushRoleArn: { from: arn, to: null } } },
      { changes: { policyPushRoleArn: { from: null, to: arn } } },
    ]);
  });

  it("deleting needs the exact name", async () => {
    const [row] = await db.select().from(tenants).where(eq(tenants.name, "Acme Corp"));
    const before = await counts();
    const result = await actions.deleteTenantAction(null, form({ tenantId: row!.id, confirmName: "acme" }));
    expect(result).toMatchObject({
      ok: false,
      error: { fieldErrors: { confirmName: expect.stringMatching(/exactly/) } },
    });
    expect(await counts()).toEqual(before);
  });
});

describe("member role per account", () => {
  const overrides = async (tenantId: string) =>
    db
      .select({ accountId: tenantAccountSettings.accountId, role: tenantAccountSettings.memberRoleName })
      .from(tenantAccountSettings)
      .where(eq(tenantAccountSettings.tenantId, tenantId));
  const acme = async () => (await db.select().from(tenants).where(eq(tenants.name, "Acme Corp")))[0]!;
  const all = async (tenantId: string) => ({ ...(await counts()), overrides: await overrides(tenantId) });

  it.each([
    ["an account ID of 11 digits", { accountId: "12345678901" }, "accountId", /exactly 12 digits/],
    ["a role name with a slash", { memberRoleName: "path/Role" }, "memberRoleName", /IAM role name/],
    ["a role name of 65 characters", { memberRoleName: "r".repeat(65) }, "memberRoleName", /IAM role name/],
    ["no role name", { memberRoleName: "" }, "memberRoleName", /IAM role name/],
    [
      "the organization's own role name",
      { memberRoleName: "BackupGovernanceReadOnly" },
      "memberRoleName",
      /remove the override instead/,
    ],
  ])("refuses %s, saving nothing", async (_label, override, field, message) => {
    const t = await acme();
    const before = await all(t.id);
    const result = await actions.setMemberRoleOverrideAction(
      null,
      form({ tenantId: t.id, accountId: "210987654321", memberRoleName: "OtherRole", ...override }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (result.ok) return;
    expect(result.error.fieldErrors?.[field]).toMatch(message);
    expect(await all(t.id)).toEqual(before);
  });

  it("is set, replaced and removed, each change audited with what it was before", async () => {
    const t = await acme();
    expect(
      await actions.setMemberRoleOverrideAction(
        null,
        form({ tenantId: t.id, accountId: "210987654321", memberRoleName: "LegacyBackupRole" }),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await actions.setMemberRoleOverrideAction(
        null,
        form({ tenantId: t.id, accountId: "210987654321", memberRoleName: "NewerBackupRole" }),
      ),
    ).toMatchObject({ ok: true });
    expect(await overrides(t.id)).toEqual([{ accountId: "210987654321", role: "NewerBackupRole" }]);
    expect(
      await actions.removeMemberRoleOverrideAction(null, form({ tenantId: t.id, accountId: "210987654321" })),
    ).toMatchObject({ ok: true });
    expect(await overrides(t.id)).toEqual([]);
    const trail = await db
      .select({ action: auditLog.action, targetId: auditLog.targetId, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.tenantId, t.id))
      .orderBy(auditLog.id);
    expect(trail.filter((a) => a.action.startsWith("tenant.member_role"))).toEqual([
      {
        action: "tenant.member_role.set",
        targetId: "210987654321",
        details: { from: "BackupGovernanceReadOnly", to: "LegacyBackupRole" },
      },
      {
        action: "tenant.member_role.set",
        targetId: "210987654321",
        details: { from: "LegacyBackupRole", to: "NewerBackupRole" },
      },
      {
        action: "tenant.member_role.remove",
        targetId: "210987654321",
        details: { from: "NewerBackupRole", to: "BackupGovernanceReadOnly" },
      },
    ]);
  });

  it("an organization that does not exist is 'not found', and nothing is saved", async () => {
    const before = await counts();
    const result = await actions.setMemberRoleOverrideAction(
      null,
      form({
        tenantId: "7f0c1a52-3b9e-4c1d-9a55-2f6a0e8d4b10",
        accountId: "210987654321",
        memberRoleName: "OtherRole",
      }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await counts()).toEqual(before);
    expect(await db.$count(tenantAccountSettings)).toBe(0);
  });

  it("removing an override that does not exist is 'not found', and changes nothing", async () => {
    const t = await acme();
    const before = await all(t.id);
    expect(
      await actions.removeMemberRoleOverrideAction(null, form({ tenantId: t.id, accountId: "210987654321" })),
    ).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await all(t.id)).toEqual(before);
  });

  it("once the organization has been read, only its accounts are accepted", async () => {
    const t = await acme();
    await db.insert(orgAccounts).values({
      tenantId: t.id,
      accountId: "111122223333",
      name: "workload-a",
      email: "a@acme.example",
      state: "ACTIVE",
      parentId: "r-root",
      ouPath: [],
    });
    const before = await all(t.id);
    const result = await actions.setMemberRoleOverrideAction(
      null,
      form({ tenantId: t.id, accountId: "444455556666", memberRoleName: "OtherRole" }),
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: "VALIDATION", fieldErrors: { accountId: expect.stringMatching(/not in this organization/) } },
    });
    expect(await all(t.id)).toEqual(before);
    expect(
      await actions.setMemberRoleOverrideAction(
        null,
        form({ tenantId: t.id, accountId: "111122223333", memberRoleName: "OtherRole" }),
      ),
    ).toMatchObject({ ok: true });
    expect(await overrides(t.id)).toEqual([{ accountId: "111122223333", role: "OtherRole" }]);
  });

  it("an operator, even a member of the organization, may not change it", async () => {
    const t = await acme();
    const admin = caller;
    caller = await makeUser(db, "operator", [{ tenantId: t.id }]);
    try {
      const before = await all(t.id);
      expect(
        await actions.setMemberRoleOverrideAction(
          null,
          form({ tenantId: t.id, accountId: "111122223333", memberRoleName: "Sneaky" }),
        ),
      ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      expect(
        await actions.removeMemberRoleOverrideAction(null, form({ tenantId: t.id, accountId: "111122223333" })),
      ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
      // The refusals are in the audit log; nothing else changed.
      expect(await all(t.id)).toEqual({ ...before, audit: before.audit + 2 });
      const denied = await db
        .select({ action: auditLog.action, outcome: auditLog.outcome })
        .from(auditLog)
        .orderBy(desc(auditLog.id))
        .limit(2);
      expect(denied.map((d) => d.outcome)).toEqual(["denied", "denied"]);
    } finally {
      caller = admin;
    }
  });
});

describe("test connection: bad input", () => {
  it("refuses a malformed organization id, and a stored role ARN or account id in the wrong format, writing nothing", async () => {
    const before = await counts();
    expect(await actions.testConnectionAction(null, form({ tenantId: "not-a-uuid" }))).toMatchObject({
      ok: false,
      error: { code: "VALIDATION" },
    });
    // Settings written before the forms checked them (or by hand): refused before any AWS call.
    const [bad] = await db
      .insert(tenants)
      .values({
        name: "Malformed Co",
        slug: "malformed-co",
        managementAccountId: "1234",
        managementRoleArn: "arn:aws:iam::1234:role/X",
        externalId: "bg-external-id-0123456789",
        memberRoleName: "Reader",
        regions: ["us-east-1"],
      })
      .returning({ id: tenants.id });
    const afterInsert = await counts();
    const refused = await actions.testConnectionAction(null, form({ tenantId: bad!.id }));
    expect(refused).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (!refused.ok)
      expect(refused.error.message).toBe(
        `The organization's settings cannot work: management account ID "1234" is not a 12-digit AWS account ID. Correct the organization's management account ID in Settings → Organizations.`,
      );
    await db.update(tenants).set({ managementAccountId: "123456789012" }).where(eq(tenants.id, bad!.id));
    const arn = await actions.testConnectionAction(null, form({ tenantId: bad!.id }));
    if (!arn.ok) expect(arn.error.message).toMatch(/management role ARN "arn:aws:iam::1234:role\/X" is malformed/);
    expect(arn.ok).toBe(false);
    expect(await counts()).toEqual(afterInsert);
    expect(before.tenants + 1).toBe(afterInsert.tenants);
    await db.delete(tenants).where(eq(tenants.id, bad!.id));
  });
});

describe("the administrator cannot lock everyone out", () => {
  it("refuses to demote or disable oneself", async () => {
    const self = caller!;
    expect(await actions.setUserRoleAction(null, form({ userId: self.userId, role: "auditor" }))).toMatchObject({
      ok: false,
      error: { code: "VALIDATION" },
    });
    expect(await actions.setUserDisabledAction(null, form({ userId: self.userId, disabled: "true" }))).toMatchObject({
      ok: false,
      error: { code: "VALIDATION" },
    });
    const [row] = await db.select().from(users).where(eq(users.id, self.userId));
    expect(row).toMatchObject({ role: "admin", disabled: false });
  });
});
