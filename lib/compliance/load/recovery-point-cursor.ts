// Recovery points through a server-side cursor, a few thousand rows at a time: a million of them
// as objects would take ~600 MB, a chunk takes a few MB. Rows come in primary-key order
// (account, region, ARN), which the streamed evaluation needs. The caller's transaction must stay
// open while the generator runs.
import type { Lifecycle, RecoveryPoint, VaultType } from "@/lib/inventory/types";
import type { Queryable } from "./load-snapshot";

const COLUMNS = [
  "account_id", "region", "recovery_point_arn", "backup_vault_name", "backup_vault_arn", "resource_arn", "resource_type",
  "creation_date", "completion_date", "status", "is_encrypted", "encryption_key_arn", "move_to_cold_storage_after_days",
  "delete_after_days", "opt_in_to_archive", "move_to_cold_storage_at", "delete_at", "backup_plan_id", "backup_plan_arn",
  "backup_rule_id", "source_backup_vault_arn", "storage_class", "backup_size_bytes", "is_parent", "parent_recovery_point_arn", "vault_type",
] as const;

let cursorSeq = 0;

function toPoint(r: unknown[]): RecoveryPoint {
  // The sync writes opt_in_to_archive only when AWS returned a lifecycle: null means none (never expires).
  const lifecycle: Lifecycle | null =
    r[14] === null ? null : { moveToColdStorageAfterDays: r[12] as number | null, deleteAfterDays: r[13] as number | null, optInToArchiveForSupportedResources: r[14] as boolean };
  return {
    accountId: r[0] as string,
    region: r[1] as string,
    recoveryPointArn: r[2] as string,
    backupVaultName: r[3] as string,
    backupVaultArn: r[4] as string,
    resourceArn: r[5] as string,
    resourceType: r[6] as string,
    creationDate: r[7] as Date,
    completionDate: r[8] as Date | null,
    status: r[9] as RecoveryPoint["status"],
    isEncrypted: r[10] as boolean,
    encryptionKeyArn: r[11] as string | null,
    lifecycle,
    moveToColdStorageAt: r[15] as Date | null,
    deleteAt: r[16] as Date | null,
    backupPlanId: r[17] as string | null,
    backupPlanArn: r[18] as string | null,
    backupRuleId: r[19] as string | null,
    sourceBackupVaultArn: r[20] as string | null,
    storageClass: r[21] as RecoveryPoint["storageClass"],
    backupSizeBytes: r[22] as number | null,
    isParent: r[23] as boolean,
    parentRecoveryPointArn: r[24] as string | null,
    vaultType: r[25] as VaultType | null,
  };
}

export async function* streamRecoveryPoints(db: Queryable, tenantId: string, chunkSize = 5000): AsyncGenerator<RecoveryPoint[]> {
  const name = `compliance_rp_${++cursorSeq}`;
  await db.query(`declare ${name} no scroll cursor for select ${COLUMNS.join(", ")} from recovery_points where tenant_id = $1 order by account_id, region, recovery_point_arn`, [tenantId]);
  try {
    for (;;) {
      const res = await db.query({ text: `fetch ${chunkSize} from ${name}`, rowMode: "array" });
      if (res.rows.length === 0) return;
      yield (res.rows as unknown[][]).map(toPoint);
    }
  } finally {
    await db.query(`close ${name}`).catch(() => undefined);
  }
}
