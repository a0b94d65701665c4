import { sql } from "drizzle-orm";
import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// A tenant's AWS Organization as last read by the sync (current state, replaced as a whole by the
// organization unit's publish). No foreign keys to tenants on inventory tables: a trigger deletes
// a tenant's inventory (row-level FK checks on a million rows would lock the tenant row each time).

export const orgOrganizations = pgTable("org_organizations", {
  tenantId: uuid("tenant_id").primaryKey(),
  organizationId: text("organization_id").notNull(),
  arn: text("arn"),
  featureSet: text("feature_set"),
  managementAccountId: text("management_account_id").notNull(),
  managementAccountEmail: text("management_account_email"),
  rootId: text("root_id"),
  /** Policy types enabled on the root (BACKUP_POLICY must be for policies to apply). */
  enabledPolicyTypes: text("enabled_policy_types")
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
});
export type OrgOrganizationRow = typeof orgOrganizations.$inferSelect;

export const orgUnits = pgTable(
  "org_units",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** r-xxxx for the root, ou-xxxx-yyyyyyyy for OUs. */
    ouId: text("ou_id").notNull(),
    name: text("name").notNull(),
    parentId: text("parent_id"),
    /** Ids from the root down to this node, inclusive. */
    path: text("path").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.ouId] })],
);
export type OrgUnitRow = typeof orgUnits.$inferSelect;

export const orgAccounts = pgTable(
  "org_accounts",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    name: text("name").notNull(),
    email: text("email").notNull(),
    state: text("state").notNull(),
    parentId: text("parent_id").notNull(),
    ouPath: text("ou_path").array().notNull(),
    joinedMethod: text("joined_method"),
    joinedAt: timestamp("joined_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type OrgAccountRow = typeof orgAccounts.$inferSelect;

export const orgDelegatedAdmins = pgTable(
  "org_delegated_admins",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    name: text("name"),
    email: text("email"),
    state: text("state"),
    delegationEnabledAt: timestamp("delegation_enabled_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type OrgDelegatedAdminRow = typeof orgDelegatedAdmins.$inferSelect;

export const orgPolicies = pgTable(
  "org_policies",
  {
    tenantId: uuid("tenant_id").notNull(),
    policyId: text("policy_id").notNull(),
    arn: text("arn").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    awsManaged: boolean("aws_managed").notNull(),
    /** The policy document as AWS returned it (JSON text). */
    content: text("content").notNull(),
    /** Root, OU and account ids the policy is attached to. */
    targets: text("targets").array().notNull(),
    /**
     * For each of `targets`, the policy's place (0 first) among the backup policies attached there,
     * in the order ListPoliciesForTarget lists them: policies on one target are merged in
     * attachment order, and the first one's @@assign wins ("Inheritance examples", example 6).
     * Empty when the sync that wrote the row did not read it.
     */
    targetPositions: integer("target_positions")
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.policyId] })],
);
export type OrgPolicyRow = typeof orgPolicies.$inferSelect;

export const orgEffectivePolicies = pgTable(
  "org_effective_policies",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    content: text("content").notNull(),
    lastUpdated: timestamp("last_updated", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type OrgEffectivePolicyRow = typeof orgEffectivePolicies.$inferSelect;
