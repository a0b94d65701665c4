import { sql } from "drizzle-orm";
import {
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { roleEnum, tenantStatusEnum } from "./enums";

/** A tenant is one AWS Organization, reached through a role in its management account. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /** URL segment (/t/<slug>/…), derived from the name. */
    slug: text("slug").notNull(),
    managementAccountId: text("management_account_id").notNull(),
    managementRoleArn: text("management_role_arn").notNull(),
    /**
     * Optional role the policy push assumes (with the ExternalId) instead of the read role, so the
     * Organizations writes can live in a role of their own; null: the push uses the read role.
     */
    policyPushRoleArn: text("policy_push_role_arn"),
    /** Random per tenant, shown to the customer for their trust policy; not a secret (AWS says so). */
    externalId: text("external_id").notNull(),
    /** Role assumed in every member account; overridable per account by the sync settings. */
    memberRoleName: text("member_role_name").notNull(),
    regions: text("regions")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Cron expression (UTC) for scheduled syncs; null means manual only. */
    syncSchedule: text("sync_schedule"),
    status: tenantStatusEnum("status").notNull().default("new"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("tenants_name_key").on(t.name), uniqueIndex("tenants_slug_key").on(t.slug)],
);
export type Tenant = typeof tenants.$inferSelect;

export const CONNECTION_VERDICTS = ["ok", "problems", "failed"] as const;
export type ConnectionVerdict = (typeof CONNECTION_VERDICTS)[number];

/**
 * The latest "Test connection" of a tenant (one row, replaced by each run): its matrix as JSON
 * (lib/onboarding/connection-checks.ts ConnectionTestResult), shown until the next run. History
 * is the audit log's: each run writes an audit row with its verdict.
 */
export const connectionTests = pgTable("connection_tests", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  ranAt: timestamp("ran_at", { withTimezone: true }).notNull(),
  ranByEmail: text("ran_by_email"),
  verdict: text("verdict", { enum: CONNECTION_VERDICTS }).notNull(),
  durationMs: integer("duration_ms").notNull(),
  result: jsonb("result").notNull(),
});
export type ConnectionTestRow = typeof connectionTests.$inferSelect;

/**
 * A user sees only tenants they belong to; `role`, when set, narrows their global role there. An
 * auditor's membership may be an audit grant: a period (first and last day, inclusive) that
 * everything they see and export is "as of", and a time the membership stops giving access.
 */
export const tenantMemberships = pgTable(
  "tenant_memberships",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    role: roleEnum("role"),
    periodFrom: date("period_from", { mode: "string" }),
    periodTo: date("period_to", { mode: "string" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.tenantId] }),
    index("tenant_memberships_tenant_idx").on(t.tenantId),
    check(
      "tenant_memberships_period_check",
      sql`(${t.periodFrom} is null and ${t.periodTo} is null) or (${t.periodFrom} is not null and ${t.periodTo} is not null and ${t.periodFrom} <= ${t.periodTo})`,
    ),
  ],
);
export type TenantMembership = typeof tenantMemberships.$inferSelect;
