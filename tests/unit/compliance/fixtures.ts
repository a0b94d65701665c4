// Small builders for compliance tests: defaults describe a healthy estate; each test changes
// only what it is about.
import type {
  Account,
  BackupJob,
  BackupPlan,
  BackupRule,
  BackupSelection,
  BackupVault,
  RecoveryPoint,
  RegionSettings,
  Resource,
  RestoreJob,
  UnitFreshness,
} from "@/lib/inventory/types";
import type { ControlId, Finding } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE, type Scope } from "@/lib/compliance/model/scope";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import { evaluateSnapshot, makeControlRun } from "@/lib/compliance/engine/evaluate";

export const NOW = new Date("2026-06-15T12:00:00Z");
export const ACCT = "111111111111";
export const ACCT2 = "222222222222";
export const REGION = "eu-west-1";
export const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
export const daysBefore = (d: number) => hoursBefore(d * 24);

export function account(over: Partial<Account> = {}): Account {
  return {
    accountId: ACCT,
    name: "prod",
    email: "a@example.com",
    state: "ACTIVE",
    parentId: "ou-ab12-prod0001",
    ouPath: ["r-ab12", "ou-ab12-prod0001"],
    joinedAt: null,
    ...over,
  };
}

export function unit(over: Partial<UnitFreshness> = {}): UnitFreshness {
  return {
    accountId: ACCT,
    region: REGION,
    status: "ok",
    publishedAt: hoursBefore(1),
    error: null,
    errorAt: null,
    ...over,
  };
}

export function rule(over: Partial<BackupRule> = {}): BackupRule {
  return {
    ruleId: "rule-daily",
    ruleName: "daily",
    targetBackupVaultName: "main",
    targetLogicallyAirGappedBackupVaultArn: null,
    scheduleExpression: "cron(0 5 ? * * *)",
    scheduleExpressionTimezone: null,
    startWindowMinutes: 60,
    completionWindowMinutes: 1440,
    lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 35, optInToArchiveForSupportedResources: false },
    copyActions: [],
    enableContinuousBackup: false,
    recoveryPointTags: {},
    scanActions: [],
    indexResourceTypes: [],
    ...over,
  };
}

export function selection(over: Partial<BackupSelection> = {}): BackupSelection {
  return {
    selectionId: "sel-1",
    selectionName: "all-ebs",
    iamRoleArn: `arn:aws:iam::${ACCT}:role/backup`,
    resources: ["arn:aws:ec2:*:*:volume/*"],
    notResources: [],
    listOfTags: [],
    conditions: [],
    ...over,
  };
}

export function plan(over: Partial<BackupPlan> = {}): BackupPlan {
  const accountId = over.accountId ?? ACCT;
  const region = over.region ?? REGION;
  const planId = over.planId ?? "plan-1";
  return {
    accountId,
    region,
    planId,
    planArn: `arn:aws:backup:${region}:${accountId}:backup-plan:${planId}`,
    planName: "daily-plan",
    versionId: "v1",
    orgManaged: false,
    creationDate: daysBefore(100),
    lastExecutionDate: hoursBefore(7),
    rules: [rule()],
    selections: [selection()],
    advancedBackupSettings: [],
    scanSettings: [],
    ...over,
  };
}

export function vault(over: Partial<BackupVault> = {}): BackupVault {
  const accountId = over.accountId ?? ACCT;
  const region = over.region ?? REGION;
  const vaultName = over.vaultName ?? "main";
  return {
    accountId,
    region,
    vaultName,
    vaultArn: `arn:aws:backup:${region}:${accountId}:backup-vault:${vaultName}`,
    vaultType: "BACKUP_VAULT",
    vaultState: "AVAILABLE",
    encryptionKeyArn: `arn:aws:kms:${region}:${accountId}:key/1111`,
    encryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY",
    keyManager: { outcome: "described", manager: "CUSTOMER", detail: "Enabled" },
    creationDate: daysBefore(400),
    numberOfRecoveryPoints: 10,
    locked: false,
    minRetentionDays: null,
    maxRetentionDays: null,
    lockDate: null,
    accessPolicy: null,
    notificationTopicArn: null,
    notificationEvents: [],
    mpaApprovalTeamArn: null,
    shares: [],
    sharesUnreadable: null,
    ...over,
  };
}

export function resource(over: Partial<Resource> = {}): Resource {
  return {
    accountId: ACCT,
    region: REGION,
    resourceArn: `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-1`,
    resourceType: "EBS",
    tags: {},
    ...over,
  };
}

