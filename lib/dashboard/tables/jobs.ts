import { and, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import {
  backupJobs,
  copyJobs,
  restoreJobs,
  scanJobs,
  type BackupJobRow,
  type CopyJobRow,
  type RestoreJobRow,
  type ScanJobRow,
} from "@/db/schema";
import { boundedCount } from "../count";
import { containsPattern, optionalAccount, optionalDate, optionalRegion, optionalText } from "../filters";
import {
  cursorTime,
  decodeCursor,
  encodeCursor,
  iterateByPages,
  type TableDefinition,
  type TableScope,
} from "../table";
import { clock } from "@/lib/clock";
import { completedWithIssuesSql, jobHasIssueSql } from "@/db/job-issue";

// Backup, copy and restore jobs, failures first. A backup or copy job is a "problem" when it has
// an issue (db/job-issue.ts, the rule BK-14 uses too). The default window is the last 7 days; history goes back as far as we kept it.

export const jobFilters = z.object({
  account: optionalAccount,
  region: optionalRegion,
  state: optionalText(30),
  resourceType: optionalText(40),
  resource: optionalText(300),
  problems: z.preprocess((v) => (v === "only" ? "only" : undefined), z.literal("only").optional()),
  from: optionalDate,
  to: optionalDate,
});
export type JobFilters = z.infer<typeof jobFilters>;

/** The window shown when no dates are given: backup and copy jobs, and restore jobs. */
export const DEFAULT_DAYS = 7;
export const RESTORE_DEFAULT_DAYS = 90;

type JobTable = typeof backupJobs | typeof copyJobs;

// Unqualified columns: every query here reads one job table. The same text as the partial
// problems index's predicate, so the planner can use that index.
const PROBLEM = sql.raw(jobHasIssueSql());
const COMPLETED_WITH_ISSUES = sql.raw(`state = 'COMPLETED' and ${completedWithIssuesSql()}`);

function windowOf(f: JobFilters, now = clock.now()): { from: Date; to: Date | null } {
  return {
    from: f.from ? new Date(`${f.from}T00:00:00Z`) : new Date(now.getTime() - DEFAULT_DAYS * 86_400_000),
    to: f.to ? new Date(`${f.to}T23:59:59.999Z`) : null,
  };
}

function whereFor(t: JobTable, scope: TableScope, f: JobFilters): SQL[] {
  const { from, to } = windowOf(f);
  const w: SQL[] = [eq(t.tenantId, scope.tenantId), gte(t.creationDate, from)];
  if (to) w.push(lte(t.creationDate, to));
  if (f.account) w.push(eq(t.accountId, f.account));
  if (f.region) w.push(eq(t.region, f.region));
  if (f.state === "COMPLETED_WITH_ISSUES") w.push(COMPLETED_WITH_ISSUES);
  else if (f.state) w.push(eq(t.state, f.state));
  if (f.resourceType) w.push(eq(t.resourceType, f.resourceType));
  if (f.resource) w.push(sql`${t.resourceArn} ilike ${containsPattern(f.resource)}`);
  if (f.problems) w.push(PROBLEM);
  return w;
}

async function countCapped(db: Db, table: JobTable | typeof restoreJobs | typeof scanJobs, where: SQL[]) {
  return boundedCount(db, table, and(...where));
}

// (phase: 1 problems, 0 the rest; creation date; job id) of the last row shown.
const JOB_CURSOR = z.tuple([z.union([z.literal(0), z.literal(1)]), cursorTime, z.string()]);

/**
 * Problems first, then the rest, each newest first: two keyset phases, so every page is an index
 * range scan (the problems through their partial index) instead of sorting the whole window.
 */
function jobPage<Row extends { creationDate: Date }>(
  t: JobTable,
  idColumn: typeof backupJobs.backupJobId | typeof copyJobs.copyJobId,
  idOf: (r: Row) => string,
) {
  return async (db: Db, scope: TableScope, f: JobFilters, cursor: string | null, limit: number) => {
    const after = decodeCursor(cursor, JOB_CURSOR);
    const base = whereFor(t, scope, f);
    const rows: Array<Row & { problem: boolean }> = [];
    // A cursor in the second phase has left the first behind.
    const phases = ((f.problems ? [1] : [1, 0]) as Array<0 | 1>).filter((p) => !after || p <= after[0]);
    for (const phase of phases) {
      const keyed = [...base, phase === 1 ? PROBLEM : sql`not ${PROBLEM}`];
      if (after && after[0] === phase) keyed.push(sql`(${t.creationDate}, ${idColumn}) < (${after[1]}, ${after[2]})`);
      // One row more than the page holds says whether there is a next page.
      const got = (await db
        .select()
        .from(t)
        .where(and(...keyed))
        .orderBy(sql`${t.creationDate} desc`, sql`${idColumn} desc`)
        .limit(limit + 1 - rows.length)) as Row[];
      rows.push(...got.map((r) => ({ ...r, problem: phase === 1 })));
      if (rows.length > limit) break;
    }
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    const next =
      rows.length > limit && last
        ? encodeCursor([last.problem ? 1 : 0, last.creationDate.toISOString(), idOf(last)])
        : null;
    return { rows: shown, next, total: cursor ? null : await countCapped(db, t, base) };
  };
}

export type BackupJobListRow = BackupJobRow & { problem: boolean };
export type CopyJobListRow = CopyJobRow & { problem: boolean };

const backupJobPage = jobPage<BackupJobRow>(backupJobs, backupJobs.backupJobId, (r) => r.backupJobId);
const copyJobPage = jobPage<CopyJobRow>(copyJobs, copyJobs.copyJobId, (r) => r.copyJobId);

export const backupJobsTable: TableDefinition<JobFilters, BackupJobListRow> = {
  name: "backup-jobs",
  title: "Backup jobs",
  filters: jobFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "backup_job_id", label: "Job ID", value: (r) => r.backupJobId },
    { key: "state", label: "State", value: (r) => r.state },
    { key: "message_category", label: "Message category", value: (r) => r.messageCategory },
    { key: "status_message", label: "Status message", value: (r) => r.statusMessage },
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "backup_vault_name", label: "Vault", value: (r) => r.backupVaultName },
    { key: "creation_date", label: "Created", value: (r) => r.creationDate },
    { key: "completion_date", label: "Completed", value: (r) => r.completionDate },
    { key: "backup_plan_id", label: "Plan ID", value: (r) => r.backupPlanId },
    { key: "recovery_point_arn", label: "Recovery point", value: (r) => r.recoveryPointArn },
  ],
  page: backupJobPage as TableDefinition<JobFilters, BackupJobListRow>["page"],
  iterate: (db, scope, f) =>
    iterateByPages(backupJobPage as TableDefinition<JobFilters, BackupJobListRow>["page"], db, scope, f),
};

