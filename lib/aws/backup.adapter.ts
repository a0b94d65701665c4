import type {
  BackupJob as SdkBackupJob,
  BackupPlansListMember,
  BackupRule as SdkBackupRule,
  BackupVaultListMember,
  Condition,
  ConditionParameter,
  CopyJob as SdkCopyJob,
  DescribeGlobalSettingsOutput,
  DescribeRegionSettingsOutput,
  GetBackupPlanOutput,
  GetBackupSelectionOutput,
  Lifecycle as SdkLifecycle,
  ProtectedResource as SdkProtectedResource,
  RecoveryPointByBackupVault,
  RestoreJobsListMember,
  RestoreTestingPlanForList,
  ScanJob as SdkScanJob,
} from "@aws-sdk/client-backup";
import type {
  BackupJob,
  BackupJobState,
  BackupPlan,
  BackupPlanVersion,
  BackupRule,
  BackupSelection,
  BackupVault,
  CopyJob,
  CopyJobState,
  EncryptionKeyType,
  GlobalSettings,
  Lifecycle,
  ProtectedResource,
  RecoveryPoint,
  RegionSettings,
  RestoreJob,
  RestoreJobStatus,
  RestoreTestingPlan,
  RecoveryPointScanStatus,
  ScanJob,
  ScanJobState,
  SelectionCondition,
  VaultType,
} from "@/lib/inventory/types";

// Pure mappers from AWS Backup SDK shapes to the domain model (lib/inventory/types.ts).
// Absent values become null; nothing here calls AWS.

export interface UnitRef {
  accountId: string;
  region: string;
}

const orNull = <T>(v: T | undefined | null): T | null => (v === undefined ? null : v);
const date = (v: Date | undefined): Date | null => (v instanceof Date && !Number.isNaN(v.getTime()) ? v : null);

export function toLifecycle(l: SdkLifecycle | undefined): Lifecycle | null {
  if (
    !l ||
    (l.MoveToColdStorageAfterDays === undefined &&
      l.DeleteAfterDays === undefined &&
      l.OptInToArchiveForSupportedResources === undefined)
  )
    return null;
  return {
    moveToColdStorageAfterDays: orNull(l.MoveToColdStorageAfterDays),
    deleteAfterDays: orNull(l.DeleteAfterDays),
    optInToArchiveForSupportedResources: l.OptInToArchiveForSupportedResources ?? false,
  };
}

export function toBackupRule(r: SdkBackupRule): BackupRule {
  return {
    ruleId: r.RuleId ?? r.RuleName ?? "",
    ruleName: r.RuleName ?? "",
    targetBackupVaultName: r.TargetBackupVaultName ?? "",
    targetLogicallyAirGappedBackupVaultArn: orNull(r.TargetLogicallyAirGappedBackupVaultArn),
    scheduleExpression: orNull(r.ScheduleExpression),
    scheduleExpressionTimezone: orNull(r.ScheduleExpressionTimezone),
    startWindowMinutes: orNull(r.StartWindowMinutes),
    completionWindowMinutes: orNull(r.CompletionWindowMinutes),
    lifecycle: toLifecycle(r.Lifecycle),
    copyActions: (r.CopyActions ?? []).map((c) => ({
      destinationBackupVaultArn: c.DestinationBackupVaultArn ?? "",
      lifecycle: toLifecycle(c.Lifecycle),
    })),
    enableContinuousBackup: r.EnableContinuousBackup ?? false,
    recoveryPointTags: { ...(r.RecoveryPointTags ?? {}) },
    scanActions: (r.ScanActions ?? []).map((a) => ({
      malwareScanner: a.MalwareScanner ?? "",
      scanMode: a.ScanMode ?? "",
    })),
    indexResourceTypes: (r.IndexActions ?? []).flatMap((a) => a.ResourceTypes ?? []),
  };
}

