import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { ACTIVE_JOB_STATES } from "@/db/job-issue";
import type { ReportPeriod } from "@/lib/reports/period";
import { BACKUP_JOB_COLUMNS, COPY_JOB_COLUMNS, RESTORE_JOB_COLUMNS, type ReportRow, type ReportValue } from "./columns";

// Rows of the three jobs reports, read from the synced job tables a page at a time (keyset on the
// tables' (creation_date, account, region, job id) order), with the plan, rule, vault, recovery
// point and resource name each job refers to. Nothing is guessed: a field the sync does not read
// (initiationDate, startWindowEnd, backupOptions, a copy's parent job, a restore's size and
// progress) is null in JSON and empty in CSV.
//
// Which jobs: AWS's daily report holds the jobs that finished in its 24 hours plus every job still
// active. For a period that is: jobs that finished in it, jobs active at its end (created before
// the end, finished after it or not yet), and jobs created in it that ended without a completion
// date. A job created more than JOB_WINDOW_DAYS before the period is left out: AWS lists jobs
// for 30 days only, so an older one the sync last saw running is not known to be running still,
// and the bound keeps every page an index range scan of the (tenant, creation_date) index.

export const JOB_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;
const PAGE = 2_000;

export interface JobReportQuery {
  tenantId: string;
  period: ReportPeriod;
  accountIds?: string[];
  regions?: string[];
  /** Rows a page (tests page through small worlds with a small one). */
  pageSize?: number;
}

type Raw = Record<string, unknown>;

/** The period's bounds as AWS writes them: whole seconds, UTC. */
export const awsInstant = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

// drizzle's execute hands timestamps over as PostgreSQL's text ("2026-05-10 01:22:20.5+00"),
// which also keeps the keyset position exact to the microsecond.
const PG_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2})(?::?(\d{2}))?$/;
export function pgTime(v: unknown): Date | null {
  if (v instanceof Date) return v;
  const m = typeof v === "string" ? PG_TIME.exec(v) : null;
  if (!m) return null;
  const ms = (m[3] ?? "").padEnd(3, "0").slice(0, 3);
  return new Date(`${m[1]}T${m[2]}.${ms}${m[4]}:${m[5] ?? "00"}`);
}
const iso = (v: unknown): string | null => pgTime(v)?.toISOString() ?? null;
const text = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

