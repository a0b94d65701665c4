import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// JSON column shapes; they mirror lib/inventory/types.ts (db does not import lib).
interface LifecycleJson {
  moveToColdStorageAfterDays: number | null;
  deleteAfterDays: number | null;
  optInToArchiveForSupportedResources: boolean;
}
interface CopyActionJson {
  destinationBackupVaultArn: string;
  lifecycle: LifecycleJson | null;
}
interface ScanActionJson {
  malwareScanner: string;
  scanMode: string;
}
interface ScanSettingJson {
  malwareScanner: string;
  resourceTypes: string[];
  scannerRoleArn: string | null;
}
interface ConditionJson {
  op: "StringEquals" | "StringNotEquals" | "StringLike" | "StringNotLike";
  key: string;
  value: string;
}

// Backup plans of each (account, region) unit: current state, replaced by the unit's publish.
// Every version of a plan is kept with its rules; the plan row names the current version.

export const backupPlans = pgTable(
  "backup_plans",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    planId: text("plan_id").notNull(),
    planArn: text("plan_arn").notNull(),
    planName: text("plan_name").notNull(),
    versionId: text("version_id").notNull(),
    orgManaged: boolean("org_managed").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }),
    lastExecutionDate: timestamp("last_execution_date", { withTimezone: true }),
    advancedBackupSettings: jsonb("advanced_backup_settings")
      .$type<Array<{ resourceType: string; backupOptions: Record<string, string> }>>()
      .notNull(),
    /** Malware scanning: which scanner scans which resource types of this plan. */
    scanSettings: jsonb("scan_settings").$type<ScanSettingJson[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.planId] })],
);
export type BackupPlanRow = typeof backupPlans.$inferSelect;

export const backupPlanVersions = pgTable(
  "backup_plan_versions",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    planId: text("plan_id").notNull(),
    versionId: text("version_id").notNull(),
    isCurrent: boolean("is_current").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }),
    deletionDate: timestamp("deletion_date", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.planId, t.versionId] })],
);
export type BackupPlanVersionRow = typeof backupPlanVersions.$inferSelect;

export const backupRules = pgTable(
  "backup_rules",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    planId: text("plan_id").notNull(),
    versionId: text("version_id").notNull(),
    ruleId: text("rule_id").notNull(),
    /** Position in the plan, so rules read back in AWS's order. */
    position: integer("position").notNull(),
    ruleName: text("rule_name").notNull(),
    targetBackupVaultName: text("target_backup_vault_name").notNull(),
    targetLogicallyAirGappedBackupVaultArn: text("target_logically_air_gapped_backup_vault_arn"),
    scheduleExpression: text("schedule_expression"),
    scheduleExpressionTimezone: text("schedule_expression_timezone"),
    startWindowMinutes: integer("start_window_minutes"),
    completionWindowMinutes: integer("completion_window_minutes"),
    lifecycle: jsonb("lifecycle").$type<LifecycleJson>(),
    copyActions: jsonb("copy_actions").$type<CopyActionJson[]>().notNull(),
    enableContinuousBackup: boolean("enable_continuous_backup").notNull(),
    recoveryPointTags: jsonb("recovery_point_tags").$type<Record<string, string>>().notNull(),
    scanActions: jsonb("scan_actions").$type<ScanActionJson[]>().notNull().default([]),
    indexResourceTypes: text("index_resource_types").array().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.planId, t.versionId, t.ruleId] })],
);
export type BackupRuleRow = typeof backupRules.$inferSelect;

export const backupSelections = pgTable(
  "backup_selections",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    planId: text("plan_id").notNull(),
    selectionId: text("selection_id").notNull(),
    selectionName: text("selection_name").notNull(),
    iamRoleArn: text("iam_role_arn").notNull(),
    resources: text("resources").array().notNull(),
    notResources: text("not_resources").array().notNull(),
    listOfTags: jsonb("list_of_tags").$type<ConditionJson[]>().notNull(),
    conditions: jsonb("conditions").$type<ConditionJson[]>().notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.planId, t.selectionId] }),
    index("backup_selections_role_idx").on(t.tenantId, t.iamRoleArn),
  ],
);
export type BackupSelectionRow = typeof backupSelections.$inferSelect;