/** AWS materialises Organizations backup policies as plans whose ARN ends `backup-plan:orgs/<id>`. */
export function isOrgManagedPlanArn(arn: string): boolean {
  return /:backup-plan:orgs\//.test(arn);
}

export function toBackupPlan(
  unit: UnitRef,
  listed: BackupPlansListMember,
  current: GetBackupPlanOutput,
  selections: BackupSelection[],
): BackupPlan {
  const planArn = current.BackupPlanArn ?? listed.BackupPlanArn ?? "";
  return {
    accountId: unit.accountId,
    region: unit.region,
    planId: current.BackupPlanId ?? listed.BackupPlanId ?? "",
    planArn,
    planName: current.BackupPlan?.BackupPlanName ?? listed.BackupPlanName ?? "",
    versionId: current.VersionId ?? listed.VersionId ?? "",
    orgManaged: isOrgManagedPlanArn(planArn),
    creationDate: date(current.CreationDate ?? listed.CreationDate),
    lastExecutionDate: date(current.LastExecutionDate ?? listed.LastExecutionDate),
    rules: (current.BackupPlan?.Rules ?? []).map(toBackupRule),
    selections,
    advancedBackupSettings: (current.BackupPlan?.AdvancedBackupSettings ?? listed.AdvancedBackupSettings ?? []).map(
      (a) => ({ resourceType: a.ResourceType ?? "", backupOptions: { ...(a.BackupOptions ?? {}) } }),
    ),
    scanSettings: (current.BackupPlan?.ScanSettings ?? []).map((c) => ({
      malwareScanner: c.MalwareScanner ?? "",
      resourceTypes: [...(c.ResourceTypes ?? [])],
      scannerRoleArn: orNull(c.ScannerRoleArn),
    })),
  };
}

export function toPlanVersion(
  planId: string,
  version: BackupPlansListMember,
  detail: GetBackupPlanOutput | null,
): BackupPlanVersion {
  return {
    planId,
    versionId: version.VersionId ?? "",
    creationDate: date(version.CreationDate),
    deletionDate: date(version.DeletionDate),
    rules: (detail?.BackupPlan?.Rules ?? []).map(toBackupRule),
  };
}

const OPS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike"] as const;

export function toBackupSelection(out: GetBackupSelectionOutput): BackupSelection {
  const s = out.BackupSelection;
  const cond = (op: SelectionCondition["op"], list: ConditionParameter[] | undefined): SelectionCondition[] =>
    (list ?? []).map((c) => ({ op, key: c.ConditionKey ?? "", value: c.ConditionValue ?? "" }));
  return {
    selectionId: out.SelectionId ?? "",
    selectionName: s?.SelectionName ?? "",
    iamRoleArn: s?.IamRoleArn ?? "",
    resources: [...(s?.Resources ?? [])],
    notResources: [...(s?.NotResources ?? [])],
    // ListOfTags conditions are STRINGEQUALS (the only ConditionType AWS defines).
    listOfTags: (s?.ListOfTags ?? []).map((c: Condition) => ({
      op: "StringEquals" as const,
      key: c.ConditionKey ?? "",
      value: c.ConditionValue ?? "",
    })),
    conditions: OPS.flatMap((op) => cond(op, s?.Conditions?.[op])),
  };
}

const VAULT_TYPES: readonly VaultType[] = [
  "BACKUP_VAULT",
  "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
  "RESTORE_ACCESS_BACKUP_VAULT",
];
const KEY_TYPES: readonly EncryptionKeyType[] = [
  "AWS_OWNED_KMS_KEY",
  "CUSTOMER_MANAGED_KMS_KEY",
  "AWS_MANAGED_KMS_KEY",
];

/** The API's key type when given; otherwise the aws/backup alias marks an AWS-managed key. */
export function encryptionKeyTypeOf(apiType: string | undefined, keyArn: string | null): EncryptionKeyType | null {
  if (apiType && (KEY_TYPES as readonly string[]).includes(apiType)) return apiType as EncryptionKeyType;
  if (!keyArn) return null;
  return /:alias\/aws\/backup$/.test(keyArn) ? "AWS_MANAGED_KMS_KEY" : null;
}

