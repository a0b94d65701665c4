import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Resources per (account, region) unit: what AWS Backup protects (ListProtectedResources) and
// what ought to be protected (Resource Groups Tagging API). Current state, replaced per publish.

export const protectedResources = pgTable(
  "protected_resources",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceName: text("resource_name"),
    lastBackupTime: timestamp("last_backup_time", { withTimezone: true }),
    lastBackupVaultArn: text("last_backup_vault_arn"),
    lastRecoveryPointArn: text("last_recovery_point_arn"),
  },
  // Newest and oldest last backup per (account, region) for the overview, one index probe each.
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.resourceArn] }),
    index("protected_resources_last_backup_idx").on(t.tenantId, t.accountId, t.region, t.lastBackupTime),
  ],
);
export type ProtectedResourceRow = typeof protectedResources.$inferSelect;

export const resources = pgTable(
  "resources",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    tags: jsonb("tags").$type<Record<string, string>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.resourceArn] })],
);
export type ResourceRow = typeof resources.$inferSelect;
