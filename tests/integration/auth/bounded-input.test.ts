import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { auditLog, signInFailures } from "@/db/schema";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { testDb } from "@/tests/helpers/db";

// Auth.js needs a secret to answer at all; set before lib/auth (and lib/env) load.
vi.hoisted(() => {
  process.env.AUTH_SECRET = "bounded-input-test-secret-0123456789abcdef";
});

const handle = testDb();
const { db } = handle;
afterAll(() => handle.close());

const hugeEmail = `${"a".repeat(200_000)}@test.example`;
const fiveMegabyteEmail = `${"b".repeat(5 * 1024 * 1024)}@test.example`;
const hugePassword = "p".repeat(5 * 1024 * 1024);

/** Every line printed while the test ran, so that nothing huge reaches the server log. */
let printed: MockInstance[] = [];
beforeEach(() => {
  printed = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => undefined),
  );
});
afterEach(() => vi.restoreAllMocks());
const longestPrinted = () =>
  Math.max(0, ...printed.flatMap((spy) => spy.mock.calls.flat().map((arg) => String(arg).length)));

/** Nothing over the bounds anywhere in the audit log or the failure counts. */
async function nothingHugeStored() {
  const [audit] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(sql`length(coalesce(${auditLog.actorEmail}, '')) > 254 or length(${auditLog.details}::text) > 10000`);
  const [failures] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(signInFailures)
    .where(sql`length(${signInFailures.email}) > 254`);
  return audit!.n + failures!.n;
}

describe("sign-in input is bounded before it reaches the database or a log", () => {
  it("signInWithPassword refuses a huge email or password with a clear failure", async () => {
    for (const attempt of [
      { email: hugeEmail, password: "whatever" },
      { email: fiveMegabyteEmail, password: "whatever" },
      { email: "someone@test.example", password: hugePassword },
      { email: "not an email", password: "whatever" },
    ]) {
      expect(await signInWithPassword(db, { ...attempt, ip: "198.51.100.77", userAgent: "u".repeat(100_000) })).toEqual(
        { ok: false, failure: "invalid_input" },
      );
    }
    expect(await nothingHugeStored()).toBe(0);
    expect(longestPrinted()).toBeLessThan(1000);
  });

  it("Auth.js's own credentials endpoint, posted to directly, refuses them the same way", async () => {
    const { handlers } = await import("@/lib/auth");
    const base = "http://localhost:3000/api/auth";
    const csrf = await handlers.GET(new NextRequest(`${base}/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    for (const email of [hugeEmail, fiveMegabyteEmail]) {
      const response = await handlers.POST(
        new NextRequest(`${base}/callback/credentials`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie },
          body: new URLSearchParams({ csrfToken, email, password: "whatever", callbackUrl: "/" }),
        }),
      );
      // Refused: back to the sign-in page with the reason, and no session cookie.
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toContain("code=invalid_input");
      expect(response.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="))).toBe(false);
    }
    expect(await nothingHugeStored()).toBe(0);
    expect(longestPrinted()).toBeLessThan(1000);
  });
});
