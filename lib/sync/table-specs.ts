import type {
  BackupJob,
  BackupPlan,
  BackupRule,
  BackupSelection,
  BackupVault,
  CopyJob,
  GlobalSettings,
  ProtectedResource,
  RecoveryPoint,
  RegionSettings,
  Resource,
  RestoreJob,
} from "@/lib/inventory/types";

// How each inventory table is written: its scope (the columns a unit owns), its key, and its
// other columns with their PostgreSQL types, plus a mapper from a domain object to one value per
// column. Writes pass one array per column (INSERT … SELECT FROM unnest(…)), so a statement has as
// many parameters as columns whatever the batch size: far under PostgreSQL's 65,535.

export type ColumnType = "text" | "bool" | "int4" | "int8" | "timestamptz" | "jsonb" | "text[]" | "int4[]";
export type Value = string | number | boolean | Date | null;

export interface TableSpec<T> {
  table: string;
  /** Columns fixed for a unit (tenant_id first), passed once per statement. */
  scope: readonly string[];
  key: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  /** Values of `key` then `columns`, in order. */
  values(row: T): Value[];
  /** Staging table of the same shape, for units too large to hold in memory. */
  staging?: string;
}

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const UNIT = ["tenant_id", "account_id", "region"] as const;

export const recoveryPointSpec: TableSpec<RecoveryPoint> = {
  table: "recovery_points",
  staging: "stg_recovery_points",
  scope: UNIT,
  key: [["recovery_point_arn", "text"]],
  columns: [
    ["backup_vault_name", "text"],
    ["backup_vault_arn", "text"],
    ["resource_arn", "text"],
    ["resource_type", "text"],
    ["creation_date", "timestamptz"],
    ["completion_date", "timestamptz"],
    ["status", "text"],
    ["is_encrypted", "bool"],
    ["encryption_key_arn", "text"],
    ["move_to_cold_storage_after_days", "int4"],
    ["delete_after_days", "int4"],
    ["opt_in_to_archive", "bool"],
    ["move_to_cold_storage_at", "timestamptz"],
    ["delete_at", "timestamptz"],
    ["backup_plan_id", "text"],
    ["backup_plan_arn", "text"],
    ["backup_rule_id", "text"],
    ["source_backup_vault_arn", "text"],
    ["storage_class", "text"],
    ["backup_size_bytes", "int8"],
    ["is_parent", "bool"],
    ["parent_recovery_point_arn", "text"],
    ["vault_type", "text"],
  ],
  values: (r) => [
    r.recoveryPointArn,
    r.backupVaultName,
    r.backupVaultArn,
    r.resourceArn,
    r.resourceType,
    r.creationDate,
    r.completionDate,
    r.status,
    r.isEncrypted,
    r.encryptionKeyArn,
    r.lifecycle?.moveToColdStorageAfterDays ?? null,
    r.lifecycle?.deleteAfterDays ?? null,
    r.lifecycle ? r.lifecycle.optInToArchiveForSupportedResources : null,
    r.moveToColdStorageAt,
    r.deleteAt,
    r.backupPlanId,
    r.backupPlanArn,
    r.backupRuleId,
    r.sourceBackupVaultArn,
    r.storageClass,
    r.backupSizeBytes,
    r.isParent,
    r.parentRecoveryPointArn,
    r.vaultType,
  ],
};

export const protectedResourceSpec: TableSpec<ProtectedResource> = {
  table: "protected_resources",
  staging: "stg_protected_resources",
  scope: UNIT,
  key: [["resource_arn", "text"]],
  columns: [
    ["resource_type", "text"],
    ["resource_name", "text"],
    ["last_backup_time", "timestamptz"],
    ["last_backup_vault_arn", "text"],
    ["last_recovery_point_arn", "text"],
  ],
  values: (r) => [
    r.resourceArn,
    r.resourceType,
    r.resourceName,
    r.lastBackupTime,
    r.lastBackupVaultArn,
    r.lastRecoveryPointArn,
  ],
};

export const resourceSpec: TableSpec<Resource> = {
  table: "resources",
  staging: "stg_resources",
  scope: UNIT,
  key: [["resource_arn", "text"]],
  columns: [
    ["resource_type", "text"],
    ["tags", "jsonb"],
  ],
  values: (r) => [r.resourceArn, r.resourceType, json(r.tags)],
};

export const backupJobSpec: TableSpec<BackupJob> = {
  table: "backup_jobs",
  staging: "stg_backup_jobs",
  scope: UNIT,
  key: [
    ["backup_job_id", "text"],
    ["creation_date", "timestamptz"],
  ],
  columns: [
    ["state", "text"],
    ["status_message", "text"],
    ["message_category", "text"],
    ["resource_arn", "text"],
    ["resource_type", "text"],
    ["backup_vault_name", "text"],
    ["recovery_point_arn", "text"],
    ["backup_plan_id", "text"],
    ["backup_rule_id", "text"],
    ["completion_date", "timestamptz"],
    ["backup_size_bytes", "int8"],
    ["is_parent", "bool"],
    ["parent_job_id", "text"],
  ],
  values: (j) => [
    j.backupJobId,
    j.creationDate,
    j.state,
    j.statusMessage,
    j.messageCategory,
    j.resourceArn,
    j.resourceType,
    j.backupVaultName,
    j.recoveryPointArn,
    j.backupPlanId,
    j.backupRuleId,
    j.completionDate,
    j.backupSizeBytes,
    j.isParent,
    j.parentJobId,
  ],
};

