import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import {
  backupJobs,
  backupPlans,
  backupPlanVersions,
  backupRules,
  backupSelections,
  backupVaults,
  backupVaultShares,
  copyJobs,
  globalSettings,
  protectedResources,
  recoveryPoints,
  regionSettings,
  resources,
  restoreJobs,
  restoreTestingPlans,
  scanJobs,
} from "@/db/schema";
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
  ScanJob,
  VaultShare,
} from "@/lib/inventory/types";

// How each inventory table is written: its scope (the columns a unit owns), its key, and its
// other columns with their PostgreSQL types, plus a mapper from a domain object to one value per
// column. Writes pass one array per column (INSERT … SELECT FROM unnest(…)), so a statement has as
// many parameters as columns whatever the batch size: far under PostgreSQL's 65,535.
//
// The column names and types come from the drizzle table (db/schema), once at module load; the
// mappers are a record with one entry per column of the table, so a column added to the schema
// is a type error here until it has a value (or is listed as unwritten).

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

const SQL_TYPES: Record<string, ColumnType> = {
  text: "text",
  boolean: "bool",
  integer: "int4",
  bigint: "int8",
  "timestamp with time zone": "timestamptz",
  jsonb: "jsonb",
  "text[]": "text[]",
  "integer[]": "int4[]",
};

type ColumnKey<Tab extends Table> = keyof Tab["_"]["columns"] & string;

/**
 * A table's spec from its drizzle definition. `scope` and `key` are property names of the table;
 * every other column needs a mapper in `values` unless it is listed in `unwritten` (left null).
 */
export const tableSpec =
  <T>() =>
  <Tab extends Table, S extends ColumnKey<Tab>, F extends ColumnKey<Tab> = never>(
    table: Tab,
    def: {
      scope: readonly S[];
      key: ReadonlyArray<Exclude<ColumnKey<Tab>, S | F>>;
      unwritten?: readonly F[];
      staging?: string;
      values: { [C in Exclude<ColumnKey<Tab>, S | F>]: (row: T) => Value };
    },
  ): TableSpec<T> => {
    const all = getTableColumns(table);
    const name = getTableName(table);
    const column = (k: string) => {
      const c = all[k];
      if (!c) throw new Error(`${name} has no column ${k}`);
      const type = SQL_TYPES[c.getSQLType()];
      if (!type && !def.scope.includes(k as S))
        throw new Error(`${name}.${c.name}: no write type for ${c.getSQLType()}`);
      return [c.name, type!] as const;
    };
    const skip = new Set<string>([...def.scope, ...def.key, ...(def.unwritten ?? [])]);
    const rest = Object.keys(all).filter((k) => !skip.has(k));
    const mappers = def.values as Record<string, (row: T) => Value>;
    const order = [...def.key, ...rest];
    const fns = order.map((k) => {
      const f = mappers[k];
      if (!f) throw new Error(`${name}.${all[k]!.name} has no value mapper`);
      return f;
    });
    const n = fns.length;
    return {
      table: name,
      scope: def.scope.map((k) => column(k)[0]),
      key: def.key.map(column),
      columns: rest.map(column),
      staging: def.staging,
      values: (row) => {
        const out = new Array<Value>(n);
        for (let i = 0; i < n; i++) out[i] = fns[i]!(row);
        return out;
      },
    };
  };

const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
const UNIT = ["tenantId", "accountId", "region"] as const;

