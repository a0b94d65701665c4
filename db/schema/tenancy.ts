import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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

/** A user sees only tenants they belong to; `role`, when set, narrows their global role there. */
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tenantId] }), index("tenant_memberships_tenant_idx").on(t.tenantId)],
);
export type TenantMembership = typeof tenantMemberships.$inferSelect;