export function toBackupVault(
  unit: UnitRef,
  v: BackupVaultListMember,
  accessPolicy: string | null,
  notifications: { topicArn: string | null; events: string[] },
): BackupVault {
  const keyArn = orNull(v.EncryptionKeyArn);
  return {
    accountId: unit.accountId,
    region: unit.region,
    vaultName: v.BackupVaultName ?? "",
    vaultArn: v.BackupVaultArn ?? "",
    vaultType: (VAULT_TYPES as readonly string[]).includes(v.VaultType ?? "")
      ? (v.VaultType as VaultType)
      : "BACKUP_VAULT",
    vaultState: orNull(v.VaultState),
    encryptionKeyArn: keyArn,
    encryptionKeyType: encryptionKeyTypeOf(v.EncryptionKeyType, keyArn),
    keyManager: null,
    creationDate: date(v.CreationDate),
    numberOfRecoveryPoints: v.NumberOfRecoveryPoints ?? 0,
    locked: v.Locked ?? false,
    minRetentionDays: orNull(v.MinRetentionDays),
    maxRetentionDays: orNull(v.MaxRetentionDays),
    lockDate: date(v.LockDate),
    accessPolicy,
    notificationTopicArn: notifications.topicArn,
    notificationEvents: notifications.events,
    mpaApprovalTeamArn: null,
    shares: [],
    sharesUnreadable: null,
  };
}

const RP_STATUSES: readonly RecoveryPoint["status"][] = [
  "COMPLETED",
  "PARTIAL",
  "DELETING",
  "EXPIRED",
  "AVAILABLE",
  "STOPPED",
  "CREATING",
];

export function toRecoveryPoint(unit: UnitRef, rp: RecoveryPointByBackupVault): RecoveryPoint {
  const created = date(rp.CreationDate);
  return {
    accountId: unit.accountId,
    region: unit.region,
    recoveryPointArn: rp.RecoveryPointArn ?? "",
    backupVaultName: rp.BackupVaultName ?? "",
    backupVaultArn: rp.BackupVaultArn ?? "",
    resourceArn: rp.ResourceArn ?? "",
    resourceType: rp.ResourceType ?? "",
    creationDate: created ?? new Date(0),
    completionDate: date(rp.CompletionDate),
    status: (RP_STATUSES as readonly string[]).includes(rp.Status ?? "")
      ? (rp.Status as RecoveryPoint["status"])
      : "COMPLETED",
    isEncrypted: rp.IsEncrypted ?? false,
    encryptionKeyArn: orNull(rp.EncryptionKeyArn),
    lifecycle: toLifecycle(rp.Lifecycle),
    moveToColdStorageAt: date(rp.CalculatedLifecycle?.MoveToColdStorageAt),
    deleteAt: date(rp.CalculatedLifecycle?.DeleteAt),
    backupPlanId: orNull(rp.CreatedBy?.BackupPlanId),
    backupPlanArn: orNull(rp.CreatedBy?.BackupPlanArn),
    backupRuleId: orNull(rp.CreatedBy?.BackupRuleId),
    sourceBackupVaultArn: orNull(rp.SourceBackupVaultArn),
    // The list call does not return the storage class (DescribeRecoveryPoint does, one call each).
    storageClass: null,
    backupSizeBytes: orNull(rp.BackupSizeInBytes),
    isParent: rp.IsParent ?? false,
    parentRecoveryPointArn: orNull(rp.ParentRecoveryPointArn),
    vaultType: (VAULT_TYPES as readonly string[]).includes(rp.VaultType ?? "") ? (rp.VaultType as VaultType) : null,
    deleteAfterEvent: rp.Lifecycle?.DeleteAfterEvent === "DELETE_AFTER_COPY" ? "DELETE_AFTER_COPY" : null,
    scanStatus: scanStatusOf(rp.AggregatedScanResult),
    scannedAt: date(rp.AggregatedScanResult?.LastComputed),
    indexStatus: (INDEX_STATUSES as readonly string[]).includes(rp.IndexStatus ?? "")
      ? (rp.IndexStatus as RecoveryPoint["indexStatus"])
      : null,
  };
}

