// The five AWS Backup Audit Manager report layouts: template names and each template's columns, in
// AWS's order and spelling, so a pipeline built on AWS's report files reads ours unchanged.
//
// Sources (AWS Backup Developer Guide):
// - Columns: "Choosing your report template", the JSON sample of each template
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/choosing-report-template.html
// - Template names: ReportSetting.ReportTemplate
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ReportSetting.html
// - Files: a JSON report is one object `{"reportItems": [ … ]}`; a jobs report holds "jobs finished
//   in the last 24 hours and all active jobs", and shows no "completed with issues" status
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/working-with-audit-reports.html
//
// Where AWS's documentation disagrees with itself, the current English page's sample decides:
// - BACKUP_JOB_REPORT and COPY_JOB_REPORT have reportTimePeriodStart and reportTimePeriodEnd, but
//   RESTORE_JOB_REPORT keeps the older single "reportTimePeriod" ("start - end"), which every
//   template had in earlier versions of the page (still in its translations). Kept as documented.
// - COPY_JOB_REPORT's sample has no backupPlanArn or backupRuleId (BACKUP_JOB_REPORT's has), and
//   RESTORE_JOB_REPORT's has no resourceType or completionDate. Kept as documented.
// - CONTROL_COMPLIANCE_REPORT's second sample item lacks controlFrequency; the first has it, so
//   the column is kept (every item of ours has every column).
// - vaultType "is not included … in regions where logically air-gapped vaults are not
//   available"; ours always has the column, so every file has one header.
// - RESOURCE_COMPLIANCE_REPORT's current sample has no resourceName (older notes listed one).
// AWS documents no CSV header of its own; a CSV file's header row is these same names.

export const AUDIT_MANAGER_REPORTS = [
  "CONTROL_COMPLIANCE_REPORT",
  "RESOURCE_COMPLIANCE_REPORT",
  "BACKUP_JOB_REPORT",
  "COPY_JOB_REPORT",
  "RESTORE_JOB_REPORT",
] as const;
export type AuditManagerTemplate = (typeof AUDIT_MANAGER_REPORTS)[number];

export const BACKUP_JOB_COLUMNS = [
  "reportTimePeriodStart",
  "reportTimePeriodEnd",
  "accountId",
  "region",
  "backupJobId",
  "jobStatus",
  "resourceType",
  "resourceArn",
  "resourceName",
  "backupPlanArn",
  "backupRuleId",
  "initiationDate",
  "backupPlanName",
  "backupRuleName",
  "backupRuleSchedule",
  "backupRuleTimezone",
  "startWindowEnd",
  "backupOptions",
  "isParentJob",
  "parentJobId",
  "creationDate",
  "completionDate",
  "recoveryPointArn",
  "jobRunTime",
  "backupSizeInBytes",
  "backupVaultName",
  "backupVaultArn",
  "vaultType",
  "vaultLockStatus",
  "isEncrypted",
  "encryptionKeyArn",
  "deleteAfterDays",
  "moveToColdAfterDays",
  "enableArchive",
  "iamRoleArn",
] as const;

export const COPY_JOB_COLUMNS = [
  "reportTimePeriodStart",
  "reportTimePeriodEnd",
  "accountId",
  "region",
  "copyJobId",
  "jobStatus",
  "jobRunTime",
  "resourceType",
  "resourceArn",
  "resourceName",
  "initiationDate",
  "backupPlanName",
  "backupRuleName",
  "backupRuleSchedule",
  "backupRuleTimezone",
  "startWindowEnd",
  "backupOptions",
  "isParentJob",
  "parentJobId",
  "creationDate",
  "completionDate",
  "backupSizeInBytes",
  "sourceRecoveryPointArn",
  "sourceBackupVaultArn",
  "destinationRecoveryPointArn",
  "destinationBackupVaultArn",
  "vaultType",
  "vaultLockStatus",
  "isEncrypted",
  "encryptionKeyArn",
  "deleteAfterDays",
  "moveToColdAfterDays",
  "enableArchive",
  "iamRoleArn",
] as const;

export const RESTORE_JOB_COLUMNS = [
  "reportTimePeriod",
  "accountId",
  "region",
  "restoreJobId",
  "jobStatus",
  "recoveryPointArn",
  "resourceName",
  "initiationDate",
  "backupPlanName",
  "backupRuleName",
  "backupRuleSchedule",
  "backupRuleTimezone",
  "startWindowEnd",
  "backupOptions",
  "isParentJob",
  "parentJobId",
  "vaultType",
  "vaultLockStatus",
  "isEncrypted",
  "encryptionKeyArn",
  "deleteAfterDays",
  "moveToColdAfterDays",
  "enableArchive",
  "sourceResourceArn",
  "backupVaultArn",
  "creationDate",
  "backupSizeInBytes",
  "percentDone",
  "iamRoleArn",
] as const;

export const CONTROL_COMPLIANCE_COLUMNS = [
  "accountId",
  "region",
  "frameworkName",
  "frameworkDescription",
  "controlName",
  "controlComplianceStatus",
  "lastEvaluationTime",
  "numResourcesCompliant",
  "numResourcesNonCompliant",
  "controlFrequency",
  "controlScope",
  "controlParameters",
] as const;

export const RESOURCE_COMPLIANCE_COLUMNS = [
  "accountId",
  "region",
  "frameworkName",
  "frameworkDescription",
  "controlName",
  "resourceId",
  "resourceType",
  "resourceComplianceStatus",
  "lastEvaluationTime",
] as const;

export const AUDIT_MANAGER_COLUMNS = {
  CONTROL_COMPLIANCE_REPORT: CONTROL_COMPLIANCE_COLUMNS,
  RESOURCE_COMPLIANCE_REPORT: RESOURCE_COMPLIANCE_COLUMNS,
  BACKUP_JOB_REPORT: BACKUP_JOB_COLUMNS,
  COPY_JOB_REPORT: COPY_JOB_COLUMNS,
  RESTORE_JOB_REPORT: RESTORE_JOB_COLUMNS,
} as const satisfies Record<AuditManagerTemplate, readonly string[]>;

/** A cell: JSON writes it as is (AWS's samples type numbers and booleans); CSV as text. */
export type ReportValue = string | number | boolean | Record<string, string> | null;
export type ReportRow<C extends readonly string[]> = Record<C[number], ReportValue>;
