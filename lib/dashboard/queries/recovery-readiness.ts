import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import {
  INFECTED_SCAN_STATUS,
  pointIsAirGappedSql,
  pointIsCleanSql,
  pointIsUsableSql,
} from "@/db/recovery-point-state";
import { restoreValidatedSql, restoreValidationFailedSql } from "@/db/restore-validation";

// "If we are hit": per resource of one account, the newest clean recovery point wherever it
// lives (the account's own vaults, or copies in other accounts' and regions' vaults of the
// tenant), who must approve a restore from there, and the last validated restore. An S3 bucket's
// ARN names no account, so a resource belongs to the account whose inventory lists it (the
// Tagging API's resources and AWS Backup's protected resources), and its points are found by
// ARN across the tenant (recovery_points_resource_idx: a few index entries per resource, never
// the tenant's million points). Restores are found the same way (restore_jobs_validated_idx).

/** BK-18's default: a clean point counts as recent within this many days. */
export const CLEAN_WITHIN_DAYS = 7;
/** BK-20's default look-back for a validated restore. */
export const VALIDATED_WITHIN_DAYS = 180;
/** The tag that marks a critical resource (BK-19's default). */
export const CRITICAL_TAG = { key: "criticality", value: "critical" } as const;

const DAY_MS = 86_400_000;

export interface ReadinessScope {
  tenantId: string;
  accountId: string;
  resourceType?: string;
  critical?: "yes" | "no";
}

/** The account's resources, one row per ARN (the Tagging API's row, with its tags, first). */
function accountResources(s: ReadinessScope): SQL {
  const type = s.resourceType ? sql`and resource_type = ${s.resourceType}` : sql``;
  const critical =
    s.critical === undefined
      ? sql``
      : sql`where ${s.critical === "yes" ? sql`` : sql`not `}coalesce(tags ->> ${CRITICAL_TAG.key} = ${CRITICAL_TAG.value}, false)`;
  return sql`
    select * from (
      select distinct on (u.resource_arn) u.resource_arn, u.region, u.resource_type, u.tags
        from (select resource_arn, region, resource_type, tags, 0 as pref from resources
               where tenant_id = ${s.tenantId} and account_id = ${s.accountId} ${type}
              union all
              select resource_arn, region, resource_type, null::jsonb, 1 from protected_resources
               where tenant_id = ${s.tenantId} and account_id = ${s.accountId} ${type}) u
       order by u.resource_arn, u.pref, u.region) r ${critical}`;
}

/**
 * Per resource: its newest usable point, whether any was scanned, its newest infected one, its
 * newest in an air-gapped vault, and the point a restore would start from with where that lives:
 * the newest clean point, or without one the newest usable point (`point_*`; `clean_*` only when
 * it is clean). `sort_at` is the clean point's time, -infinity without one (so "none" sorts
 * first, oldest first).
 */
export function assessedResources(s: ReadinessScope): SQL {
  return sql`
    select r.resource_arn, r.region, r.resource_type,
           coalesce(r.tags ->> ${CRITICAL_TAG.key} = ${CRITICAL_TAG.value}, false) as critical,
           s.newest_at, s.infected_at, s.scanned, s.air_gapped_at,
           case when c.clean then c.recovery_point_arn end as clean_arn,
           case when c.clean then c.creation_date end as clean_at,
           c.recovery_point_arn as point_arn, c.creation_date as point_at, c.account_id as point_account_id,
           c.region as point_region, c.backup_vault_name as point_vault_name, c.backup_vault_arn as point_vault_arn,
           c.vault_type as point_vault_type, c.delete_after_event as point_delete_after_event,
           coalesce(case when c.clean then c.creation_date end, '-infinity'::timestamptz) as sort_at
      from (${accountResources(s)}) r
      left join lateral (
        select max(p.creation_date) as newest_at,
               max(p.creation_date) filter (where p.scan_status = ${INFECTED_SCAN_STATUS}) as infected_at,
               coalesce(bool_or(p.scan_status is not null), false) as scanned,
               max(p.creation_date) filter (where ${sql.raw(pointIsAirGappedSql("p.vault_type", "v.vault_type"))}) as air_gapped_at
          from recovery_points p
          left join lateral (
            select v.vault_type from backup_vaults v
             where p.vault_type is null and v.tenant_id = p.tenant_id and v.vault_arn = p.backup_vault_arn limit 1
          ) v on true
         where p.tenant_id = ${s.tenantId} and p.resource_arn = r.resource_arn and ${sql.raw(pointIsUsableSql("p.status"))}
      ) s on true
      left join lateral (
        select p.recovery_point_arn, p.creation_date, p.account_id, p.region, p.backup_vault_name, p.backup_vault_arn,
               coalesce(p.vault_type, (select v.vault_type from backup_vaults v
                                        where v.tenant_id = p.tenant_id and v.vault_arn = p.backup_vault_arn limit 1)) as vault_type,
               p.delete_after_event, ${sql.raw(pointIsCleanSql("p.status", "p.scan_status"))} as clean
          from recovery_points p
         where p.tenant_id = ${s.tenantId} and p.resource_arn = r.resource_arn
           and ${sql.raw(pointIsUsableSql("p.status"))}
         order by ${sql.raw(pointIsCleanSql("p.status", "p.scan_status"))} desc, p.creation_date desc, p.recovery_point_arn desc
         limit 1
      ) c on true`;
}

