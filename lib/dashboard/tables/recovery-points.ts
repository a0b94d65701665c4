import { and, asc, desc, eq, gte, ilike, isNull, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { recoveryPoints, type RecoveryPointRow } from "@/db/schema";
import {
  NOT_SCANNED,
  SCAN_FILTER_STATUS,
  SCAN_FILTERS,
  SCAN_STATUS_LABELS,
  scanStatusLabel,
} from "@/lib/inventory/scan-status";
import { csvCellSql, csvRowSql, type CsvSqlKind } from "@/lib/reports/csv";
import { boundedCount } from "../count";
import { containsPattern, optionalAccount, optionalDate, optionalRegion, optionalText, sortDir } from "../filters";
import {
  cursorTime,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableColumn,
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

// The export's columns, each with the SQL that writes its cell as the value would be written
// (csvText); a test checks that both give the same bytes.
const scanLabelSql = sql`case ${recoveryPoints.scanStatus} ${sql.join(
  Object.entries(SCAN_STATUS_LABELS).map(([status, label]) => sql`when ${status} then ${label}`),
  sql` `,
)} else ${NOT_SCANNED} end`;
const COLUMNS: Array<TableColumn<RecoveryPointRow> & { sql: [SQL | { getSQL(): SQL }, CsvSqlKind] }> = [
  { key: "account_id", label: "Account", value: (r) => r.accountId, sql: [recoveryPoints.accountId, "text"] },
  { key: "region", label: "Region", value: (r) => r.region, sql: [recoveryPoints.region, "text"] },
  {
    key: "recovery_point_arn",
    label: "Recovery point ARN",
    value: (r) => r.recoveryPointArn,
    sql: [recoveryPoints.recoveryPointArn, "text"],
  },
  {
    key: "backup_vault_name",
    label: "Vault",
    value: (r) => r.backupVaultName,
    sql: [recoveryPoints.backupVaultName, "text"],
  },
  {
    key: "resource_arn",
    label: "Resource ARN",
    value: (r) => r.resourceArn,
    sql: [recoveryPoints.resourceArn, "text"],
  },
  {
    key: "resource_type",
    label: "Resource type",
    value: (r) => r.resourceType,
    sql: [recoveryPoints.resourceType, "text"],
  },
  {
    key: "creation_date",
    label: "Created",
    value: (r) => r.creationDate,
    sql: [recoveryPoints.creationDate, "timestamp"],
  },
  { key: "status", label: "Status", value: (r) => r.status, sql: [recoveryPoints.status, "text"] },
  {
    key: "is_encrypted",
    label: "Encrypted",
    value: (r) => r.isEncrypted,
    sql: [recoveryPoints.isEncrypted, "boolean"],
  },
  {
    key: "encryption_key_arn",
    label: "Key ARN",
    value: (r) => r.encryptionKeyArn,
    sql: [recoveryPoints.encryptionKeyArn, "text"],
  },
  {
    key: "delete_after_days",
    label: "Delete after (days)",
    value: (r) => r.deleteAfterDays,
    sql: [recoveryPoints.deleteAfterDays, "integer"],
  },
  {
    key: "move_to_cold_storage_after_days",
    label: "Cold after (days)",
    value: (r) => r.moveToColdStorageAfterDays,
    sql: [recoveryPoints.moveToColdStorageAfterDays, "integer"],
  },
  { key: "delete_at", label: "Deletes at", value: (r) => r.deleteAt, sql: [recoveryPoints.deleteAt, "timestamp"] },
  {
    key: "delete_after_event",
    label: "Deletes after event",
    value: (r) => r.deleteAfterEvent,
    sql: [recoveryPoints.deleteAfterEvent, "text"],
  },
  {
    key: "malware_scan",
    label: "Malware scan",
    value: (r) => scanStatusLabel(r.scanStatus),
    sql: [scanLabelSql, "text"],
  },
  { key: "scanned_at", label: "Scanned", value: (r) => r.scannedAt, sql: [recoveryPoints.scannedAt, "timestamp"] },
  {
    key: "index_status",
    label: "Search index",
    value: (r) => r.indexStatus,
    sql: [recoveryPoints.indexStatus, "text"],
  },
  {
    key: "storage_class",
    label: "Storage class",
    value: (r) => r.storageClass,
    sql: [recoveryPoints.storageClass, "text"],
  },
  {
    key: "backup_size_bytes",
    label: "Size (bytes)",
    value: (r) => r.backupSizeBytes,
    sql: [recoveryPoints.backupSizeBytes, "integer"],
  },
  { key: "backup_plan_id", label: "Plan ID", value: (r) => r.backupPlanId, sql: [recoveryPoints.backupPlanId, "text"] },
  {
    key: "source_backup_vault_arn",
    label: "Copied from vault",
    value: (r) => r.sourceBackupVaultArn,
    sql: [recoveryPoints.sourceBackupVaultArn, "text"],
  },
];
const CSV_LINE = csvRowSql(COLUMNS.map((c) => csvCellSql(...c.sql)));
/** Rows per query of csvText: about 4 MB of text. */
const CSV_PAGE = 10_000;
type CsvLine = { at: string; arn: string; line: string };

/**
 * The CSV records of every matching point, formatted by PostgreSQL, CSV_PAGE at a time in the
 * page's keyset order: a row is one text value, so the server neither reads the rows into
 * objects nor formats them (a million points took 53 s that way). The keyset position is kept as
 * PostgreSQL's own text, so microseconds are never rounded away between pages.
 */
export async function* recoveryPointsCsv(
  db: Db,
  scope: TableScope,
  f: RecoveryPointFilters,
  pageSize = CSV_PAGE,
): AsyncIterable<string> {
  const base = where(scope, f);
  const dir = f.dir === "asc" ? sql.raw("asc") : sql.raw("desc");
  const cmp = f.dir === "asc" ? sql.raw(">") : sql.raw("<");
  let after: [string, string] | null = null;
  for (;;) {
    const keyed: SQL[] = after
      ? [
          ...base,
          sql`(${recoveryPoints.creationDate}, ${recoveryPoints.recoveryPointArn}) ${cmp} (${after[0]}::timestamptz, ${after[1]})`,
        ]
      : base;
    const r: { rows: CsvLine[] } = await db.execute<CsvLine>(sql`
      select ${recoveryPoints.creationDate}::text as at, ${recoveryPoints.recoveryPointArn} as arn, ${CSV_LINE} as line
        from ${recoveryPoints} where ${and(...keyed)}
       order by ${recoveryPoints.creationDate} ${dir}, ${recoveryPoints.recoveryPointArn} ${dir}
       limit ${pageSize}`);
    const last = r.rows[r.rows.length - 1];
    if (!last) return;
    yield r.rows.map((x) => x.line).join("");
    if (r.rows.length < pageSize) return;
    after = [last.at, last.arn];
  }
}

export const recoveryPointsTable: TableDefinition<RecoveryPointFilters, RecoveryPointRow> = {
  name: "recovery-points",
  title: "Recovery points",
  filters: recoveryPointFilters,
  columns: COLUMNS.map(({ sql: _, ...c }) => c),
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f),
  csvText: (db, scope, f) => recoveryPointsCsv(db, scope, f),
};