export const recoveryPointSpec = tableSpec<RecoveryPoint>()(recoveryPoints, {
  staging: "stg_recovery_points",
  scope: UNIT,
  key: ["recoveryPointArn"],
  values: {
    recoveryPointArn: (r) => r.recoveryPointArn,
    backupVaultName: (r) => r.backupVaultName,
    backupVaultArn: (r) => r.backupVaultArn,
    resourceArn: (r) => r.resourceArn,
    resourceType: (r) => r.resourceType,
    creationDate: (r) => r.creationDate,
    completionDate: (r) => r.completionDate,
    status: (r) => r.status,
    isEncrypted: (r) => r.isEncrypted,
    encryptionKeyArn: (r) => r.encryptionKeyArn,
    moveToColdStorageAfterDays: (r) => r.lifecycle?.moveToColdStorageAfterDays ?? null,
    deleteAfterDays: (r) => r.lifecycle?.deleteAfterDays ?? null,
    optInToArchive: (r) => (r.lifecycle ? r.lifecycle.optInToArchiveForSupportedResources : null),
    moveToColdStorageAt: (r) => r.moveToColdStorageAt,
    deleteAt: (r) => r.deleteAt,
    backupPlanId: (r) => r.backupPlanId,
    backupPlanArn: (r) => r.backupPlanArn,
    backupRuleId: (r) => r.backupRuleId,
    sourceBackupVaultArn: (r) => r.sourceBackupVaultArn,
    storageClass: (r) => r.storageClass,
    backupSizeBytes: (r) => r.backupSizeBytes,
    isParent: (r) => r.isParent,
    parentRecoveryPointArn: (r) => r.parentRecoveryPointArn,
    vaultType: (r) => r.vaultType,
    deleteAfterEvent: (r) => r.deleteAfterEvent,
    scanStatus: (r) => r.scanStatus,
    scannedAt: (r) => r.scannedAt,
    indexStatus: (r) => r.indexStatus,
  },
});

export const protectedResourceSpec = tableSpec<ProtectedResource>()(protectedResources, {
  staging: "stg_protected_resources",
  scope: UNIT,
  key: ["resourceArn"],
  values: {
    resourceArn: (r) => r.resourceArn,
    resourceType: (r) => r.resourceType,
    resourceName: (r) => r.resourceName,
    lastBackupTime: (r) => r.lastBackupTime,
    lastBackupVaultArn: (r) => r.lastBackupVaultArn,
    lastRecoveryPointArn: (r) => r.lastRecoveryPointArn,
  },
});

export const resourceSpec = tableSpec<Resource>()(resources, {
  staging: "stg_resources",
  scope: UNIT,
  key: ["resourceArn"],
  values: {
    resourceArn: (r) => r.resourceArn,
    resourceType: (r) => r.resourceType,
    tags: (r) => json(r.tags),
  },
});

/** The columns backup and copy jobs share. */
const JOB_VALUES = {
  creationDate: (j: BackupJob | CopyJob) => j.creationDate,
  state: (j: BackupJob | CopyJob) => j.state,
  statusMessage: (j: BackupJob | CopyJob) => j.statusMessage,
  messageCategory: (j: BackupJob | CopyJob) => j.messageCategory,
  resourceArn: (j: BackupJob | CopyJob) => j.resourceArn,
  resourceType: (j: BackupJob | CopyJob) => j.resourceType,
  completionDate: (j: BackupJob | CopyJob) => j.completionDate,
  backupSizeBytes: (j: BackupJob | CopyJob) => j.backupSizeBytes,
  iamRoleArn: (j: BackupJob | CopyJob) => j.iamRoleArn,
};

export const backupJobSpec = tableSpec<BackupJob>()(backupJobs, {
  staging: "stg_backup_jobs",
  scope: UNIT,
  key: ["backupJobId", "creationDate"],
  values: {
    ...JOB_VALUES,
    backupJobId: (j) => j.backupJobId,
    backupVaultName: (j) => j.backupVaultName,
    recoveryPointArn: (j) => j.recoveryPointArn,
    backupPlanId: (j) => j.backupPlanId,
    backupRuleId: (j) => j.backupRuleId,
    isParent: (j) => j.isParent,
    parentJobId: (j) => j.parentJobId,
  },
});

export const copyJobSpec = tableSpec<CopyJob>()(copyJobs, {
  staging: "stg_copy_jobs",
  scope: UNIT,
  key: ["copyJobId", "creationDate"],
  values: {
    ...JOB_VALUES,
    copyJobId: (j) => j.copyJobId,
    sourceBackupVaultArn: (j) => j.sourceBackupVaultArn,
    sourceRecoveryPointArn: (j) => j.sourceRecoveryPointArn,
    destinationBackupVaultArn: (j) => j.destinationBackupVaultArn,
    destinationRecoveryPointArn: (j) => j.destinationRecoveryPointArn,
  },
});

