import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { users } from "@/db/schema";
import { isUniqueViolation } from "@/lib/errors";
import { emailField } from "@/lib/validation/users";

// Single sign-on binds a user to one identity at the provider: (issuer, subject), the ID token's
// `iss` and `sub`, which the provider never reassigns. An email address can be reassigned, or
// claimed unverified, so it is trusted only once: the first SSO sign-in of an existing user whose
// provider says the email is verified (`email_verified === true`) links that identity to the user.
// From then on the user is found by issuer and subject alone, and any other identity presenting the
// same email is refused. SSO never creates users.

export interface SsoIdentity {
  issuer: string;
  subject: unknown;
  email: unknown;
  emailVerified: unknown;
}

export type SsoRefusal =
  | "invalid_identity"
  | "email_not_verified"
  | "unknown_user"
  | "disabled"
  /** The email's user is bound to another identity at the provider. */
  | "identity_mismatch";

export type SsoResult = { ok: true; userId: string; linked: boolean } | { ok: false; reason: SsoRefusal };

/** OpenID Connect Core §2: `sub` is at most 255 ASCII characters. */
const subjectField = z.string().min(1).max(255);

/** Finds, or links once by verified email, the user of an SSO identity; audits links and refusals. */
export async function resolveSsoUser(db: Db, identity: SsoIdentity, ip: string | null): Promise<SsoResult> {
  const subject = subjectField.safeParse(identity.subject);
  const email = emailField.safeParse(identity.email);
  const refuse = async (reason: SsoRefusal, userId?: string): Promise<SsoResult> => {
    await db.transaction((tx) =>
      recordAudit(tx, {
        actorId: userId ?? null,
        actorEmail: email.success ? email.data : null,
        ip,
        action: "auth.sign_in",
        targetType: "user",
        targetId: userId ?? null,
        outcome: "denied",
        details: { method: "oidc", reason, ...(subject.success ? { subject: subject.data } : {}) },
      }),
    );
    return { ok: false, reason };
  };
  if (!subject.success) return refuse("invalid_identity");

  const [bound] = await db
    .select({ id: users.id, disabled: users.disabled })
    .from(users)
    .where(and(eq(users.oidcIssuer, identity.issuer), eq(users.oidcSubject, subject.data)))
    .limit(1);
  if (bound) return bound.disabled ? refuse("disabled", bound.id) : { ok: true, userId: bound.id, linked: false };

  if (!email.success) return refuse("invalid_identity");
  if (identity.emailVerified !== true) return refuse("email_not_verified");
  const [user] = await db
    .select({ id: users.id, disabled: users.disabled, oidcSubject: users.oidcSubject })
    .from(users)
    .where(eq(users.email, email.data))
    .limit(1);
  if (!user) return refuse("unknown_user");
  if (user.oidcSubject !== null) return refuse("identity_mismatch", user.id);
  if (user.disabled) return refuse("disabled", user.id);
  try {
    const linked = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ oidcIssuer: identity.issuer, oidcSubject: subject.data })
        .where(and(eq(users.id, user.id), isNull(users.oidcSubject)))
        .returning({ id: users.id });
      if (!row) return false;
      await recordAudit(tx, {
        actorId: user.id,
        actorEmail: email.data,
        ip,
        action: "user.sso_link",
        targetType: "user",
        targetId: user.id,
        details: { method: "oidc", issuer: identity.issuer, subject: subject.data },
      });
      return true;
    });
    // Another sign-in linked a different identity first.
    return linked ? { ok: true, userId: user.id, linked: true } : refuse("identity_mismatch", user.id);
  } catch (error) {
    // The same identity is bound to another user (linked in between).
    if (isUniqueViolation(error)) return refuse("identity_mismatch", user.id);
    throw error;
  }
}

/** The user an SSO identity is bound to (after resolveSsoUser accepted it). */
export async function findSsoUser(db: Db, issuer: string, subject: unknown): Promise<string | null> {
  const parsed = subjectField.safeParse(subject);
  if (!parsed.success) return null;
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, parsed.data), eq(users.disabled, false)))
    .limit(1);
  return row?.id ?? null;
}