/**
 * For rows already chosen (a page): the restore point's vault's approval team and RAM share
 * principals, the newest validated restore and a failed validation newer than it.
 */
export function withRestoreFacts(tenantId: string, rows: SQL, order: SQL): SQL {
  return sql`
    select a.*, vt.mpa_approval_team_arn, sh.shares,
           ok.restore_job_id as validated_job_id, ok.account_id as validated_account_id, ok.region as validated_region,
           ok.at as validated_at,
           bad.restore_job_id as failed_job_id, bad.validation_status as failed_status, bad.at as failed_at
      from (${rows}) a
      left join lateral (
        select v.mpa_approval_team_arn from backup_vaults v
         where v.tenant_id = ${tenantId} and v.vault_arn = a.point_vault_arn limit 1
      ) vt on true
      left join lateral (
        select json_agg(json_build_object('principal', x.principal, 'external', x.external) order by x.principal) as shares
          from (select sh.principal, bool_or(sh.external) as external from backup_vault_shares sh
                 where sh.tenant_id = ${tenantId} and sh.account_id = a.point_account_id and sh.region = a.point_region
                   and sh.vault_arn = a.point_vault_arn
                 group by sh.principal) x
      ) sh on true
      left join lateral (
        select j.restore_job_id, j.account_id, j.region, j.creation_date, coalesce(j.completion_date, j.creation_date) as at
          from restore_jobs j
         where j.tenant_id = ${tenantId} and j.source_resource_arn = a.resource_arn
           and ${sql.raw(restoreValidatedSql("j.validation_status"))}
         order by j.creation_date desc, j.restore_job_id desc
         limit 1
      ) ok on true
      left join lateral (
        select j.restore_job_id, j.validation_status, coalesce(j.completion_date, j.creation_date) as at
          from restore_jobs j
         where j.tenant_id = ${tenantId} and j.source_resource_arn = a.resource_arn
           and ${sql.raw(restoreValidationFailedSql("j.validation_status"))}
           and (ok.creation_date is null or j.creation_date > ok.creation_date)
         order by j.creation_date desc, j.restore_job_id desc
         limit 1
      ) bad on true
     order by ${order}`;
}

export interface ReadinessSummary {
  resources: number;
  /** With a clean point made within CLEAN_WITHIN_DAYS. */
  cleanRecent: number;
  /** With recovery points, none of them clean (infected, failed scans or never scanned). */
  noCleanPoint: number;
  /** Without any usable recovery point. */
  noPoint: number;
  /** Without a usable point in an air-gapped vault. */
  noAirGapped: number;
  /** With a validated restore within VALIDATED_WITHIN_DAYS. */
  validatedRecent: number;
}

/** The account's figures above the table (all its resources, whatever the filters). */
export async function getReadinessSummary(
  db: Db,
  scope: { tenantId: string; accountId: string },
  now: Date,
): Promise<ReadinessSummary> {
  const cleanSince = new Date(now.getTime() - CLEAN_WITHIN_DAYS * DAY_MS);
  const validatedSince = new Date(now.getTime() - VALIDATED_WITHIN_DAYS * DAY_MS);
  const res = await db.execute<Record<keyof ReadinessSummary, number>>(sql`
    select count(*)::int as "resources",
           count(*) filter (where a.clean_at >= ${cleanSince})::int as "cleanRecent",
           count(*) filter (where a.newest_at is not null and a.clean_at is null)::int as "noCleanPoint",
           count(*) filter (where a.newest_at is null)::int as "noPoint",
           count(*) filter (where a.air_gapped_at is null)::int as "noAirGapped",
           count(*) filter (where exists (
             select 1 from restore_jobs j
              where j.tenant_id = ${scope.tenantId} and j.source_resource_arn = a.resource_arn
                and ${sql.raw(restoreValidatedSql("j.validation_status"))} and j.creation_date >= ${validatedSince}))::int
             as "validatedRecent"
      from (${assessedResources(scope)}) a`);
  const r = res.rows[0]!;
  return {
    resources: r.resources,
    cleanRecent: r.cleanRecent,
    noCleanPoint: r.noCleanPoint,
    noPoint: r.noPoint,
    noAirGapped: r.noAirGapped,
    validatedRecent: r.validatedRecent,
  };
}
