import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/db/audit";
import { auditLog, sessions, users } from "@/db/schema";
import { loadSession } from "@/lib/auth/access";
import { hashPassword } from "@/lib/auth/password";
import {
  closeSession,
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ADDRESS,
  signInWithPassword,
} from "@/lib/auth/sign-in";
import { testDb } from "@/tests/helpers/db";

const handle = testDb();
const { db } = handle;
afterAll(() => handle.close());

let n = 0;
async function userWith(password: string, extra: Partial<typeof users.$inferInsert> = {}) {
  const email = `signin-${++n}-${Date.now()}@test.example`;
  const [row] = await db
    .insert(users)
    .values({ email, name: "Sign In", role: "auditor", passwordHash: await hashPassword(password), ...extra })
    .returning();
  return row!;
}
const lastAudit = async (email: string) =>
  (await db.select().from(auditLog).where(eq(auditLog.actorEmail, email)).orderBy(desc(auditLog.id)).limit(1))[0];

describe("password sign-in", () => {
  it("opens a new server-side session on every sign-in, audited", async () => {
    const user = await userWith("correct horse battery");
    const first = await signInWithPassword(db, {
      email: user.email.toUpperCase(),
      password: "correct horse battery",
      ip: "198.51.100.1",
      userAgent: "test",
    });
    const second = await signInWithPassword(db, {
      email: user.email,
      password: "correct horse battery",
      ip: "198.51.100.1",
      userAgent: "test",
    });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(first.sessionId).not.toBe(second.sessionId);
    expect(await loadSession(db, first.sessionId)).toMatchObject({ userId: user.id, role: "auditor" });
    expect(await lastAudit(user.email)).toMatchObject({
      action: "auth.sign_in",
      outcome: "success",
      ip: "198.51.100.1",
    });
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lastLoginAt).not.toBeNull();
  });

  it("refuses a wrong password and an unknown user with the same message, and records both", async () => {
    const user = await userWith("correct horse battery");
    expect(
      await signInWithPassword(db, { email: user.email, password: "wrong", ip: "198.51.100.2", userAgent: null }),
    ).toEqual({ ok: false, failure: "invalid" });
    expect(await lastAudit(user.email)).toMatchObject({
      action: "auth.sign_in",
      outcome: "failure",
      details: { reason: "wrong_password" },
    });
    const ghost = "nobody-here@test.example";
    expect(
      await signInWithPassword(db, { email: ghost, password: "whatever", ip: "198.51.100.2", userAgent: null }),
    ).toEqual({ ok: false, failure: "invalid" });
    expect(await lastAudit(ghost)).toMatchObject({ outcome: "failure", details: { reason: "unknown_user" } });
  });

  it("refuses a disabled user only after the password matched", async () => {
    const user = await userWith("correct horse battery", { disabled: true });
    expect(
      await signInWithPassword(db, { email: user.email, password: "nope", ip: "198.51.100.3", userAgent: null }),
    ).toEqual({ ok: false, failure: "invalid" });
    expect(
      await signInWithPassword(db, {
        email: user.email,
        password: "correct horse battery",
        ip: "198.51.100.3",
        userAgent: null,
      }),
    ).toEqual({ ok: false, failure: "disabled" });
    expect(await db.$count(sessions, eq(sessions.userId, user.id))).toBe(0);
  });

  it("limits failures per account, even with the right password afterwards", async () => {
    const user = await userWith("correct horse battery");
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      await signInWithPassword(db, {
        email: user.email,
        password: `bad-${i}`,
        ip: `192.0.2.${i + 1}`,
        userAgent: null,
      });
    }
    expect(
      await signInWithPassword(db, {
        email: user.email,
        password: "correct horse battery",
        ip: "192.0.2.99",
        userAgent: null,
      }),
    ).toEqual({
      ok: false,
      failure: "rate_limited_account",
    });
    expect(await lastAudit(user.email)).toMatchObject({
      outcome: "denied",
      details: { reason: "rate_limited_account" },
    });
    // A flood past the limit is refused every time and audited once in the window.
    for (let i = 0; i < 20; i++)
      expect(
        await signInWithPassword(db, { email: user.email, password: `flood-${i}`, ip: "192.0.2.98", userAgent: null }),
      ).toEqual({ ok: false, failure: "rate_limited_account" });
    const refusals = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where actor_email = ${user.email} and outcome = 'denied'`,
    );
    expect(refusals.rows[0]!.n).toBe(1);
  });

  it("limits failures per client address across accounts", async () => {
    const ip = "203.0.113.200";
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      await signInWithPassword(db, { email: `spray-${i}@test.example`, password: "x", ip, userAgent: null });
    }
    const user = await userWith("correct horse battery");
    expect(
      await signInWithPassword(db, { email: user.email, password: "correct horse battery", ip, userAgent: null }),
    ).toEqual({ ok: false, failure: "rate_limited_address" });
    expect(
      (
        await signInWithPassword(db, {
          email: user.email,
          password: "correct horse battery",
          ip: "203.0.113.201",
          userAgent: null,
        })
      ).ok,
    ).toBe(true);
  });

  it("sign-out revokes the session and is audited once", async () => {
    const user = await userWith("correct horse battery");
    const result = await signInWithPassword(db, {
      email: user.email,
      password: "correct horse battery",
      ip: "198.51.100.4",
      userAgent: null,
    });
    if (!result.ok) throw new Error("sign-in failed");
    await closeSession(db, result.sessionId, "198.51.100.4");
    await closeSession(db, result.sessionId, "198.51.100.4");
    expect(await loadSession(db, result.sessionId)).toBeNull();
    expect(await db.$count(auditLog, and(eq(auditLog.action, "auth.sign_out"), eq(auditLog.actorId, user.id)))).toBe(1);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("ends the sessions of a user who is disabled", async () => {
    const user = await userWith("correct horse battery");
    const result = await signInWithPassword(db, {
      email: user.email,
      password: "correct horse battery",
      ip: "198.51.100.5",
      userAgent: null,
    });
    if (!result.ok) throw new Error("sign-in failed");
    await db.update(users).set({ disabled: true }).where(eq(users.id, user.id));
    expect(await loadSession(db, result.sessionId)).toBeNull();
  });
});
