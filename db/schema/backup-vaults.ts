import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Vaults and their recovery points: current state per (account, region) unit. Recovery points
// are the largest table (a million rows per MSP): narrow columns, no JSON, one index.

export const backupVaults = pgTable(
  "backup_vaults",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    vaultName: text("vault_name").notNull(),
    vaultArn: text("vault_arn").notNull(),
    vaultType: text("vault_type").notNull(),
    vaultState: text("vault_state"),
    encryptionKeyArn: text("encryption_key_arn"),
    encryptionKeyType: text("encryption_key_type"),
    /** KMS's answer about the key (lib/inventory/types VaultKeyRead): described, aliased, not-found, unreadable; null: not asked. */
    keyManagerOutcome: text("key_manager_outcome"),
    /** AWS or CUSTOMER (KMS KeyManager), when KMS told. */
    keyManager: text("key_manager"),
    /** The key state, the alias that told, or why KMS could not tell. */
    keyManagerDetail: text("key_manager_detail"),
    creationDate: timestamp("creation_date", { withTimezone: true }),
    numberOfRecoveryPoints: bigint("number_of_recovery_points", { mode: "number" }).notNull(),
    locked: boolean("locked").notNull(),
    minRetentionDays: integer("min_retention_days"),
    maxRetentionDays: integer("max_retention_days"),
    lockDate: timestamp("lock_date", { withTimezone: true }),
    accessPolicy: text("access_policy"),
    notificationTopicArn: text("notification_topic_arn"),
    notificationEvents: text("notification_events").array().notNull(),
    /** Multi-party approval team (air-gapped vaults only; DescribeBackupVault). */
    mpaApprovalTeamArn: text("mpa_approval_team_arn"),
    /** Why the vault's RAM shares could not be read; null when they were. */
    sharesUnreadable: text("shares_unreadable"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.vaultName] }),
    index("backup_vaults_arn_idx").on(t.tenantId, t.vaultArn),
  ],
);
export type BackupVaultRow = typeof backupVaults.$inferSelect;

/** Principals a unit's vaults are shared with through AWS RAM (one row per vault and principal). */
export const backupVaultShares = pgTable(
  "backup_vault_shares",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    vaultArn: text("vault_arn").notNull(),
    resourceShareArn: text("resource_share_arn").notNull(),
    principal: text("principal").notNull(),
    external: boolean("external").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.vaultArn, t.resourceShareArn, t.principal] })],
);

export const recoveryPoints = pgTable(
  "recovery_points",
  {
    tenantId: uuid("tenant_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    recoveryPointArn: text("recovery_point_arn").notNull(),
    backupVaultName: text("backup_vault_name").notNull(),
    backupVaultArn: text("backup_vault_arn").notNull(),
    resourceArn: text("resource_arn").notNull(),
    resourceType: text("resource_type").notNull(),
    creationDate: timestamp("creation_date", { withTimezone: true }).notNull(),
    completionDate: timestamp("completion_date", { withTimezone: true }),
    status: text("status").notNull(),
    isEncrypted: boolean("is_encrypted").notNull(),
    encryptionKeyArn: text("encryption_key_arn"),
    /** Lifecycle as three columns (null all three = no lifecycle: never expires). */
    moveToColdStorageAfterDays: integer("move_to_cold_storage_after_days"),
    deleteAfterDays: integer("delete_after_days"),
    optInToArchive: boolean("opt_in_to_archive"),
    moveToColdStorageAt: timestamp("move_to_cold_storage_at", { withTimezone: true }),
    deleteAt: timestamp("delete_at", { withTimezone: true }),
    backupPlanId: text("backup_plan_id"),
    backupPlanArn: text("backup_plan_arn"),
    backupRuleId: text("backup_rule_id"),
    sourceBackupVaultArn: text("source_backup_vault_arn"),
    storageClass: text("storage_class"),
    backupSizeBytes: bigint("backup_size_bytes", { mode: "number" }),
    isParent: boolean("is_parent").notNull(),
    parentRecoveryPointArn: text("parent_recovery_point_arn"),
    vaultType: text("vault_type"),
    deleteAfterEvent: text("delete_after_event"),
    /** AggregatedScanResult: NO_THREATS_FOUND, THREATS_FOUND or FAILED; null: never scanned. */
    scanStatus: text("scan_status"),
    scannedAt: timestamp("scanned_at", { withTimezone: true }),
    indexStatus: text("index_status"),
  },
  // A resource's points live in its own unit's vaults (the key's prefix) and, as copies, in other
  // accounts' and regions' vaults. The created index serves the Recovery points page, newest first
  // across the tenant (keyset paging): without it each page sorts all the tenant's points. The
  // resource index finds one resource's points wherever they live (a resource's page, the recovery
  // readiness of an account's resources): without it each lookup reads all the tenant's points.
  // Its key repeats per point of a resource, so deduplication keeps it small (31 MB for 1.4M
  // points, against 291 MB for the created index). Each index costs insert time on a first sync.
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region, t.recoveryPointArn] }),
    index("recovery_points_created_idx").on(t.tenantId, t.creationDate, t.recoveryPointArn),
    index("recovery_points_resource_idx").on(t.tenantId, t.resourceArn),
    // Unencrypted points (BK-04's failures) are rare; the filter would otherwise scan them all.
    index("recovery_points_unencrypted_idx")
      .on(t.tenantId, t.creationDate, t.recoveryPointArn)
      .where(sql`not is_encrypted`),
    // Points a malware scan found infected are rare and the first thing looked for after an attack.
    index("recovery_points_threats_idx")
      .on(t.tenantId, t.creationDate, t.recoveryPointArn)
      .where(sql`scan_status = 'THREATS_FOUND'`),
  ],
);
export type RecoveryPointRow = typeof recoveryPoints.$inferSelect;