const INDEX_STATUSES = ["PENDING", "ACTIVE", "FAILED", "DELETING"] as const;

/**
 * A point's malware verdict from AWS's aggregate over its scan jobs: malware found decides, then a
 * failed last scan; a result computed with neither is clean. No aggregate: never scanned.
 */
export function scanStatusOf(a: RecoveryPointByBackupVault["AggregatedScanResult"]): RecoveryPointScanStatus | null {
  if (!a) return null;
  if ((a.Findings ?? []).length > 0) return "THREATS_FOUND";
  if (a.FailedScan) return "FAILED";
  return a.LastComputed ? "NO_THREATS_FOUND" : null;
}

const SCAN_JOB_STATES: readonly ScanJobState[] = [
  "CREATED",
  "RUNNING",
  "COMPLETED",
  "COMPLETED_WITH_ISSUES",
  "FAILED",
  "CANCELED",
];

export function toScanJob(unit: UnitRef, j: SdkScanJob): ScanJob {
  return {
    accountId: unit.accountId,
    region: unit.region,
    scanJobId: j.ScanJobId ?? "",
    state: (SCAN_JOB_STATES as readonly string[]).includes(j.State ?? "") ? (j.State as ScanJobState) : "CREATED",
    statusMessage: orNull(j.StatusMessage),
    scanResultStatus: orNull(j.ScanResult?.ScanResultStatus),
    malwareScanner: j.MalwareScanner ?? "",
    scanMode: orNull(j.ScanMode),
    resourceArn: j.ResourceArn ?? "",
    resourceType: j.ResourceType ?? "",
    recoveryPointArn: j.RecoveryPointArn ?? "",
    backupVaultName: j.BackupVaultName ?? "",
    backupPlanId: orNull(j.CreatedBy?.BackupPlanId),
    backupRuleId: orNull(j.CreatedBy?.BackupRuleId),
    creationDate: date(j.CreationDate) ?? new Date(0),
    completionDate: date(j.CompletionDate),
  };
}

export function toProtectedResource(unit: UnitRef, p: SdkProtectedResource): ProtectedResource {
  return {
    accountId: unit.accountId,
    region: unit.region,
    resourceArn: p.ResourceArn ?? "",
    resourceType: p.ResourceType ?? "",
    resourceName: orNull(p.ResourceName),
    lastBackupTime: date(p.LastBackupTime),
    lastBackupVaultArn: orNull(p.LastBackupVaultArn),
    lastRecoveryPointArn: orNull(p.LastRecoveryPointArn),
  };
}

export function toBackupJob(unit: UnitRef, j: SdkBackupJob): BackupJob {
  return {
    accountId: unit.accountId,
    region: unit.region,
    backupJobId: j.BackupJobId ?? "",
    state: (j.State ?? "CREATED") as BackupJobState,
    statusMessage: orNull(j.StatusMessage),
    messageCategory: orNull(j.MessageCategory),
    resourceArn: j.ResourceArn ?? "",
    resourceType: j.ResourceType ?? "",
    backupVaultName: j.BackupVaultName ?? "",
    recoveryPointArn: orNull(j.RecoveryPointArn),
    backupPlanId: orNull(j.CreatedBy?.BackupPlanId),
    backupRuleId: orNull(j.CreatedBy?.BackupRuleId),
    creationDate: date(j.CreationDate) ?? new Date(0),
    completionDate: date(j.CompletionDate),
    backupSizeBytes: orNull(j.BackupSizeInBytes),
    isParent: j.IsParent ?? false,
    parentJobId: orNull(j.ParentJobId),
    iamRoleArn: orNull(j.IamRoleArn),
  };
}

