import { and, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditLog, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { MAX_FAILURES_PER_ACCOUNT, signInWithPassword } from "@/lib/auth/sign-in";
import { testDb } from "@/tests/helpers/db";

const handle = testDb();
const { db } = handle;
afterAll(() => handle.close());

describe("the per-account lockout under concurrent attempts", () => {
  it("checks at most the limit's number of passwords, and the right one gets no session once locked", async () => {
    const email = `race-${Date.now()}@test.example`;
    await db
      .insert(users)
      .values({ email, name: "Race", role: "auditor", passwordHash: await hashPassword("correct horse battery") });
    // 39 wrong guesses and the right one last, all at once, each from its own address so that
    // only the per-account limit stands in the way.
    const attempts = Array.from({ length: 40 }, (_, i) => ({
      email,
      password: i === 39 ? "correct horse battery" : `wrong-${i}`,
      ip: `192.0.2.${i + 1}`,
      userAgent: null,
    }));
    const results = await Promise.all(attempts.map((a) => signInWithPassword(db, a)));

    // Every checked password leaves a failure or a success row; refusals before the check, one denial.
    const rows = await db
      .select({ outcome: auditLog.outcome, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.actorEmail, email), eq(auditLog.action, "auth.sign_in")));
    const checked = rows.filter((r) => r.outcome === "failure" || r.outcome === "success");
    const wrongChecked = rows.filter((r) => r.outcome === "failure").length;
    expect(checked.length).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(results.filter((r) => !r.ok && r.failure === "rate_limited_account").length).toBeGreaterThanOrEqual(
      40 - MAX_FAILURES_PER_ACCOUNT,
    );
    // The right password may only win a slot claimed before the limit was reached.
    const signedIn = results[39]!.ok;
    if (signedIn) expect(wrongChecked).toBeLessThan(MAX_FAILURES_PER_ACCOUNT);
    // Once the limit is reached, even the right password is refused.
    const after = await signInWithPassword(db, { ...attempts[39]!, ip: "192.0.2.200" });
    if (wrongChecked >= MAX_FAILURES_PER_ACCOUNT) expect(after).toEqual({ ok: false, failure: "rate_limited_account" });
    // The 35 or more refusals past the limit are audited once in the window, the later one too.
    expect(rows.filter((r) => r.outcome === "denied")).toHaveLength(1);
    expect(await db.$count(auditLog, inArray(auditLog.actorEmail, [email]))).toBe(rows.length);
  });
});
