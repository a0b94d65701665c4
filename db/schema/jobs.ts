import { sql } from "drizzle-orm";
import { jobHasIssueSql } from "../job-issue";
import { bigint, boolean, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Backup, copy and restore jobs: history, kept beyond AWS's 30-day window and fetched
// incrementally. Range-partitioned by month of creation_date (custom migration
// drizzle/0003_sync_partitions_staging.sql; partitions are created ahead by lib/sync), so
// retention drops whole months instead of deleting rows. The key includes creation_date
// because a partitioned table's unique keys must contain the partition key. One secondary index
// each (tenant, time): a million-row first sync pays for every index entry, and per-resource
// job facts are computed set-based over a tenant anyway. Beyond it only partial indexes, over
// the few rows a page asks for one by one (problems, validated restores).

export const backupJobs = pgTable(
  "backup_jobs",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    backupJobId: text("backup_job_id").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }).notNull(),
    state: text("state").notNull(),
    statusMessage: text("status_message"),
    messageCategory: text("message_category"),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    backupVaultName: text("backup_vault_name").notNull(),
    recoveryPointArn: text("recovery_point_arn"),
    backupPlanId: text("backup_plan_id"),
    backupRuleId: text("backup_rule_id"),
    completionDate: timestamp("completion_date", { withTimezone: true }),
    backupSizeBytes: bigint("backup_size_bytes", { mode: "number" }),
    isParent: boolean("is_parent").notNull(),
    parentJobId: text("parent_job_id"),
    iamRoleArn: text("iam_role_arn"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.backupJobId, t.creationDate] }),
    index("backup_jobs_tenant_time_idx").on(t.tenantId, t.creationDate),
    // The Jobs page lists problems first: a partial index holds only those (a few percent).
    index("backup_jobs_problems_idx").on(t.tenantId, t.creationDate, t.backupJobId).where(sql.raw(jobHasIssueSql())),
  ],
);
export type BackupJobRow = typeof backupJobs.$inferSelect;

export const copyJobs = pgTable(
  "copy_jobs",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    copyJobId: text("copy_job_id").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }).notNull(),
    state: text("state").notNull(),
    statusMessage: text("status_message"),
    messageCategory: text("message_category"),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    sourceBackupVaultArn: text("source_backup_vault_arn").notNull(),
    sourceRecoveryPointArn: text("source_recovery_point_arn").notNull(),
    destinationBackupVaultArn: text("destination_backup_vault_arn").notNull(),
    destinationRecoveryPointArn: text("destination_recovery_point_arn"),
    completionDate: timestamp("completion_date", { withTimezone: true }),
    backupSizeBytes: bigint("backup_size_bytes", { mode: "number" }),
    iamRoleArn: text("iam_role_arn"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.copyJobId, t.creationDate] }),
    index("copy_jobs_tenant_time_idx").on(t.tenantId, t.creationDate),
    index("copy_jobs_problems_idx").on(t.tenantId, t.creationDate, t.copyJobId).where(sql.raw(jobHasIssueSql())),
  ],
);
export type CopyJobRow = typeof copyJobs.$inferSelect;

export const restoreJobs = pgTable(
  "restore_jobs",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    restoreJobId: text("restore_job_id").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }).notNull(),
    status: text("status").notNull(),
    statusMessage: text("status_message"),
    recoveryPointArn: text("recovery_point_arn").notNull(),
    sourceResourceArn: text("source_resource_arn"),
    resourceType: text("resource_type").notNull(),
    createdResourceArn: text("created_resource_arn"),
    completionDate: timestamp("completion_date", { withTimezone: true }),
    restoreTestingPlanArn: text("restore_testing_plan_arn"),
    validationStatus: text("validation_status"),
    iamRoleArn: text("iam_role_arn"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.restoreJobId, t.creationDate] }),
    index("restore_jobs_tenant_time_idx").on(t.tenantId, t.creationDate),
    // A resource's newest validated (and failed) restore tests, wherever they ran: only restores
    // with a validation status (restore testing's), so it stays small.
    index("restore_jobs_validated_idx")
      .on(t.tenantId, t.sourceResourceArn, t.creationDate)
      .where(sql`validation_status is not null`),
  ],
);
export type RestoreJobRow = typeof restoreJobs.$inferSelect;

/** Malware scans of recovery points (GuardDuty Malware Protection for AWS Backup). */
export const scanJobs = pgTable(
  "scan_jobs",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    scanJobId: text("scan_job_id").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }).notNull(),
    state: text("state").notNull(),
    statusMessage: text("status_message"),
    scanResultStatus: text("scan_result_status"),
    malwareScanner: text("malware_scanner").notNull(),
    scanMode: text("scan_mode"),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    recoveryPointArn: text("recovery_point_arn").notNull(),
    backupVaultName: text("backup_vault_name").notNull(),
    backupPlanId: text("backup_plan_id"),
    backupRuleId: text("backup_rule_id"),
    completionDate: timestamp("completion_date", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.scanJobId, t.creationDate] }),
    index("scan_jobs_tenant_time_idx").on(t.tenantId, t.creationDate),
  ],
);
export type ScanJobRow = typeof scanJobs.$inferSelect;