export function recoveryPoint(over: Partial<RecoveryPoint> = {}): RecoveryPoint {
  return {
    accountId: ACCT,
    region: REGION,
    recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-1`,
    backupVaultName: "main",
    backupVaultArn: `arn:aws:backup:${REGION}:${ACCT}:backup-vault:main`,
    resourceArn: `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-1`,
    resourceType: "EBS",
    creationDate: hoursBefore(7),
    completionDate: hoursBefore(6),
    status: "COMPLETED",
    isEncrypted: true,
    encryptionKeyArn: `arn:aws:kms:${REGION}:${ACCT}:key/1111`,
    lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 35, optInToArchiveForSupportedResources: false },
    moveToColdStorageAt: null,
    deleteAt: null,
    backupPlanId: "plan-1",
    backupPlanArn: null,
    backupRuleId: "rule-daily",
    sourceBackupVaultArn: null,
    storageClass: "WARM",
    backupSizeBytes: 1,
    isParent: false,
    parentRecoveryPointArn: null,
    vaultType: "BACKUP_VAULT",
    deleteAfterEvent: null,
    scanStatus: null,
    scannedAt: null,
    indexStatus: null,
    ...over,
  };
}

export function backupJob(over: Partial<BackupJob> = {}): BackupJob {
  return {
    accountId: ACCT,
    region: REGION,
    backupJobId: "job-1",
    state: "COMPLETED",
    statusMessage: null,
    messageCategory: "SUCCESS",
    resourceArn: `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-1`,
    resourceType: "EBS",
    backupVaultName: "main",
    recoveryPointArn: null,
    backupPlanId: "plan-1",
    backupRuleId: "rule-daily",
    creationDate: hoursBefore(7),
    completionDate: hoursBefore(6),
    backupSizeBytes: 1,
    isParent: false,
    parentJobId: null,
    iamRoleArn: null,
    ...over,
  };
}

export function restoreJob(over: Partial<RestoreJob> = {}): RestoreJob {
  return {
    accountId: ACCT,
    region: REGION,
    restoreJobId: "restore-1",
    status: "COMPLETED",
    statusMessage: null,
    recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-1`,
    sourceResourceArn: `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-1`,
    resourceType: "EBS",
    createdResourceArn: null,
    creationDate: daysBefore(10),
    completionDate: new Date(daysBefore(10).getTime() + 30 * 60_000),
    restoreTestingPlanArn: null,
    validationStatus: null,
    iamRoleArn: null,
    ...over,
  };
}

export function regionSettings(
  optIn: Record<string, boolean> = {},
  over: Partial<RegionSettings> = {},
): RegionSettings {
  const all = { EC2: true, EBS: true, RDS: true, Aurora: true, DynamoDB: true, EFS: true, FSx: true, S3: true };
  return {
    accountId: ACCT,
    region: REGION,
    resourceTypeOptIn: { ...all, ...optIn },
    resourceTypeManagement: {},
    ...over,
  };
}

export function snapshot(over: Partial<TenantSnapshot> = {}): TenantSnapshot {
  return {
    orgUnits: [],
    accounts: [account()],
    units: [unit()],
    plans: [plan()],
    vaults: [vault()],
    resources: [resource()],
    recoveryPoints: [recoveryPoint()],
    backupJobs: [backupJob()],
    copyJobs: [],
    restoreJobs: [],
    restoreTestingPlans: [],
    regionSettings: [regionSettings()],
    globalSettings: [],
    orgBackupPolicies: [],
    effectiveBackupPolicies: [],
    ...over,
  };
}

/** Evaluate one control and return its findings. */
export function run(
  controlId: ControlId,
  snap: TenantSnapshot,
  params: unknown = {},
  scope: Scope = EMPTY_SCOPE,
): Finding[] {
  const out: Finding[] = [];
  evaluateSnapshot(snap, { now: NOW }, [makeControlRun(controlId, params, scope)], (_k, f) => out.push(f));
  return out;
}

/** The single finding for a subject id (fails the test if there is not exactly one). */
export function only(findings: Finding[], subjectId?: string): Finding {
  const list = subjectId ? findings.filter((f) => f.subject.id === subjectId) : findings;
  if (list.length !== 1)
    throw new Error(
      `expected one finding${subjectId ? ` for ${subjectId}` : ""}, got ${list.length}: ${JSON.stringify(list.map((f) => [f.subject.id, f.status, f.reason]))}`,
    );
  return list[0]!;
}
