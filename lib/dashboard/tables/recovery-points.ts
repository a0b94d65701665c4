import { and, asc, desc, eq, gte, ilike, isNull, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { recoveryPoints, type RecoveryPointRow } from "@/db/schema";
import { SCAN_FILTER_STATUS, SCAN_FILTERS, scanStatusLabel } from "@/lib/inventory/scan-status";
import { boundedCount } from "../count";
import { containsPattern, optionalAccount, optionalDate, optionalRegion, optionalText, sortDir } from "../filters";
import {
  cursorTime,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";

const CURSOR = z.tuple([cursorTime, z.string()]);

export const recoveryPointFilters = z.object({
  account: optionalAccount,
  region: optionalRegion,
  vault: optionalText(200),
  resourceType: optionalText(40),
  status: optionalText(20),
  encrypted: z.preprocess((v) => (v === "yes" || v === "no" ? v : undefined), z.enum(["yes", "no"]).optional()),
  scan: z.preprocess(
    (v) => ((SCAN_FILTERS as readonly unknown[]).includes(v) ? v : undefined),
    z.enum(SCAN_FILTERS).optional(),
  ),
  resource: optionalText(300),
  from: optionalDate,
  to: optionalDate,
  dir: sortDir,
});
export type RecoveryPointFilters = z.infer<typeof recoveryPointFilters>;

function where(scope: TableScope, f: RecoveryPointFilters): SQL[] {
  const w: SQL[] = [eq(recoveryPoints.tenantId, scope.tenantId)];
  if (f.account) w.push(eq(recoveryPoints.accountId, f.account));
  if (f.region) w.push(eq(recoveryPoints.region, f.region));
  if (f.vault) w.push(eq(recoveryPoints.backupVaultName, f.vault));
  if (f.resourceType) w.push(eq(recoveryPoints.resourceType, f.resourceType));
  if (f.status) w.push(eq(recoveryPoints.status, f.status));
  if (f.encrypted) w.push(eq(recoveryPoints.isEncrypted, f.encrypted === "yes"));
  if (f.scan) {
    const status = SCAN_FILTER_STATUS[f.scan];
    w.push(status === null ? isNull(recoveryPoints.scanStatus) : eq(recoveryPoints.scanStatus, status));
  }
  if (f.resource) w.push(ilike(recoveryPoints.resourceArn, containsPattern(f.resource)));
  if (f.from) w.push(gte(recoveryPoints.creationDate, new Date(`${f.from}T00:00:00Z`)));
  if (f.to) w.push(lte(recoveryPoints.creationDate, new Date(`${f.to}T23:59:59.999Z`)));
  return w;
}

async function page(db: Db, scope: TableScope, f: RecoveryPointFilters, cursor: string | null, limit: number) {
  const base = where(scope, f);
  const after = decodeCursor(cursor, CURSOR);
  const keyed = [...base];
  // Keyset on (creation_date, arn): every page is an index range scan, however deep.
  if (after) {
    const cmp = f.dir === "asc" ? sql`>` : sql`<`;
    keyed.push(
      sql`(${recoveryPoints.creationDate}, ${recoveryPoints.recoveryPointArn}) ${cmp} (${after[0]}, ${after[1]})`,
    );
  }
  const order =
    f.dir === "asc"
      ? [asc(recoveryPoints.creationDate), asc(recoveryPoints.recoveryPointArn)]
      : [desc(recoveryPoints.creationDate), desc(recoveryPoints.recoveryPointArn)];
  const rows = await db
    .select()
    .from(recoveryPoints)
    .where(and(...keyed))
    .orderBy(...order)
    .limit(limit + 1);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  const total = cursor ? null : await boundedCount(db, recoveryPoints, and(...base));
  return {
    rows: shown,
    next: more && last ? encodeCursor([last.creationDate.toISOString(), last.recoveryPointArn]) : null,
    total,
  };
}

export const recoveryPointsTable: TableDefinition<RecoveryPointFilters, RecoveryPointRow> = {
  name: "recovery-points",
  title: "Recovery points",
  filters: recoveryPointFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "recovery_point_arn", label: "Recovery point ARN", value: (r) => r.recoveryPointArn },
    { key: "backup_vault_name", label: "Vault", value: (r) => r.backupVaultName },
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "creation_date", label: "Created", value: (r) => r.creationDate },
    { key: "status", label: "Status", value: (r) => r.status },
    { key: "is_encrypted", label: "Encrypted", value: (r) => r.isEncrypted },
    { key: "encryption_key_arn", label: "Key ARN", value: (r) => r.encryptionKeyArn },
    { key: "delete_after_days", label: "Delete after (days)", value: (r) => r.deleteAfterDays },
    { key: "move_to_cold_storage_after_days", label: "Cold after (days)", value: (r) => r.moveToColdStorageAfterDays },
    { key: "delete_at", label: "Deletes at", value: (r) => r.deleteAt },
    { key: "delete_after_event", label: "Deletes after event", value: (r) => r.deleteAfterEvent },
    { key: "malware_scan", label: "Malware scan", value: (r) => scanStatusLabel(r.scanStatus) },
    { key: "scanned_at", label: "Scanned", value: (r) => r.scannedAt },
    { key: "index_status", label: "Search index", value: (r) => r.indexStatus },
    { key: "storage_class", label: "Storage class", value: (r) => r.storageClass },
    { key: "backup_size_bytes", label: "Size (bytes)", value: (r) => r.backupSizeBytes },
    { key: "backup_plan_id", label: "Plan ID", value: (r) => r.backupPlanId },
    { key: "source_backup_vault_arn", label: "Copied from vault", value: (r) => r.sourceBackupVaultArn },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f),
};