export const copyJobsTable: TableDefinition<JobFilters, CopyJobListRow> = {
  name: "copy-jobs",
  title: "Copy jobs",
  filters: jobFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "copy_job_id", label: "Job ID", value: (r) => r.copyJobId },
    { key: "state", label: "State", value: (r) => r.state },
    { key: "status_message", label: "Status message", value: (r) => r.statusMessage },
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "source_backup_vault_arn", label: "From vault", value: (r) => r.sourceBackupVaultArn },
    { key: "destination_backup_vault_arn", label: "To vault", value: (r) => r.destinationBackupVaultArn },
    { key: "creation_date", label: "Created", value: (r) => r.creationDate },
    { key: "completion_date", label: "Completed", value: (r) => r.completionDate },
  ],
  page: copyJobPage as TableDefinition<JobFilters, CopyJobListRow>["page"],
  iterate: (db, scope, f) =>
    iterateByPages(copyJobPage as TableDefinition<JobFilters, CopyJobListRow>["page"], db, scope, f),
};

// Restore jobs: failures first too; `tests=only` keeps restore-testing runs.
export const restoreJobFilters = jobFilters.omit({ problems: true }).extend({
  tests: z.preprocess((v) => (v === "only" ? "only" : undefined), z.literal("only").optional()),
});
export type RestoreJobFilters = z.infer<typeof restoreJobFilters>;
export type RestoreJobListRow = RestoreJobRow & { problem: boolean; minutes: number | null };

async function restorePage(db: Db, scope: TableScope, f: RestoreJobFilters, cursor: string | null, limit: number) {
  const { from, to } = windowOf({
    ...f,
    from: f.from ?? clock.daysAgo(RESTORE_DEFAULT_DAYS).toISOString().slice(0, 10),
  });
  const t = restoreJobs;
  const problem = sql<number>`(case when ${t.status} in ('FAILED','ABORTED') or ${t.validationStatus} in ('FAILED','TIMED_OUT') then 1 else 0 end)`;
  const base: SQL[] = [eq(t.tenantId, scope.tenantId), gte(t.creationDate, from)];
  if (to) base.push(lte(t.creationDate, to));
  if (f.account) base.push(eq(t.accountId, f.account));
  if (f.region) base.push(eq(t.region, f.region));
  if (f.state) base.push(eq(t.status, f.state));
  if (f.resourceType) base.push(eq(t.resourceType, f.resourceType));
  if (f.resource) base.push(sql`coalesce(${t.sourceResourceArn}, '') ilike ${containsPattern(f.resource)}`);
  if (f.tests) base.push(sql`${t.restoreTestingPlanArn} is not null`);
  const keyed = [...base];
  const after = decodeCursor(cursor, JOB_CURSOR);
  if (after)
    keyed.push(sql`(${problem}, ${t.creationDate}, ${t.restoreJobId}) < (${after[0]}, ${after[1]}, ${after[2]})`);
  const rows = await db
    .select({ row: t, problem })
    .from(t)
    .where(and(...keyed))
    .orderBy(sql`${problem} desc`, sql`${t.creationDate} desc`, sql`${t.restoreJobId} desc`)
    .limit(limit + 1);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown.map((r) => ({
      ...r.row,
      problem: r.problem === 1,
      minutes: r.row.completionDate
        ? Math.round((r.row.completionDate.getTime() - r.row.creationDate.getTime()) / 60_000)
        : null,
    })),
    next:
      more && last ? encodeCursor([last.problem, last.row.creationDate.toISOString(), last.row.restoreJobId]) : null,
    total: cursor ? null : await countCapped(db, t, base),
  };
}