export const restoreJobSpec = tableSpec<RestoreJob>()(restoreJobs, {
  staging: "stg_restore_jobs",
  scope: UNIT,
  key: ["restoreJobId", "creationDate"],
  values: {
    restoreJobId: (j) => j.restoreJobId,
    creationDate: (j) => j.creationDate,
    status: (j) => j.status,
    statusMessage: (j) => j.statusMessage,
    recoveryPointArn: (j) => j.recoveryPointArn,
    sourceResourceArn: (j) => j.sourceResourceArn,
    resourceType: (j) => j.resourceType,
    createdResourceArn: (j) => j.createdResourceArn,
    completionDate: (j) => j.completionDate,
    restoreTestingPlanArn: (j) => j.restoreTestingPlanArn,
    validationStatus: (j) => j.validationStatus,
    iamRoleArn: (j) => j.iamRoleArn,
  },
});

export const scanJobSpec = tableSpec<ScanJob>()(scanJobs, {
  staging: "stg_scan_jobs",
  scope: UNIT,
  key: ["scanJobId", "creationDate"],
  values: {
    scanJobId: (j) => j.scanJobId,
    creationDate: (j) => j.creationDate,
    state: (j) => j.state,
    statusMessage: (j) => j.statusMessage,
    scanResultStatus: (j) => j.scanResultStatus,
    malwareScanner: (j) => j.malwareScanner,
    scanMode: (j) => j.scanMode,
    resourceArn: (j) => j.resourceArn,
    resourceType: (j) => j.resourceType,
    recoveryPointArn: (j) => j.recoveryPointArn,
    backupVaultName: (j) => j.backupVaultName,
    backupPlanId: (j) => j.backupPlanId,
    backupRuleId: (j) => j.backupRuleId,
    completionDate: (j) => j.completionDate,
  },
});

export const planSpec = tableSpec<BackupPlan>()(backupPlans, {
  scope: UNIT,
  key: ["planId"],
  values: {
    planId: (p) => p.planId,
    planArn: (p) => p.planArn,
    planName: (p) => p.planName,
    versionId: (p) => p.versionId,
    orgManaged: (p) => p.orgManaged,
    creationDate: (p) => p.creationDate,
    lastExecutionDate: (p) => p.lastExecutionDate,
    advancedBackupSettings: (p) => json(p.advancedBackupSettings),
    scanSettings: (p) => json(p.scanSettings),
  },
});

export interface PlanVersionRow {
  planId: string;
  versionId: string;
  isCurrent: boolean;
  creationDate: Date | null;
  deletionDate: Date | null;
}
export const planVersionSpec = tableSpec<PlanVersionRow>()(backupPlanVersions, {
  scope: UNIT,
  key: ["planId", "versionId"],
  values: {
    planId: (v) => v.planId,
    versionId: (v) => v.versionId,
    isCurrent: (v) => v.isCurrent,
    creationDate: (v) => v.creationDate,
    deletionDate: (v) => v.deletionDate,
  },
});

export interface RuleRow {
  planId: string;
  versionId: string;
  position: number;
  rule: BackupRule;
}
export const ruleSpec = tableSpec<RuleRow>()(backupRules, {
  scope: UNIT,
  key: ["planId", "versionId", "ruleId"],
  values: {
    planId: (r) => r.planId,
    versionId: (r) => r.versionId,
    ruleId: (r) => r.rule.ruleId,
    position: (r) => r.position,
    ruleName: (r) => r.rule.ruleName,
    targetBackupVaultName: (r) => r.rule.targetBackupVaultName,
    targetLogicallyAirGappedBackupVaultArn: (r) => r.rule.targetLogicallyAirGappedBackupVaultArn,
    scheduleExpression: (r) => r.rule.scheduleExpression,
    scheduleExpressionTimezone: (r) => r.rule.scheduleExpressionTimezone,
    startWindowMinutes: (r) => r.rule.startWindowMinutes,
    completionWindowMinutes: (r) => r.rule.completionWindowMinutes,
    lifecycle: (r) => json(r.rule.lifecycle),
    copyActions: (r) => json(r.rule.copyActions),
    enableContinuousBackup: (r) => r.rule.enableContinuousBackup,
    recoveryPointTags: (r) => json(r.rule.recoveryPointTags),
    scanActions: (r) => json(r.rule.scanActions),
    indexResourceTypes: (r) => json(r.rule.indexResourceTypes),
  },
});

