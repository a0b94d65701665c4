import { and, count, eq, gt, lt, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import { recordAudit, type AuditEntry } from "@/db/audit";
import { auditLog, sessions, signInFailures, users } from "@/db/schema";
import { signInInput } from "@/lib/validation/users";
import { decoyPasswordHash, HashingBusy, PASSWORD_MAX_LENGTH, verifyPassword } from "./password";
import { clock } from "@/lib/clock";

// Failed sign-ins are limited per account and per client address over a sliding window; ASVS
// allows up to 100 failures an hour per account, we are stricter. Kept in Postgres so that every
// web instance shares the count.
export const FAILURE_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
export const SESSION_HOURS = 12;

export type SignInFailure =
  "invalid" | "invalid_input" | "disabled" | "rate_limited_account" | "rate_limited_address" | "busy";

export const SIGN_IN_MESSAGES: Record<SignInFailure, string> = {
  invalid: "Email or password is incorrect.",
  invalid_input: `Enter a valid email address of at most 254 characters and a password of at most ${PASSWORD_MAX_LENGTH} characters.`,
  disabled: "This account is disabled. Ask an administrator to enable it.",
  rate_limited_account: `Too many failed sign-ins for this account. Wait ${FAILURE_WINDOW_MINUTES} minutes, then try again.`,
  rate_limited_address: `Too many failed sign-ins from your network address. Wait ${FAILURE_WINDOW_MINUTES} minutes, then try again.`,
  busy: new HashingBusy().message,
};

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent: string | null;
}

export type SignInResult = { ok: true; userId: string; sessionId: string } | { ok: false; failure: SignInFailure };

// Two-key advisory lock spaces (see lib/policies/push.ts for another): one per email, one per
// client address. Taken in that order, each transaction holds at most one of each, so no cycle.
const EMAIL_LOCK_CLASS = 7_270_030;
const ADDRESS_LOCK_CLASS = 7_270_031;
/** Not a client address: requests whose address is not known are not limited by address. */
const UNKNOWN_ADDRESS = "unknown";

async function recentFailures(tx: Tx, column: typeof signInFailures.email | typeof signInFailures.ip, value: string) {
  const since = sql`now() - make_interval(mins => ${FAILURE_WINDOW_MINUTES})`;
  const [row] = await tx
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(column, value), gt(signInFailures.at, since)));
  return row?.n ?? 0;
}

/**
 * Checks the limits and claims an attempt in one step per email (and per address): under the
 * locks, an attempt within the limits is recorded as a failure before its password is hashed, so
 * concurrent attempts count each other and at most MAX_FAILURES_PER_ACCOUNT passwords are ever
 * checked in a window. The claim is withdrawn if the password turns out right.
 */
async function claimAttempt(
  db: Db,
  email: string,
  ip: string,
  audit: AuditEntry,
): Promise<{ claim: number } | { limited: SignInFailure }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${EMAIL_LOCK_CLASS}, hashtext(${email}))`);
    if (ip !== UNKNOWN_ADDRESS)
      await tx.execute(sql`select pg_advisory_xact_lock(${ADDRESS_LOCK_CLASS}, hashtext(${ip}))`);
    let limited: SignInFailure | null = null;
    if ((await recentFailures(tx, signInFailures.email, email)) >= MAX_FAILURES_PER_ACCOUNT)
      limited = "rate_limited_account";
    else if (ip !== UNKNOWN_ADDRESS && (await recentFailures(tx, signInFailures.ip, ip)) >= MAX_FAILURES_PER_ADDRESS)
      limited = "rate_limited_address";
    if (limited) {
      if (!(await refusedAlready(tx, limited, limited === "rate_limited_account" ? { email } : { ip })))
        await recordAudit(tx, { ...audit, outcome: "denied", details: { reason: limited } });
      return { limited };
    }
    const [row] = await tx.insert(signInFailures).values({ email, ip }).returning({ id: signInFailures.id });
    return { claim: row!.id };
  });
}

/**
 * A refusal by a limit is audited once per window and account (or address): a flood of attempts
 * past the limit cannot grow the append-only log, and the row that is written says it began.
 */
async function refusedAlready(
  tx: Tx,
  reason: SignInFailure,
  who: { email: string } | { ip: string },
): Promise<boolean> {
  const [row] = await tx
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, "auth.sign_in"),
        // Audit rows carry the product's clock (lib/clock.ts), so the window is counted on it.
        gt(auditLog.at, new Date(clock.nowMs() - FAILURE_WINDOW_MINUTES * 60_000)),
        eq(auditLog.outcome, "denied"),
        sql`${auditLog.details}->>'reason' = ${reason}`,
        "email" in who ? eq(auditLog.actorEmail, who.email) : eq(auditLog.ip, who.ip),
      ),
    );
  return (row?.n ?? 0) > 0;
}

const withdrawClaim = (db: Db, claim: number) => db.delete(signInFailures).where(eq(signInFailures.id, claim));

/**
 * Verifies a password sign-in; on success opens a new server-side session (never reuses one).
 * Input is bounded before anything reaches the database or a log, whoever calls.
 */
export async function signInWithPassword(db: Db, attempt: SignInAttempt): Promise<SignInResult> {
  const input = signInInput.safeParse({ email: attempt.email, password: attempt.password });
  if (!input.success) return { ok: false, failure: "invalid_input" };
  const { email, password } = input.data;
  const ip = attempt.ip;
  const userAgent = attempt.userAgent?.slice(0, USER_AGENT_MAX) ?? null;
  const audit = { actorEmail: email, ip, action: "auth.sign_in", targetType: "user" };

  const claimed = await claimAttempt(db, email, ip, audit);
  if ("limited" in claimed) return { ok: false, failure: claimed.limited };

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  let passwordOk: boolean;
  try {
    // Hash against a decoy when there is no such user, so response time does not reveal accounts.
    passwordOk = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
  } catch (error) {
    await withdrawClaim(db, claimed.claim);
    if (error instanceof HashingBusy) return { ok: false, failure: "busy" };
    throw error;
  }
  if (!user || !user.passwordHash || !passwordOk) {
    await db.transaction(async (tx) => {
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
  await withdrawClaim(db, claimed.claim);
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
  const sessionId = await openSession(db, user.id, { ip, userAgent }, "password");
  return { ok: true, userId: user.id, sessionId };
}

/** Longest user agent kept with a session. */
export const USER_AGENT_MAX = 512;

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
        userAgent: attempt.userAgent?.slice(0, USER_AGENT_MAX),
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
