import { randomBytes } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditLog, users } from "@/db/schema";
import { findSsoUser, resolveSsoUser } from "@/lib/auth/sso";
import { testDb } from "@/tests/helpers/db";

const handle = testDb();
const { db } = handle;
afterAll(() => handle.close());

const ISSUER = "https://idp.test.example";
const ip = "198.51.100.40";

async function localUser(extra: Partial<typeof users.$inferInsert> = {}) {
  const email = `sso-${randomBytes(4).toString("hex")}@test.example`;
  const [row] = await db
    .insert(users)
    .values({ email, name: "SSO user", role: "compliance", ...extra })
    .returning();
  return row!;
}
const identity = (subject: unknown, email: unknown, emailVerified: unknown = true) => ({
  issuer: ISSUER,
  subject,
  email,
  emailVerified,
});
const stored = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;
const lastRefusal = async (email: string) =>
  (
    await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorEmail, email)))
      .orderBy(desc(auditLog.id))
      .limit(1)
  )[0];

describe("single sign-on identities", () => {
  it("refuses an email the provider does not say is verified, and links nothing", async () => {
    const user = await localUser();
    for (const verified of [undefined, false, "true", 1]) {
      const claims = { issuer: ISSUER, subject: "sub-unverified", email: user.email, emailVerified: verified };
      expect(await resolveSsoUser(db, claims, ip)).toEqual({
        ok: false,
        reason: "email_not_verified",
      });
    }
    expect(await stored(user.id)).toMatchObject({ oidcIssuer: null, oidcSubject: null });
    expect(await lastRefusal(user.email)).toMatchObject({
      outcome: "denied",
      ip,
      details: { method: "oidc", reason: "email_not_verified", subject: "sub-unverified" },
    });
  });

  it("links the first verified identity once, then finds the user by issuer and subject alone", async () => {
    const user = await localUser();
    expect(await resolveSsoUser(db, identity("sub-alice", user.email.toUpperCase()), ip)).toEqual({
      ok: true,
      userId: user.id,
      linked: true,
    });
    expect(await stored(user.id)).toMatchObject({ oidcIssuer: ISSUER, oidcSubject: "sub-alice" });
    expect(await db.$count(auditLog, and(eq(auditLog.action, "user.sso_link"), eq(auditLog.targetId, user.id)))).toBe(
      1,
    );
    // The email claim no longer matters (the provider may change it), nor whether it is verified.
    expect(await resolveSsoUser(db, identity("sub-alice", "renamed@elsewhere.example", false), ip)).toEqual({
      ok: true,
      userId: user.id,
      linked: false,
    });
    expect(await findSsoUser(db, ISSUER, "sub-alice")).toBe(user.id);
    expect(await findSsoUser(db, "https://other-idp.example", "sub-alice")).toBeNull();
  });

  it("refuses another identity presenting the email of a linked user", async () => {
    const user = await localUser();
    await resolveSsoUser(db, identity("sub-bob", user.email), ip);
    expect(await resolveSsoUser(db, identity("sub-mallory", user.email), ip)).toEqual({
      ok: false,
      reason: "identity_mismatch",
    });
    expect(await stored(user.id)).toMatchObject({ oidcSubject: "sub-bob" });
    expect(await findSsoUser(db, ISSUER, "sub-mallory")).toBeNull();
    expect(await lastRefusal(user.email)).toMatchObject({
      actorId: user.id,
      details: { reason: "identity_mismatch", subject: "sub-mallory" },
    });
  });

  it("creates no account, signs in no disabled user, and bounds what it stores", async () => {
    expect(await resolveSsoUser(db, identity("sub-stranger", "stranger@elsewhere.example"), ip)).toEqual({
      ok: false,
      reason: "unknown_user",
    });
    expect(await db.$count(users, eq(users.email, "stranger@elsewhere.example"))).toBe(0);

    const disabled = await localUser({ disabled: true });
    expect(await resolveSsoUser(db, identity("sub-disabled", disabled.email), ip)).toEqual({
      ok: false,
      reason: "disabled",
    });
    expect(await stored(disabled.id)).toMatchObject({ oidcSubject: null });

    const huge = "x".repeat(200_000);
    expect(await resolveSsoUser(db, identity(huge, "someone@test.example"), ip)).toEqual({
      ok: false,
      reason: "invalid_identity",
    });
    expect(await resolveSsoUser(db, identity("sub-huge-email", `${huge}@test.example`), ip)).toEqual({
      ok: false,
      reason: "invalid_identity",
    });
    const [row] = await db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(JSON.stringify(row).length).toBeLessThan(2000);
  });
});