/** "HH:MM:SS" from creation to completion, as AWS's sample writes jobRunTime; null while running. */
export function jobRunTime(creationDate: unknown, completionDate: unknown): string | null {
  const creation = pgTime(creationDate);
  const completion = pgTime(completionDate);
  if (!creation || !completion) return null;
  const s = Math.max(0, Math.floor((completion.getTime() - creation.getTime()) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** The vault's lock as AWS's sample spells it. */
const lockStatus = (locked: unknown): string | null =>
  locked === true ? "LOCKED" : locked === false ? "UNLOCKED" : null;

function whereJobs(alias: string, stateColumn: string, q: JobReportQuery): SQL {
  const j = sql.raw(alias);
  const state = sql.raw(`${alias}.${stateColumn}`);
  const lower = new Date(q.period.from.getTime() - JOB_WINDOW_DAYS * DAY_MS);
  const parts: SQL[] = [
    sql`${j}.tenant_id = ${q.tenantId}`,
    sql`${j}.creation_date >= ${lower}`,
    sql`${j}.creation_date < ${q.period.to}`,
    sql`(${j}.completion_date >= ${q.period.from}
          or (${j}.completion_date is null
              and (${state} in (${sql.join(
                ACTIVE_JOB_STATES.map((s) => sql`${s}`),
                sql`, `,
              )}) or ${j}.creation_date >= ${q.period.from})))`,
  ];
  if (q.accountIds?.length) parts.push(sql`${j}.account_id = any(${sql.param(q.accountIds)}::text[])`);
  if (q.regions?.length) parts.push(sql`${j}.region = any(${sql.param(q.regions)}::text[])`);
  return sql.join(parts, sql` and `);
}

/** Pages of one job table in (creation_date, account, region, id) order until the end. */
async function* pages(db: Db, idColumn: string, pageSize: number, query: (after: SQL) => SQL): AsyncGenerator<Raw[]> {
  let after: SQL = sql`true`;
  const id = sql.raw(`j.${idColumn}`);
  for (;;) {
    const { rows } = await db.execute<Raw>(
      sql`${query(after)} order by j.creation_date, j.account_id, j.region, ${id} limit ${pageSize}`,
    );
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    // The first term bounds the (tenant, creation_date) index scan; the row comparison breaks ties.
    const at = sql`${last.creation_date as string}::timestamptz`;
    after = sql`j.creation_date >= ${at} and (j.creation_date, j.account_id, j.region, ${id}) > (${at}, ${last.account_id as string}, ${last.region as string}, ${last[idColumn] as string})`;
  }
}

// The rule a job ran under: its plan's current version when that still has the rule, otherwise
// the newest version that had it (rule ids survive plan edits that keep the rule).
const ruleOf = (planId: string, ruleId: string) =>
  sql.raw(`left join lateral (
    select r.rule_name, r.schedule_expression, r.schedule_expression_timezone, r.lifecycle
      from backup_rules r
      left join backup_plan_versions pv on pv.tenant_id = r.tenant_id and pv.account_id = r.account_id
        and pv.region = r.region and pv.plan_id = r.plan_id and pv.version_id = r.version_id
     where r.tenant_id = j.tenant_id and r.account_id = j.account_id and r.region = j.region
       and r.plan_id = ${planId} and r.rule_id = ${ruleId}
     order by r.version_id = p.version_id desc nulls last, pv.creation_date desc nulls last, r.version_id
     limit 1) r on true`);

/** Lifecycle of the recovery point the job made when the sync holds it, otherwise its rule's. */
function lifecycleOf(
  row: Raw,
): Pick<Record<string, ReportValue>, "deleteAfterDays" | "moveToColdAfterDays" | "enableArchive"> {
  if (row.rp_found)
    return {
      deleteAfterDays: num(row.rp_delete_after_days),
      moveToColdAfterDays: num(row.rp_move_to_cold_after_days),
      enableArchive: bool(row.rp_opt_in_to_archive),
    };
  const rule = row.rule_lifecycle as {
    deleteAfterDays?: number | null;
    moveToColdStorageAfterDays?: number | null;
    optInToArchiveForSupportedResources?: boolean;
  } | null;
  return {
    deleteAfterDays: num(rule?.deleteAfterDays),
    moveToColdAfterDays: num(rule?.moveToColdStorageAfterDays),
    enableArchive: bool(rule?.optInToArchiveForSupportedResources),
  };
}

const RP_FIELDS = sql.raw(`rp.recovery_point_arn is not null as rp_found, rp.is_encrypted as rp_is_encrypted,
  rp.encryption_key_arn as rp_encryption_key_arn, rp.delete_after_days as rp_delete_after_days,
  rp.move_to_cold_storage_after_days as rp_move_to_cold_after_days, rp.opt_in_to_archive as rp_opt_in_to_archive`);
const VAULT_FIELDS = sql.raw(`v.vault_arn as vault_arn, v.vault_type as vault_type, v.locked as vault_locked,
  v.encryption_key_arn as vault_encryption_key_arn`);
const RULE_FIELDS = sql.raw(
  `r.rule_name, r.schedule_expression, r.schedule_expression_timezone, r.lifecycle as rule_lifecycle`,
);

/** Encryption of the recovery point when the sync holds it, otherwise of its vault. */
function encryptionOf(row: Raw): { isEncrypted: boolean | null; encryptionKeyArn: string | null } {
  if (row.rp_found)
    return { isEncrypted: bool(row.rp_is_encrypted), encryptionKeyArn: text(row.rp_encryption_key_arn) };
  const key = text(row.vault_encryption_key_arn);
  return { isEncrypted: key ? true : null, encryptionKeyArn: key };
}

export async function* backupJobRows(
  db: Db,
  q: JobReportQuery,
): AsyncGenerator<Array<ReportRow<typeof BACKUP_JOB_COLUMNS>>> {
  const query = (after: SQL) => sql`
    select j.*, pr.resource_name, p.plan_arn, p.plan_name, ${RULE_FIELDS}, ${VAULT_FIELDS}, ${RP_FIELDS}
      from backup_jobs j
      left join protected_resources pr on pr.tenant_id = j.tenant_id and pr.account_id = j.account_id
        and pr.region = j.region and pr.resource_arn = j.resource_arn
      left join backup_plans p on p.tenant_id = j.tenant_id and p.account_id = j.account_id
        and p.region = j.region and p.plan_id = j.backup_plan_id
      ${ruleOf("j.backup_plan_id", "j.backup_rule_id")}
      left join backup_vaults v on v.tenant_id = j.tenant_id and v.account_id = j.account_id
        and v.region = j.region and v.vault_name = j.backup_vault_name
      left join recovery_points rp on rp.tenant_id = j.tenant_id and rp.account_id = j.account_id
        and rp.region = j.region and rp.recovery_point_arn = j.recovery_point_arn
     where ${whereJobs("j", "state", q)} and ${after}`;
  const start = awsInstant(q.period.from);
  const end = awsInstant(q.period.to);
  for await (const page of pages(db, "backup_job_id", q.pageSize ?? PAGE, query))
    yield page.map((row) => ({
      reportTimePeriodStart: start,
      reportTimePeriodEnd: end,
      accountId: text(row.account_id),
      region: text(row.region),
      backupJobId: text(row.backup_job_id),
      jobStatus: text(row.state),
      resourceType: text(row.resource_type),
      resourceArn: text(row.resource_arn),
      resourceName: text(row.resource_name),
      backupPlanArn: text(row.plan_arn),
      backupRuleId: text(row.backup_rule_id),
      initiationDate: null,
      backupPlanName: text(row.plan_name),
      backupRuleName: text(row.rule_name),
      backupRuleSchedule: text(row.schedule_expression),
      backupRuleTimezone: text(row.schedule_expression_timezone),
      startWindowEnd: null,
      backupOptions: null,
      isParentJob: bool(row.is_parent),
      parentJobId: text(row.parent_job_id),
      creationDate: iso(row.creation_date),
      completionDate: iso(row.completion_date),
      recoveryPointArn: text(row.recovery_point_arn),
      jobRunTime: jobRunTime(row.creation_date, row.completion_date),
      backupSizeInBytes: num(row.backup_size_bytes),
      backupVaultName: text(row.backup_vault_name),
      backupVaultArn: text(row.vault_arn),
      vaultType: text(row.vault_type),
      vaultLockStatus: lockStatus(row.vault_locked),
      ...encryptionOf(row),
      ...lifecycleOf(row),
      iamRoleArn: text(row.iam_role_arn),
    }));
}

// A copy job is listed in its source account and region; its plan and rule are the source
// recovery point's, and the vault, encryption and lifecycle fields describe the copy it makes:
// the destination vault and recovery point (found by the account and region in their ARNs).
export async function* copyJobRows(
  db: Db,
  q: JobReportQuery,
): AsyncGenerator<Array<ReportRow<typeof COPY_JOB_COLUMNS>>> {
  const query = (after: SQL) => sql`
    select j.*, pr.resource_name, p.plan_name, ${RULE_FIELDS}, ${VAULT_FIELDS}, ${RP_FIELDS}
      from copy_jobs j
      left join protected_resources pr on pr.tenant_id = j.tenant_id and pr.account_id = j.account_id
        and pr.region = j.region and pr.resource_arn = j.resource_arn
      left join recovery_points src on src.tenant_id = j.tenant_id and src.account_id = j.account_id
        and src.region = j.region and src.recovery_point_arn = j.source_recovery_point_arn
      left join backup_plans p on p.tenant_id = j.tenant_id and p.account_id = j.account_id
        and p.region = j.region and p.plan_id = src.backup_plan_id
      ${ruleOf("src.backup_plan_id", "src.backup_rule_id")}
      left join backup_vaults v on v.tenant_id = j.tenant_id
        and v.account_id = split_part(j.destination_backup_vault_arn, ':', 5)
        and v.region = split_part(j.destination_backup_vault_arn, ':', 4)
        and v.vault_arn = j.destination_backup_vault_arn
      left join recovery_points rp on rp.tenant_id = j.tenant_id
        and rp.account_id = split_part(j.destination_backup_vault_arn, ':', 5)
        and rp.region = split_part(j.destination_backup_vault_arn, ':', 4)
        and rp.recovery_point_arn = j.destination_recovery_point_arn
     where ${whereJobs("j", "state", q)} and ${after}`;
  const start = awsInstant(q.period.from);
  const end = awsInstant(q.period.to);
  for await (const page of pages(db, "copy_job_id", q.pageSize ?? PAGE, query))
    yield page.map((row) => ({
      reportTimePeriodStart: start,
      reportTimePeriodEnd: end,
      accountId: text(row.account_id),
      region: text(row.region),
      copyJobId: text(row.copy_job_id),
      jobStatus: text(row.state),
      jobRunTime: jobRunTime(row.creation_date, row.completion_date),
      resourceType: text(row.resource_type),
      resourceArn: text(row.resource_arn),
      resourceName: text(row.resource_name),
      initiationDate: null,
      backupPlanName: text(row.plan_name),
      backupRuleName: text(row.rule_name),
      backupRuleSchedule: text(row.schedule_expression),
      backupRuleTimezone: text(row.schedule_expression_timezone),
      startWindowEnd: null,
      backupOptions: null,
      isParentJob: null,
      parentJobId: null,
      creationDate: iso(row.creation_date),
      completionDate: iso(row.completion_date),
      backupSizeInBytes: num(row.backup_size_bytes),
      sourceRecoveryPointArn: text(row.source_recovery_point_arn),
      sourceBackupVaultArn: text(row.source_backup_vault_arn),
      destinationRecoveryPointArn: text(row.destination_recovery_point_arn),
      destinationBackupVaultArn: text(row.destination_backup_vault_arn),
      vaultType: text(row.vault_type),
      vaultLockStatus: lockStatus(row.vault_locked),
      ...encryptionOf(row),
      ...lifecycleOf(row),
      iamRoleArn: text(row.iam_role_arn),
    }));
}

// A restore job reads one recovery point of its own account and region: the plan, rule, vault,
// encryption and lifecycle fields are that recovery point's.
export async function* restoreJobRows(
  db: Db,
  q: JobReportQuery,
): AsyncGenerator<Array<ReportRow<typeof RESTORE_JOB_COLUMNS>>> {
  const query = (after: SQL) => sql`
    select j.*, pr.resource_name, p.plan_name, rp.backup_vault_arn as rp_vault_arn, ${RULE_FIELDS}, ${VAULT_FIELDS}, ${RP_FIELDS}
      from restore_jobs j
      left join recovery_points rp on rp.tenant_id = j.tenant_id and rp.account_id = j.account_id
        and rp.region = j.region and rp.recovery_point_arn = j.recovery_point_arn
      left join protected_resources pr on pr.tenant_id = j.tenant_id and pr.account_id = j.account_id
        and pr.region = j.region and pr.resource_arn = coalesce(j.source_resource_arn, rp.resource_arn)
      left join backup_plans p on p.tenant_id = j.tenant_id and p.account_id = j.account_id
        and p.region = j.region and p.plan_id = rp.backup_plan_id
      ${ruleOf("rp.backup_plan_id", "rp.backup_rule_id")}
      left join backup_vaults v on v.tenant_id = j.tenant_id and v.account_id = j.account_id
        and v.region = j.region and v.vault_name = rp.backup_vault_name
     where ${whereJobs("j", "status", q)} and ${after}`;
  const reportTimePeriod = `${awsInstant(q.period.from)} - ${awsInstant(q.period.to)}`;
  for await (const page of pages(db, "restore_job_id", q.pageSize ?? PAGE, query))
    yield page.map((row) => ({
      reportTimePeriod,
      accountId: text(row.account_id),
      region: text(row.region),
      restoreJobId: text(row.restore_job_id),
      jobStatus: text(row.status),
      recoveryPointArn: text(row.recovery_point_arn),
      resourceName: text(row.resource_name),
      initiationDate: null,
      backupPlanName: text(row.plan_name),
      backupRuleName: text(row.rule_name),
      backupRuleSchedule: text(row.schedule_expression),
      backupRuleTimezone: text(row.schedule_expression_timezone),
      startWindowEnd: null,
      backupOptions: null,
      isParentJob: null,
      parentJobId: null,
      vaultType: text(row.vault_type),
      vaultLockStatus: lockStatus(row.vault_locked),
      ...encryptionOf(row),
      ...lifecycleOf(row),
      sourceResourceArn: text(row.source_resource_arn),
      backupVaultArn: text(row.rp_vault_arn) ?? text(row.vault_arn),
      creationDate: iso(row.creation_date),
      backupSizeInBytes: null,
      percentDone: null,
      iamRoleArn: text(row.iam_role_arn),
    }));
}