export function toCopyJob(unit: UnitRef, j: SdkCopyJob): CopyJob {
  return {
    accountId: unit.accountId,
    region: unit.region,
    copyJobId: j.CopyJobId ?? "",
    state: (j.State ?? "CREATED") as CopyJobState,
    statusMessage: orNull(j.StatusMessage),
    messageCategory: orNull(j.MessageCategory),
    resourceArn: j.ResourceArn ?? "",
    resourceType: j.ResourceType ?? "",
    sourceBackupVaultArn: j.SourceBackupVaultArn ?? "",
    sourceRecoveryPointArn: j.SourceRecoveryPointArn ?? "",
    destinationBackupVaultArn: j.DestinationBackupVaultArn ?? "",
    destinationRecoveryPointArn: orNull(j.DestinationRecoveryPointArn),
    creationDate: date(j.CreationDate) ?? new Date(0),
    completionDate: date(j.CompletionDate),
    backupSizeBytes: orNull(j.BackupSizeInBytes),
    iamRoleArn: orNull(j.IamRoleArn),
  };
}

export function toRestoreJob(unit: UnitRef, j: RestoreJobsListMember): RestoreJob {
  return {
    accountId: unit.accountId,
    region: unit.region,
    restoreJobId: j.RestoreJobId ?? "",
    status: (j.Status ?? "PENDING") as RestoreJobStatus,
    statusMessage: orNull(j.StatusMessage),
    recoveryPointArn: j.RecoveryPointArn ?? "",
    sourceResourceArn: orNull(j.SourceResourceArn),
    resourceType: j.ResourceType ?? "",
    createdResourceArn: orNull(j.CreatedResourceArn),
    creationDate: date(j.CreationDate) ?? new Date(0),
    completionDate: date(j.CompletionDate),
    restoreTestingPlanArn: orNull(j.CreatedBy?.RestoreTestingPlanArn),
    validationStatus: orNull(j.ValidationStatus),
    iamRoleArn: orNull(j.IamRoleArn),
  };
}

export function toRestoreTestingPlan(
  unit: UnitRef,
  p: RestoreTestingPlanForList,
): RestoreTestingPlan & {
  scheduleExpressionTimezone: string | null;
  startWindowHours: number | null;
  lastUpdateTime: Date | null;
} {
  return {
    accountId: unit.accountId,
    region: unit.region,
    planName: p.RestoreTestingPlanName ?? "",
    planArn: p.RestoreTestingPlanArn ?? "",
    scheduleExpression: p.ScheduleExpression ?? "",
    scheduleExpressionTimezone: orNull(p.ScheduleExpressionTimezone),
    startWindowHours: orNull(p.StartWindowHours),
    creationTime: date(p.CreationTime),
    lastExecutionTime: date(p.LastExecutionTime),
    lastUpdateTime: date(p.LastUpdateTime),
  };
}

export function toRegionSettings(unit: UnitRef, out: DescribeRegionSettingsOutput): RegionSettings {
  return {
    accountId: unit.accountId,
    region: unit.region,
    resourceTypeOptIn: { ...(out.ResourceTypeOptInPreference ?? {}) },
    resourceTypeManagement: { ...(out.ResourceTypeManagementPreference ?? {}) },
  };
}

export function toGlobalSettings(
  accountId: string,
  out: DescribeGlobalSettingsOutput,
): GlobalSettings & { lastUpdateTime: Date | null } {
  const raw = { ...(out.GlobalSettings ?? {}) };
  const cross = raw.isCrossAccountBackupEnabled;
  return {
    accountId,
    isCrossAccountBackupEnabled: cross === undefined ? null : cross.toLowerCase() === "true",
    raw,
    lastUpdateTime: date(out.LastUpdateTime),
  };
}