export const selectionSpec = tableSpec<BackupSelection & { planId: string }>()(backupSelections, {
  scope: UNIT,
  key: ["planId", "selectionId"],
  // Nothing reads a selection's CreationDate, so the sync does not fetch it.
  unwritten: ["creationDate"],
  values: {
    planId: (s) => s.planId,
    selectionId: (s) => s.selectionId,
    selectionName: (s) => s.selectionName,
    iamRoleArn: (s) => s.iamRoleArn,
    resources: (s) => json(s.resources),
    notResources: (s) => json(s.notResources),
    listOfTags: (s) => json(s.listOfTags),
    conditions: (s) => json(s.conditions),
  },
});

export const vaultSpec = tableSpec<BackupVault>()(backupVaults, {
  scope: UNIT,
  key: ["vaultName"],
  values: {
    vaultName: (v) => v.vaultName,
    vaultArn: (v) => v.vaultArn,
    vaultType: (v) => v.vaultType,
    vaultState: (v) => v.vaultState,
    encryptionKeyArn: (v) => v.encryptionKeyArn,
    encryptionKeyType: (v) => v.encryptionKeyType,
    keyManagerOutcome: (v) => v.keyManager?.outcome ?? null,
    keyManager: (v) => v.keyManager?.manager ?? null,
    keyManagerDetail: (v) => v.keyManager?.detail ?? null,
    creationDate: (v) => v.creationDate,
    numberOfRecoveryPoints: (v) => v.numberOfRecoveryPoints,
    locked: (v) => v.locked,
    minRetentionDays: (v) => v.minRetentionDays,
    maxRetentionDays: (v) => v.maxRetentionDays,
    lockDate: (v) => v.lockDate,
    accessPolicy: (v) => v.accessPolicy,
    notificationTopicArn: (v) => v.notificationTopicArn,
    notificationEvents: (v) => json(v.notificationEvents),
    mpaApprovalTeamArn: (v) => v.mpaApprovalTeamArn,
    sharesUnreadable: (v) => v.sharesUnreadable,
  },
});

export const vaultShareSpec = tableSpec<VaultShare & { vaultArn: string }>()(backupVaultShares, {
  scope: UNIT,
  key: ["vaultArn", "resourceShareArn", "principal"],
  values: {
    vaultArn: (s) => s.vaultArn,
    resourceShareArn: (s) => s.resourceShareArn,
    principal: (s) => s.principal,
    external: (s) => s.external,
  },
});

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
export const restoreTestingPlanSpec = tableSpec<RestoreTestingPlanRow>()(restoreTestingPlans, {
  scope: UNIT,
  key: ["planName"],
  values: {
    planName: (p) => p.planName,
    planArn: (p) => p.planArn,
    scheduleExpression: (p) => p.scheduleExpression,
    scheduleExpressionTimezone: (p) => p.scheduleExpressionTimezone,
    startWindowHours: (p) => p.startWindowHours,
    creationTime: (p) => p.creationTime,
    lastExecutionTime: (p) => p.lastExecutionTime,
    lastUpdateTime: (p) => p.lastUpdateTime,
  },
});

/** One row per unit: no key beyond the scope. */
export const regionSettingsSpec = tableSpec<RegionSettings>()(regionSettings, {
  scope: UNIT,
  key: [],
  values: {
    resourceTypeOptIn: (r) => json(r.resourceTypeOptIn),
    resourceTypeManagement: (r) => json(r.resourceTypeManagement),
  },
});

/** One row per account, written by the unit of the tenant's first region. */
export const globalSettingsSpec = tableSpec<GlobalSettings & { region: string; lastUpdateTime: Date | null }>()(
  globalSettings,
  {
    scope: ["tenantId", "accountId"],
    key: [],
    values: {
      region: (g) => g.region,
      isCrossAccountBackupEnabled: (g) => g.isCrossAccountBackupEnabled,
      raw: (g) => json(g.raw),
      lastUpdateTime: (g) => g.lastUpdateTime,
    },
  },
);

/** The tables holding a unit's current data, keyed by (tenant, account, region); job history is kept apart. */
export const UNIT_TABLES = [
  "backup_plans",
  "backup_plan_versions",
  "backup_rules",
  "backup_selections",
  "backup_vaults",
  "backup_vault_shares",
  "recovery_points",
  "protected_resources",
  "resources",
  "restore_testing_plans",
  "region_settings",
  "sync_units",
] as const;

/** Job history: monthly-partitioned tables a unit adds to but never replaces. */
export const JOB_TABLES = ["backup_jobs", "copy_jobs", "restore_jobs", "scan_jobs"] as const;
