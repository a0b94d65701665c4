// The domain model of a tenant's backup estate: what lib/aws adapters produce from SDK shapes,
// what the sync publishes per (account, region) unit, and what lib/compliance evaluates.
// Field names are camelCase versions of AWS's; times are Date; absent values are null.

/** Resource types as AWS Backup names them (ListProtectedResources, region settings). */
export const RESOURCE_TYPES = ["EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const ACCOUNT_STATES = ["PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface OrgUnit {
  id: string; // r-xxxx for the root, ou-xxxx-yyyyyyyy for OUs
  name: string;
  parentId: string | null;
  /** Ids from the root down to this node, inclusive. */
  path: string[];
}

/** The organization itself (DescribeOrganization + ListRoots). */
export interface Organization {
  organizationId: string;
  arn: string | null;
  featureSet: string | null;
  managementAccountId: string;
  managementAccountEmail: string | null;
  rootId: string | null;
  /** Policy types enabled on the root; BACKUP_POLICY must be for backup policies to apply. */
  enabledPolicyTypes: string[];
}

/** An account registered as a delegated administrator (ListDelegatedAdministrators). */
export interface DelegatedAdministrator {
  accountId: string;
  name: string | null;
  email: string | null;
  state: string | null;
  delegationEnabledAt: Date | null;
}

export interface Account {
  accountId: string;
  name: string;
  email: string;
  state: AccountState;
  parentId: string;
  /** Ids from the root down to the account's parent. */
  ouPath: string[];
  joinedAt: Date | null;
}

export interface Lifecycle {
  moveToColdStorageAfterDays: number | null;
  /** null means the recovery points never expire. */
  deleteAfterDays: number | null;
  optInToArchiveForSupportedResources: boolean;
}

export interface CopyAction {
  destinationBackupVaultArn: string;
  lifecycle: Lifecycle | null;
}

export interface BackupRule {
  ruleId: string;
  ruleName: string;
  targetBackupVaultName: string;
  targetLogicallyAirGappedBackupVaultArn: string | null;
  /** AWS cron(...) or rate(...) expression; null for a rule with continuous backup only. */
  scheduleExpression: string | null;
  scheduleExpressionTimezone: string | null;
  startWindowMinutes: number | null;
  completionWindowMinutes: number | null;
  lifecycle: Lifecycle | null;
  copyActions: CopyAction[];
  enableContinuousBackup: boolean;
  recoveryPointTags: Record<string, string>;
  /** ScanActions: malware scans AWS Backup starts after each backup of this rule. */
  scanActions: ScanAction[];
  /** IndexActions: resource types whose recovery points this rule indexes for search. */
  indexResourceTypes: string[];
}

export interface ScanAction {
  malwareScanner: string; // GUARDDUTY
  scanMode: string; // FULL_SCAN | INCREMENTAL_SCAN
}

/** A plan's ScanSettings: which scanner scans which resource types, with which role. */
export interface ScanSetting {
  malwareScanner: string;
  resourceTypes: string[];
  scannerRoleArn: string | null;
}

export type SelectionConditionOp = "StringEquals" | "StringNotEquals" | "StringLike" | "StringNotLike";

export interface SelectionCondition {
  op: SelectionConditionOp;
  /** Tag key as written by AWS: "aws:ResourceTag/<key>" in Conditions, the bare key in ListOfTags. */
  key: string;
  value: string;
}

export interface BackupSelection {
  selectionId: string;
  selectionName: string;
  iamRoleArn: string;
  /** ARNs or ARN patterns with `*` wildcards (e.g. "arn:aws:ec2:*:*:volume/*", "*"). */
  resources: string[];
  notResources: string[];
  /** ListOfTags: a resource matching ANY of these (all STRINGEQUALS, `*` allowed in values) is selected. */
  listOfTags: SelectionCondition[];
  /** Conditions: a resource must match ALL of these. */
  conditions: SelectionCondition[];
}

export interface BackupPlan {
  accountId: string;
  region: string;
  planId: string;
  planArn: string;
  planName: string;
  versionId: string;
  /** Materialised by AWS from an Organizations backup policy (ARN ends `backup-plan:orgs/<id>`). */
  orgManaged: boolean;
  creationDate: Date | null;
  lastExecutionDate: Date | null;
  rules: BackupRule[];
  selections: BackupSelection[];
  advancedBackupSettings: Array<{ resourceType: string; backupOptions: Record<string, string> }>;
  scanSettings: ScanSetting[];
}

/** Older versions of a plan (ListBackupPlanVersions + GetBackupPlan with VersionId). */
export interface BackupPlanVersion {
  planId: string;
  versionId: string;
  creationDate: Date | null;
  deletionDate: Date | null;
  rules: BackupRule[];
}

export type VaultType = "BACKUP_VAULT" | "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" | "RESTORE_ACCESS_BACKUP_VAULT";
export type EncryptionKeyType = "AWS_OWNED_KMS_KEY" | "CUSTOMER_MANAGED_KMS_KEY" | "AWS_MANAGED_KMS_KEY";

/** Who manages a KMS key, as KMS says it (DescribeKey's KeyManager). */
export type KeyManager = "AWS" | "CUSTOMER";

/**
 * What the sync learnt from KMS about a vault's key: its manager from DescribeKey or from an
 * alias (alias/aws/… names only AWS-managed keys), that the key does not exist, or why KMS could
 * not tell (access denied: a key in another account whose key policy does not admit the role).
 */
export type VaultKeyRead =
  | { outcome: "described"; manager: KeyManager; detail: string | null }
  | { outcome: "aliased"; manager: KeyManager; detail: string }
  | { outcome: "not-found"; manager: null; detail: string }
  | { outcome: "unreadable"; manager: null; detail: string };

export interface BackupVault {
  accountId: string;
  region: string;
  vaultName: string;
  vaultArn: string;
  vaultType: VaultType;
  vaultState: string | null;
  encryptionKeyArn: string | null;
  /** From the API when present; otherwise derived (an alias/aws/backup key is AWS-managed). */
  encryptionKeyType: EncryptionKeyType | null;
  /**
   * The key's manager as KMS reports it; null where KMS was not asked: no key, an AWS-owned key
   * (AWS Backup says so, and KMS describes only keys in AWS accounts), an alias/aws/… ARN, or
   * data read before the product read KMS.
   */
  keyManager: VaultKeyRead | null;
  creationDate: Date | null;
  numberOfRecoveryPoints: number;
  /** Vault Lock: `locked` true once the lock date has passed (compliance mode, immutable). */
  locked: boolean;
  minRetentionDays: number | null;
  maxRetentionDays: number | null;
  lockDate: Date | null;
  /** The access policy document as JSON text, or null when the vault has none. */
  accessPolicy: string | null;
  notificationTopicArn: string | null;
  notificationEvents: string[];
  /**
   * The multi-party approval team that must approve restores from this (logically air-gapped)
   * vault when the organization's own accounts cannot be trusted (DescribeBackupVault's
   * MpaApprovalTeamArn); null: none, or not asked (a standard vault).
   */
  mpaApprovalTeamArn: string | null;
  /** Whom the vault is shared with through AWS RAM (air-gapped vaults are shared this way). */
  shares: VaultShare[];
  /**
   * Why `shares` could not be read (the member role may not call AWS RAM: roles made before the
   * product read RAM lack ram:ListResources); null when they were. Unread shares decide nothing.
   */
  sharesUnreadable: string | null;
}

/** One principal a vault's RAM resource share reaches (RAM ListResources + ListPrincipals). */
export interface VaultShare {
  resourceShareArn: string;
  /** An account ID, an OU ARN or the organization's ARN, as RAM names the principal. */
  principal: string;
  /** RAM's `external`: the principal is outside the sharing account's organization. */
  external: boolean;
}

/**
 * Lock mode as AWS defines it: a vault with a lock configuration is in compliance mode once its
 * lock date has passed (or it was created with ChangeableForDays and the grace period ended);
 * before that, and without ChangeableForDays, it is governance mode.
 */
export type VaultLockMode = "none" | "governance" | "compliance";

export interface RecoveryPoint {
  accountId: string;
  region: string;
  recoveryPointArn: string;
  backupVaultName: string;
  backupVaultArn: string;
  resourceArn: string;
  resourceType: string;
  creationDate: Date;
  completionDate: Date | null;
  status: "COMPLETED" | "PARTIAL" | "DELETING" | "EXPIRED" | "AVAILABLE" | "STOPPED" | "CREATING";
  isEncrypted: boolean;
  encryptionKeyArn: string | null;
  lifecycle: Lifecycle | null;
  /** From CalculatedLifecycle. */
  moveToColdStorageAt: Date | null;
  deleteAt: Date | null;
  /**
   * Lifecycle.DeleteAfterEvent (output only): DELETE_AFTER_COPY means AWS deletes this point once
   * its copy completes, or at deleteAt, whichever comes first.
   */
  deleteAfterEvent: "DELETE_AFTER_COPY" | null;
  backupPlanId: string | null;
  backupPlanArn: string | null;
  backupRuleId: string | null;
  /** Set on copies: the vault the source recovery point lives in. */
  sourceBackupVaultArn: string | null;
  storageClass: "WARM" | "COLD" | "DELETED" | null;
  backupSizeBytes: number | null;
  isParent: boolean;
  parentRecoveryPointArn: string | null;
  vaultType: VaultType | null;
  /**
   * The malware scan verdict AWS aggregates over the point's scan jobs (AggregatedScanResult):
   * THREATS_FOUND when Findings name malware, FAILED when the last scan failed, NO_THREATS_FOUND
   * when a result was computed with neither; null: never scanned.
   */
  scanStatus: RecoveryPointScanStatus | null;
  /** AggregatedScanResult.LastComputed. */
  scannedAt: Date | null;
  /** Backup index for search (IndexStatus); null: not indexed. */
  indexStatus: "PENDING" | "ACTIVE" | "FAILED" | "DELETING" | null;
}

export type RecoveryPointScanStatus = "NO_THREATS_FOUND" | "THREATS_FOUND" | "FAILED";

export interface ProtectedResource {
  accountId: string;
  region: string;
  resourceArn: string;
  resourceType: string;
  resourceName: string | null;
  lastBackupTime: Date | null;
  lastBackupVaultArn: string | null;
  lastRecoveryPointArn: string | null;
}

/** A resource that ought to be protected, found through the Resource Groups Tagging API. */
export interface Resource {
  accountId: string;
  region: string;
  resourceArn: string;
  resourceType: ResourceType;
  tags: Record<string, string>;
}

export type BackupJobState =
  "CREATED" | "PENDING" | "RUNNING" | "ABORTING" | "ABORTED" | "COMPLETED" | "FAILED" | "EXPIRED" | "PARTIAL";

export interface BackupJob {
  accountId: string;
  region: string;
  backupJobId: string;
  state: BackupJobState;
  statusMessage: string | null;
  /** "SUCCESS" unless AWS reports the job completed with issues. */
  messageCategory: string | null;
  resourceArn: string;
  resourceType: string;
  backupVaultName: string;
  recoveryPointArn: string | null;
  backupPlanId: string | null;
  backupRuleId: string | null;
  creationDate: Date;
  completionDate: Date | null;
  backupSizeBytes: number | null;
  isParent: boolean;
  parentJobId: string | null;
  /** The role AWS Backup used for the job. */
  iamRoleArn: string | null;
}

export type CopyJobState = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "PARTIAL";

export interface CopyJob {
  accountId: string;
  region: string;
  copyJobId: string;
  state: CopyJobState;
  statusMessage: string | null;
  messageCategory: string | null;
  resourceArn: string;
  resourceType: string;
  sourceBackupVaultArn: string;
  sourceRecoveryPointArn: string;
  destinationBackupVaultArn: string;
  destinationRecoveryPointArn: string | null;
  creationDate: Date;
  completionDate: Date | null;
  backupSizeBytes: number | null;
  iamRoleArn: string | null;
}

export type RestoreJobStatus = "PENDING" | "RUNNING" | "COMPLETED" | "ABORTED" | "FAILED";

export interface RestoreJob {
  accountId: string;
  region: string;
  restoreJobId: string;
  status: RestoreJobStatus;
  statusMessage: string | null;
  recoveryPointArn: string;
  /** The resource the recovery point was taken from (newer APIs), else resolved through the recovery point. */
  sourceResourceArn: string | null;
  resourceType: string;
  createdResourceArn: string | null;
  creationDate: Date;
  completionDate: Date | null;
  /** Set when a restore testing plan started the job. */
  restoreTestingPlanArn: string | null;
  validationStatus: string | null;
  iamRoleArn: string | null;
}

export type ScanJobState = "CREATED" | "RUNNING" | "COMPLETED" | "COMPLETED_WITH_ISSUES" | "FAILED" | "CANCELED";

/** A malware scan of a recovery point (ListScanJobs; AWS keeps 30 days, we keep the history). */
export interface ScanJob {
  accountId: string;
  region: string;
  scanJobId: string;
  state: ScanJobState;
  statusMessage: string | null;
  /** ScanResult.ScanResultStatus: NO_THREATS_FOUND, THREATS_FOUND or UNKNOWN; null until it ends. */
  scanResultStatus: string | null;
  malwareScanner: string;
  scanMode: string | null;
  resourceArn: string;
  resourceType: string;
  recoveryPointArn: string;
  backupVaultName: string;
  backupPlanId: string | null;
  backupRuleId: string | null;
  creationDate: Date;
  completionDate: Date | null;
}

export interface RestoreTestingPlan {
  accountId: string;
  region: string;
  planName: string;
  planArn: string;
  scheduleExpression: string;
  creationTime: Date | null;
  lastExecutionTime: Date | null;
}

export interface RegionSettings {
  accountId: string;
  region: string;
  /** Per resource type: opted in to AWS Backup in this region. */
  resourceTypeOptIn: Record<string, boolean>;
  resourceTypeManagement: Record<string, boolean>;
}

export interface GlobalSettings {
  accountId: string;
  isCrossAccountBackupEnabled: boolean | null;
  raw: Record<string, string>;
}

/** Organizations BACKUP_POLICY as discovered in the management account. */
export interface OrgBackupPolicy {
  policyId: string;
  policyArn: string;
  name: string;
  description: string;
  awsManaged: boolean;
  content: string;
  targets: string[];
  /** Per target, the policy's place (0 first) among the backup policies attached there; absent where not read. */
  targetPositions?: number[];
}

/** One account's effective backup policy (DescribeEffectivePolicy), when one exists. */
export interface EffectiveBackupPolicy {
  accountId: string;
  content: string;
  lastUpdated: Date | null;
}

export type UnitStatus = "pending" | "running" | "ok" | "failed" | "skipped";

/** Freshness of one (account, region) unit's published snapshot. */
export interface UnitFreshness {
  accountId: string;
  region: string;
  status: UnitStatus;
  /** When the currently published data was read; null if the unit never succeeded. */
  publishedAt: Date | null;
  /** Set when the latest attempt failed: the published data (if any) is stale. */
  error: string | null;
  errorAt: Date | null;
}