export const copyJobSpec: TableSpec<CopyJob> = {
  table: "copy_jobs",
  staging: "stg_copy_jobs",
  scope: UNIT,
  key: [
    ["copy_job_id", "text"],
    ["creation_date", "timestamptz"],
  ],
  columns: [
    ["state", "text"],
    ["status_message", "text"],
    ["message_category", "text"],
    ["resource_arn", "text"],
    ["resource_type", "text"],
    ["source_backup_vault_arn", "text"],
    ["source_recovery_point_arn", "text"],
    ["destination_backup_vault_arn", "text"],
    ["destination_recovery_point_arn", "text"],
    ["completion_date", "timestamptz"],
    ["backup_size_bytes", "int8"],
  ],
  values: (j) => [
    j.copyJobId,
    j.creationDate,
    j.state,
    j.statusMessage,
    j.messageCategory,
    j.resourceArn,
    j.resourceType,
    j.sourceBackupVaultArn,
    j.sourceRecoveryPointArn,
    j.destinationBackupVaultArn,
    j.destinationRecoveryPointArn,
    j.completionDate,
    j.backupSizeBytes,
  ],
};

export const restoreJobSpec: TableSpec<RestoreJob> = {
  table: "restore_jobs",
  staging: "stg_restore_jobs",
  scope: UNIT,
  key: [
    ["restore_job_id", "text"],
    ["creation_date", "timestamptz"],
  ],
  columns: [
    ["status", "text"],
    ["status_message", "text"],
    ["recovery_point_arn", "text"],
    ["source_resource_arn", "text"],
    ["resource_type", "text"],
    ["created_resource_arn", "text"],
    ["completion_date", "timestamptz"],
    ["restore_testing_plan_arn", "text"],
    ["validation_status", "text"],
  ],
  values: (j) => [
    j.restoreJobId,
    j.creationDate,
    j.status,
    j.statusMessage,
    j.recoveryPointArn,
    j.sourceResourceArn,
    j.resourceType,
    j.createdResourceArn,
    j.completionDate,
    j.restoreTestingPlanArn,
    j.validationStatus,
  ],
};

export const planSpec: TableSpec<BackupPlan> = {
  table: "backup_plans",
  scope: UNIT,
  key: [["plan_id", "text"]],
  columns: [
    ["plan_arn", "text"],
    ["plan_name", "text"],
    ["version_id", "text"],
    ["org_managed", "bool"],
    ["creation_date", "timestamptz"],
    ["last_execution_date", "timestamptz"],
    ["advanced_backup_settings", "jsonb"],
  ],
  values: (p) => [
    p.planId,
    p.planArn,
    p.planName,
    p.versionId,
    p.orgManaged,
    p.creationDate,
    p.lastExecutionDate,
    json(p.advancedBackupSettings),
  ],
};

export interface PlanVersionRow {
  planId: string;
  versionId: string;
  isCurrent: boolean;
  creationDate: Date | null;
  deletionDate: Date | null;
}
export const planVersionSpec: TableSpec<PlanVersionRow> = {
  table: "backup_plan_versions",
  scope: UNIT,
  key: [
    ["plan_id", "text"],
    ["version_id", "text"],
  ],
  columns: [
    ["is_current", "bool"],
    ["creation_date", "timestamptz"],
    ["deletion_date", "timestamptz"],
  ],
  values: (v) => [v.planId, v.versionId, v.isCurrent, v.creationDate, v.deletionDate],
};

export interface RuleRow {
  planId: string;
  versionId: string;
  position: number;
  rule: BackupRule;
}
export const ruleSpec: TableSpec<RuleRow> = {
  table: "backup_rules",
  scope: UNIT,
  key: [
    ["plan_id", "text"],
    ["version_id", "text"],
    ["rule_id", "text"],
  ],
  columns: [
    ["position", "int4"],
    ["rule_name", "text"],
    ["target_backup_vault_name", "text"],
    ["target_logically_air_gapped_backup_vault_arn", "text"],
    ["schedule_expression", "text"],
    ["schedule_expression_timezone", "text"],
    ["start_window_minutes", "int4"],
    ["completion_window_minutes", "int4"],
    ["lifecycle", "jsonb"],
    ["copy_actions", "jsonb"],
    ["enable_continuous_backup", "bool"],
    ["recovery_point_tags", "jsonb"],
  ],
  values: ({ planId, versionId, position, rule: r }) => [
    planId,
    versionId,
    r.ruleId,
    position,
    r.ruleName,
    r.targetBackupVaultName,
    r.targetLogicallyAirGappedBackupVaultArn,
    r.scheduleExpression,
    r.scheduleExpressionTimezone,
    r.startWindowMinutes,
    r.completionWindowMinutes,
    json(r.lifecycle),
    json(r.copyActions),
    r.enableContinuousBackup,
    json(r.recoveryPointTags),
  ],
};

