import { and, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { backupJobs, copyJobs, restoreJobs, type BackupJobRow, type CopyJobRow, type RestoreJobRow } from "@/db/schema";
import { boundedCount } from "../count";
import { containsPattern, optionalAccount, optionalDate, optionalRegion, optionalText } from "../filters";
import { decodeCursor, encodeCursor, iterateByPages, type TableDefinition, type TableScope } from "../table";
import { clock } from "@/lib/clock";

// Backup, copy and restore jobs, failures first. "Problem" follows the console: FAILED, ABORTED,
// EXPIRED, PARTIAL, and COMPLETED with a message category other than SUCCESS ("completed with
// issues"). The default window is the last 7 days; history goes back as far as we kept it.

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

function problemExpr(t: JobTable) {
  return sql<number>`(case when ${t.state} in ('FAILED','ABORTED','EXPIRED','PARTIAL') or (${t.state} = 'COMPLETED' and coalesce(${t.messageCategory}, 'SUCCESS') <> 'SUCCESS') then 1 else 0 end)`;
}

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
  if (f.state === "COMPLETED_WITH_ISSUES")
    w.push(sql`${t.state} = 'COMPLETED' and coalesce(${t.messageCategory}, 'SUCCESS') <> 'SUCCESS'`);
  else if (f.state) w.push(eq(t.state, f.state));
  if (f.resourceType) w.push(eq(t.resourceType, f.resourceType));
  if (f.resource) w.push(sql`${t.resourceArn} ilike ${containsPattern(f.resource)}`);
  if (f.problems) w.push(sql`${problemExpr(t)} = 1`);
  return w;
}

async function countCapped(db: Db, table: JobTable | typeof restoreJobs, where: SQL[]) {
  return boundedCount(db, table, and(...where));
}

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
    const base = whereFor(t, scope, f);
    const after = decodeCursor(cursor);
    const startPhase = after && after[0] === 0 ? 0 : after ? 1 : 0;
    const rows: Array<Row & { problem: boolean }> = [];
    let next: string | null = null;
    for (const phase of f.problems ? [1] : [1, 0]) {
      // phase 1 = problems (listed first), phase 0 = the rest
      if (startPhase === 0 && phase === 1 && after) continue;
      const keyed = [...base, sql`${problemExpr(t)} = ${phase}`];
      if (after && after[0] === phase)
        keyed.push(sql`(${t.creationDate}, ${idColumn}) < (${new Date(String(after[1]))}, ${String(after[2])})`);
      const got = (await db
        .select()
        .from(t)
        .where(and(...keyed))
        .orderBy(sql`${t.creationDate} desc`, sql`${idColumn} desc`)
        .limit(limit - rows.length + 1)) as Row[];
      const more = got.length > limit - rows.length;
      const shown = more ? got.slice(0, limit - rows.length) : got;
      rows.push(...shown.map((r) => ({ ...r, problem: phase === 1 })));
      const last = shown[shown.length - 1];
      if (more && last) {
        next = encodeCursor([phase, last.creationDate.toISOString(), idOf(last)]);
        break;
      }
      if (rows.length >= limit) {
        // The page ended exactly with this phase: the next one starts the other phase, if any.
        if (phase === 1 && !f.problems) next = encodeCursor([0, "9999-12-31T00:00:00.000Z", ""]);
        break;
      }
    }
    return { rows, next, total: cursor ? null : await countCapped(db, t, base) };
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
  const after = decodeCursor(cursor);
  if (after && after.length === 3)
    keyed.push(
      sql`(${problem}, ${t.creationDate}, ${t.restoreJobId}) < (${Number(after[0])}, ${new Date(String(after[1]))}, ${String(after[2])})`,
    );
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
