import { and, count, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { sessions, signInFailures, users } from "@/db/schema";
import { decoyPasswordHash, verifyPassword } from "./password";
import { clock } from "@/lib/clock";

// Failed sign-ins are limited per account and per client address over a sliding window; ASVS
// allows up to 100 failures an hour per account, we are stricter. Kept in Postgres so that every
// web instance shares the count.
export const FAILURE_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
export const SESSION_HOURS = 12;

export type SignInFailure = "invalid" | "disabled" | "rate_limited_account" | "rate_limited_address";

export const SIGN_IN_MESSAGES: Record<SignInFailure, string> = {
  invalid: "Email or password is incorrect.",
  disabled: "This account is disabled. Ask an administrator to enable it.",
  rate_limited_account: `Too many failed sign-ins for this account. Wait ${FAILURE_WINDOW_MINUTES} minutes, then try again.`,
  rate_limited_address: `Too many failed sign-ins from your network address. Wait ${FAILURE_WINDOW_MINUTES} minutes, then try again.`,
};

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent: string | null;
}

export type SignInResult = { ok: true; userId: string; sessionId: string } | { ok: false; failure: SignInFailure };

async function recentFailures(db: Db, column: typeof signInFailures.email | typeof signInFailures.ip, value: string) {
  const since = sql`now() - make_interval(mins => ${FAILURE_WINDOW_MINUTES})`;
  const [row] = await db
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(column, value), gt(signInFailures.at, since)));
  return row?.n ?? 0;
}

/** Verifies a password sign-in; on success opens a new server-side session (never reuses one). */
export async function signInWithPassword(db: Db, attempt: SignInAttempt): Promise<SignInResult> {
  const email = attempt.email.trim().toLowerCase();
  const audit = { actorEmail: email, ip: attempt.ip, action: "auth.sign_in", targetType: "user" };

  const limited: SignInFailure | null =
    (await recentFailures(db, signInFailures.email, email)) >= MAX_FAILURES_PER_ACCOUNT
      ? "rate_limited_account"
      : (await recentFailures(db, signInFailures.ip, attempt.ip)) >= MAX_FAILURES_PER_ADDRESS
        ? "rate_limited_address"
        : null;
  if (limited) {
    await db.transaction((tx) => recordAudit(tx, { ...audit, outcome: "denied", details: { reason: limited } }));
    return { ok: false, failure: limited };
  }

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  // Hash against a decoy when there is no such user, so response time does not reveal accounts.
  const passwordOk = await verifyPassword(attempt.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !user.passwordHash || !passwordOk) {
    await db.transaction(async (tx) => {
      await tx.insert(signInFailures).values({ email, ip: attempt.ip });
      // Old failures are useless once outside the window; trim them as we go.
      await tx.delete(signInFailures).where(lt(signInFailures.at, sql`now() - interval '1 day'`));
      await recordAudit(tx, {
        ...audit,
        actorId: user?.id,
        targetId: user?.id,
        outcome: "failure",
        details: { reason: user ? "wrong_password" : "unknown_user" },
      });
    });
    return { ok: false, failure: "invalid" };
  }
  if (user.disabled) {
    await db.transaction((tx) =>
      recordAudit(tx, {
        ...audit,
        actorId: user.id,
        targetId: user.id,
        outcome: "denied",
        details: { reason: "disabled" },
      }),
    );
    return { ok: false, failure: "disabled" };
  }
  const sessionId = await openSession(db, user.id, attempt, "password");
  return { ok: true, userId: user.id, sessionId };
}

/** Starts a session for a user already authenticated (password or SSO), with its audit row. */
export async function openSession(
  db: Db,
  userId: string,
  attempt: { ip: string; userAgent: string | null },
  method: "password" | "oidc",
): Promise<string> {
  return db.transaction(async (tx) => {
    const [session] = await tx
      .insert(sessions)
      .values({
        userId,
        ip: attempt.ip,
        userAgent: attempt.userAgent?.slice(0, 512),
        expiresAt: new Date(clock.nowMs() + SESSION_HOURS * 3_600_000),
      })
      .returning({ id: sessions.id });
    const [user] = await tx
      .update(users)
      .set({ lastLoginAt: clock.now() })
      .where(eq(users.id, userId))
      .returning({ email: users.email });
    await recordAudit(tx, {
      actorId: userId,
      actorEmail: user?.email,
      ip: attempt.ip,
      action: "auth.sign_in",
      targetType: "user",
      targetId: userId,
      details: { method, sessionId: session!.id },
    });
    return session!.id;
  });
}

export async function closeSession(db: Db, sessionId: string, ip: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const [closed] = await tx
      .update(sessions)
      .set({ revokedAt: clock.now() })
      .where(and(eq(sessions.id, sessionId), sql`${sessions.revokedAt} is null`))
      .returning({ userId: sessions.userId });
    if (!closed) return;
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, closed.userId));
    await recordAudit(tx, {
      actorId: closed.userId,
      actorEmail: user?.email,
      ip,
      action: "auth.sign_out",
      targetType: "user",
      targetId: closed.userId,
      details: { sessionId },
    });
  });
}
