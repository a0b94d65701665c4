import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { roleEnum } from "./enums";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Stored lower-cased; unique. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** scrypt hash (see lib/auth/password.ts); null for SSO-only users. */
    passwordHash: text("password_hash"),
    role: roleEnum("role").notNull(),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp("last_login_at", { withTimezone: true }),
    /**
     * The single sign-on identity bound to this user: the OIDC issuer and the ID token's `sub`.
     * Set at the first SSO sign-in (matched once by verified email); afterwards SSO finds the user
     * by these alone, so another identity claiming the same email is refused.
     */
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_oidc_identity_key").on(t.oidcIssuer, t.oidcSubject),
  ],
);
export type User = typeof users.$inferSelect;

/**
 * Server-side sessions: the signed session cookie carries only this row's id, so sign-out,
 * disabling a user or changing a role takes effect on the very next request.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);
export type Session = typeof sessions.$inferSelect;

/** Failed sign-ins, counted per account and per client address for rate limiting. */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
  },
  (t) => [index("sign_in_failures_email_idx").on(t.email, t.at), index("sign_in_failures_ip_idx").on(t.ip, t.at)],
);

/**
 * One token bucket per user for auditing authorization denials (lib/auth/authorize.ts): a flood of
 * refused requests writes a bounded number of rows to the append-only audit log, and the next row
 * written says how many were left out.
 */
export const authzDenialBudgets = pgTable("authz_denial_budgets", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokens: doublePrecision("tokens").notNull(),
  /** Denials not written to the audit log since the last one that was. */
  suppressed: integer("suppressed").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});
