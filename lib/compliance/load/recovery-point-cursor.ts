// Recovery points through a server-side cursor, a few thousand rows at a time: a million of them
// as objects would take ~600 MB, a chunk takes a few MB. Rows come in primary-key order
// (account, region, ARN), which the streamed evaluation needs. The caller's transaction must stay
// open while the generator runs.
import type { Lifecycle, RecoveryPoint, VaultType } from "@/lib/inventory/types";
import type { Queryable } from "./load-snapshot";

// Only what controls, facts and evidence read; times as epoch milliseconds (parsing a million
// timestamp strings costs more than the rest of a row).
const ms = (c: string) => `(extract(epoch from ${c}) * 1000)::float8`;
const COLUMNS = [
  "account_id",
  "region",
  "recovery_point_arn",
  "backup_vault_name",
  "backup_vault_arn",
  "resource_arn",
  "resource_type",
  ms("creation_date"),
  "status",
  "is_encrypted",
  "encryption_key_arn",
  "move_to_cold_storage_after_days",
  "delete_after_days",
  "opt_in_to_archive",
  ms("move_to_cold_storage_at"),
  ms("delete_at"),
  "backup_plan_id",
  "backup_rule_id",
  "source_backup_vault_arn",
  "storage_class",
  "is_parent",
  "vault_type",
  "delete_after_event",
  "scan_status",
  ms("scanned_at"),
  "index_status",
];

let cursorSeq = 0;
const date = (v: unknown) => (v === null ? null : new Date(v as number));

function toPoint(r: unknown[]): RecoveryPoint {
  // The sync writes opt_in_to_archive only when AWS returned a lifecycle: null means none (never expires).
  const lifecycle: Lifecycle | null =
    r[13] === null
      ? null
      : {
          moveToColdStorageAfterDays: r[11] as number | null,
          deleteAfterDays: r[12] as number | null,
          optInToArchiveForSupportedResources: r[13] as boolean,
        };
  return {
    accountId: r[0] as string,
    region: r[1] as string,
    recoveryPointArn: r[2] as string,
    backupVaultName: r[3] as string,
    backupVaultArn: r[4] as string,
    resourceArn: r[5] as string,
    resourceType: r[6] as string,
    creationDate: new Date(r[7] as number),
    completionDate: null,
    status: r[8] as RecoveryPoint["status"],
    isEncrypted: r[9] as boolean,
    encryptionKeyArn: r[10] as string | null,
    lifecycle,
    moveToColdStorageAt: date(r[14]),
    deleteAt: date(r[15]),
    backupPlanId: r[16] as string | null,
    backupPlanArn: null,
    backupRuleId: r[17] as string | null,
    sourceBackupVaultArn: r[18] as string | null,
    storageClass: r[19] as RecoveryPoint["storageClass"],
    backupSizeBytes: null,
    isParent: r[20] as boolean,
    parentRecoveryPointArn: null,
    vaultType: r[21] as VaultType | null,
    deleteAfterEvent: r[22] as RecoveryPoint["deleteAfterEvent"],
    scanStatus: r[23] as RecoveryPoint["scanStatus"],
    scannedAt: date(r[24]),
    indexStatus: r[25] as RecoveryPoint["indexStatus"],
  };
}

export async function* streamRecoveryPoints(
  db: Queryable,
  tenantId: string,
  chunkSize = 2000,
): AsyncGenerator<RecoveryPoint[]> {
  const name = `compliance_rp_${++cursorSeq}`;
  await db.query(
    `declare ${name} no scroll cursor for select ${COLUMNS.join(", ")} from recovery_points where tenant_id = $1 order by account_id, region, recovery_point_arn`,
    [tenantId],
  );
  try {
    // The next chunk is asked for before this one is handed over: Postgres reads while we evaluate.
    const fetchNext = () => db.query({ text: `fetch ${chunkSize} from ${name}`, rowMode: "array" });
    let next = fetchNext();
    for (;;) {
      const res = await next;
      if (res.rows.length === 0) return;
      next = fetchNext();
      next.catch(() => undefined);
      yield (res.rows as unknown[][]).map(toPoint);
    }
  } finally {
    await db.query(`close ${name}`).catch(() => undefined);
  }
}
