import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Restore testing plans and settings per unit (region settings) or per account (global
// settings): current state, replaced by the unit's publish.

export const restoreTestingPlans = pgTable(
  "restore_testing_plans",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    planName: text("plan_name").notNull(),
    planArn: text("plan_arn").notNull(),
    scheduleExpression: text("schedule_expression").notNull(),
    scheduleExpressionTimezone: text("schedule_expression_timezone"),
    startWindowHours: integer("start_window_hours"),
    creationTime: timestamp("creation_time", { withTimezone: true }),
    lastExecutionTime: timestamp("last_execution_time", { withTimezone: true }),
    lastUpdateTime: timestamp("last_update_time", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.planName] })],
);
export type RestoreTestingPlanRow = typeof restoreTestingPlans.$inferSelect;

export const regionSettings = pgTable(
  "region_settings",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    resourceTypeOptIn: jsonb("resource_type_opt_in").$type<Record<string, boolean>>().notNull(),
    resourceTypeManagement: jsonb("resource_type_management").$type<Record<string, boolean>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region] })],
);
export type RegionSettingsRow = typeof regionSettings.$inferSelect;

export const globalSettings = pgTable(
  "global_settings",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    /** The unit (region) whose publish read these settings; DescribeGlobalSettings is per account. */
    region: text("region").notNull(),
    isCrossAccountBackupEnabled: boolean("is_cross_account_backup_enabled"),
    raw: jsonb("raw").$type<Record<string, string>>().notNull(),
    lastUpdateTime: timestamp("last_update_time", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type GlobalSettingsRow = typeof globalSettings.$inferSelect;