export const restoreJobsTable: TableDefinition<RestoreJobFilters, RestoreJobListRow> = {
  name: "restore-jobs",
  title: "Restore jobs",
  filters: restoreJobFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "restore_job_id", label: "Job ID", value: (r) => r.restoreJobId },
    { key: "status", label: "Status", value: (r) => r.status },
    { key: "status_message", label: "Status message", value: (r) => r.statusMessage },
    { key: "source_resource_arn", label: "Source resource", value: (r) => r.sourceResourceArn },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "restore_testing_plan_arn", label: "Restore testing plan", value: (r) => r.restoreTestingPlanArn },
    { key: "validation_status", label: "Validation", value: (r) => r.validationStatus },
    { key: "creation_date", label: "Created", value: (r) => r.creationDate },
    { key: "completion_date", label: "Completed", value: (r) => r.completionDate },
    { key: "minutes", label: "Duration (min)", value: (r) => r.minutes },
  ],
  page: restorePage,
  iterate: (db, scope, f) => iterateByPages(restorePage, db, scope, f),
};

// Malware scans of recovery points: threats found and failed scans first; `problems=only` keeps
// those. The default window is the backup jobs' (a scan follows each scanned backup).
export const scanJobFilters = jobFilters;
export type ScanJobListRow = ScanJobRow & { problem: boolean };

async function scanPage(db: Db, scope: TableScope, f: JobFilters, cursor: string | null, limit: number) {
  const { from, to } = windowOf(f);
  const t = scanJobs;
  const problem = sql<number>`(case when ${t.scanResultStatus} = 'THREATS_FOUND' or ${t.state} in ('FAILED','COMPLETED_WITH_ISSUES') then 1 else 0 end)`;
  const base: SQL[] = [eq(t.tenantId, scope.tenantId), gte(t.creationDate, from)];
  if (to) base.push(lte(t.creationDate, to));
  if (f.account) base.push(eq(t.accountId, f.account));
  if (f.region) base.push(eq(t.region, f.region));
  if (f.state) base.push(eq(t.state, f.state));
  if (f.resourceType) base.push(eq(t.resourceType, f.resourceType));
  if (f.resource) base.push(sql`${t.resourceArn} ilike ${containsPattern(f.resource)}`);
  if (f.problems) base.push(sql`${problem} = 1`);
  const keyed = [...base];
  const after = decodeCursor(cursor, JOB_CURSOR);
  if (after) keyed.push(sql`(${problem}, ${t.creationDate}, ${t.scanJobId}) < (${after[0]}, ${after[1]}, ${after[2]})`);
  const rows = await db
    .select({ row: t, problem })
    .from(t)
    .where(and(...keyed))
    .orderBy(sql`${problem} desc`, sql`${t.creationDate} desc`, sql`${t.scanJobId} desc`)
    .limit(limit + 1);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown.map((r) => ({ ...r.row, problem: r.problem === 1 })),
    next: more && last ? encodeCursor([last.problem, last.row.creationDate.toISOString(), last.row.scanJobId]) : null,
    total: cursor ? null : await countCapped(db, t, base),
  };
}

export const scanJobsTable: TableDefinition<JobFilters, ScanJobListRow> = {
  name: "scan-jobs",
  title: "Malware scan jobs",
  filters: scanJobFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "scan_job_id", label: "Job ID", value: (r) => r.scanJobId },
    { key: "state", label: "State", value: (r) => r.state },
    { key: "scan_result_status", label: "Result", value: (r) => r.scanResultStatus },
    { key: "status_message", label: "Status message", value: (r) => r.statusMessage },
    { key: "malware_scanner", label: "Scanner", value: (r) => r.malwareScanner },
    { key: "scan_mode", label: "Scan mode", value: (r) => r.scanMode },
    { key: "resource_arn", label: "Resource ARN", value: (r) => r.resourceArn },
    { key: "resource_type", label: "Resource type", value: (r) => r.resourceType },
    { key: "recovery_point_arn", label: "Recovery point ARN", value: (r) => r.recoveryPointArn },
    { key: "backup_vault_name", label: "Vault", value: (r) => r.backupVaultName },
    { key: "creation_date", label: "Created", value: (r) => r.creationDate },
    { key: "completion_date", label: "Completed", value: (r) => r.completionDate },
  ],
  page: scanPage,
  iterate: (db, scope, f) => iterateByPages(scanPage, db, scope, f),
};