export const selectionSpec: TableSpec<BackupSelection & { planId: string }> = {
  table: "backup_selections",
  scope: UNIT,
  key: [
    ["plan_id", "text"],
    ["selection_id", "text"],
  ],
  columns: [
    ["selection_name", "text"],
    ["iam_role_arn", "text"],
    ["resources", "text[]"],
    ["not_resources", "text[]"],
    ["list_of_tags", "jsonb"],
    ["conditions", "jsonb"],
  ],
  values: (s) => [
    s.planId,
    s.selectionId,
    s.selectionName,
    s.iamRoleArn,
    json(s.resources),
    json(s.notResources),
    json(s.listOfTags),
    json(s.conditions),
  ],
};

export const vaultSpec: TableSpec<BackupVault> = {
  table: "backup_vaults",
  scope: UNIT,
  key: [["vault_name", "text"]],
  columns: [
    ["vault_arn", "text"],
    ["vault_type", "text"],
    ["vault_state", "text"],
    ["encryption_key_arn", "text"],
    ["encryption_key_type", "text"],
    ["key_manager_outcome", "text"],
    ["key_manager", "text"],
    ["key_manager_detail", "text"],
    ["creation_date", "timestamptz"],
    ["number_of_recovery_points", "int8"],
    ["locked", "bool"],
    ["min_retention_days", "int4"],
    ["max_retention_days", "int4"],
    ["lock_date", "timestamptz"],
    ["access_policy", "text"],
    ["notification_topic_arn", "text"],
    ["notification_events", "text[]"],
  ],
  values: (v) => [
    v.vaultName,
    v.vaultArn,
    v.vaultType,
    v.vaultState,
    v.encryptionKeyArn,
    v.encryptionKeyType,
    v.keyManager?.outcome ?? null,
    v.keyManager?.manager ?? null,
    v.keyManager?.detail ?? null,
    v.creationDate,
    v.numberOfRecoveryPoints,
    v.locked,
    v.minRetentionDays,
    v.maxRetentionDays,
    v.lockDate,
    v.accessPolicy,
    v.notificationTopicArn,
    json(v.notificationEvents),
  ],
};

export interface RestoreTestingPlanRow {
  planName: string;
  planArn: string;
  scheduleExpression: string;
  scheduleExpressionTimezone: string | null;
  startWindowHours: number | null;
  creationTime: Date | null;
  lastExecutionTime: Date | null;
  lastUpdateTime: Date | null;
}
export const restoreTestingPlanSpec: TableSpec<RestoreTestingPlanRow> = {
  table: "restore_testing_plans",
  scope: UNIT,
  key: [["plan_name", "text"]],
  columns: [
    ["plan_arn", "text"],
    ["schedule_expression", "text"],
    ["schedule_expression_timezone", "text"],
    ["start_window_hours", "int4"],
    ["creation_time", "timestamptz"],
    ["last_execution_time", "timestamptz"],
    ["last_update_time", "timestamptz"],
  ],
  values: (p) => [
    p.planName,
    p.planArn,
    p.scheduleExpression,
    p.scheduleExpressionTimezone,
    p.startWindowHours,
    p.creationTime,
    p.lastExecutionTime,
    p.lastUpdateTime,
  ],
};

/** One row per unit: no key beyond the scope. */
export const regionSettingsSpec: TableSpec<RegionSettings> = {
  table: "region_settings",
  scope: UNIT,
  key: [],
  columns: [
    ["resource_type_opt_in", "jsonb"],
    ["resource_type_management", "jsonb"],
  ],
  values: (r) => [json(r.resourceTypeOptIn), json(r.resourceTypeManagement)],
};

/** One row per account, written by the unit of the tenant's first region. */
export const globalSettingsSpec: TableSpec<GlobalSettings & { region: string; lastUpdateTime: Date | null }> = {
  table: "global_settings",
  scope: ["tenant_id", "account_id"],
  key: [],
  columns: [
    ["region", "text"],
    ["is_cross_account_backup_enabled", "bool"],
    ["raw", "jsonb"],
    ["last_update_time", "timestamptz"],
  ],
  values: (g) => [g.region, g.isCrossAccountBackupEnabled, json(g.raw), g.lastUpdateTime],
};

/** The tables holding a unit's current data, keyed by (tenant, account, region); job history is kept apart. */
export const UNIT_TABLES = [
  "backup_plans",
  "backup_plan_versions",
  "backup_rules",
  "backup_selections",
  "backup_vaults",
  "recovery_points",
  "protected_resources",
  "resources",
  "restore_testing_plans",
  "region_settings",
  "sync_units",
] as const;
