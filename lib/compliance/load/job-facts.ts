// Job and restore facts by set-based SQL: the newest backup job per resource in the look-back
// (one row per resource instead of every job), only the unhealthy jobs as rows, and completed
// restores with their source resource resolved through the recovery point in the same query.
import { jobHasIssueSql } from "@/db/job-issue";
import type { FactsAccumulator } from "@/lib/compliance/facts/resource-facts";
import type { RestoreJobStatus } from "@/lib/inventory/types";
import type { Queryable } from "./load-snapshot";

const ISSUE = jobHasIssueSql();

export async function addJobFactsFromSql(
  db: Queryable,
  tenantId: string,
  since: Date,
  facts: FactsAccumulator,
): Promise<{ activity: number; issues: number; restores: number }> {
  const activity = await db.query({
    text: `select resource_arn, max(creation_date) from backup_jobs where tenant_id = $1 and creation_date >= $2 and not is_parent group by resource_arn`,
    values: [tenantId, since],
    rowMode: "array",
  });
  for (const [arn, at] of activity.rows as [string, Date][]) facts.addJobActivity(arn, at);

  const backupIssues = await db.query({
    text: `select account_id, region, resource_arn, backup_job_id, state, message_category, status_message, creation_date from backup_jobs
            where tenant_id = $1 and creation_date >= $2 and not is_parent and ${ISSUE}`,
    values: [tenantId, since],
    rowMode: "array",
  });
  for (const r of backupIssues.rows as [string, string, string, string, string, string | null, string | null, Date][]) {
    facts.addJobIssue(r[0], r[1], r[2], {
      kind: "backup",
      jobId: r[3],
      state: r[4],
      messageCategory: r[5],
      statusMessage: r[6],
      creationDate: r[7],
    });
  }
  const copyIssues = await db.query({
    text: `select account_id, region, resource_arn, copy_job_id, state, message_category, status_message, creation_date from copy_jobs
            where tenant_id = $1 and creation_date >= $2 and ${ISSUE}`,
    values: [tenantId, since],
    rowMode: "array",
  });
  for (const r of copyIssues.rows as [string, string, string, string, string, string | null, string | null, Date][]) {
    facts.addJobIssue(r[0], r[1], r[2], {
      kind: "copy",
      jobId: r[3],
      state: r[4],
      messageCategory: r[5],
      statusMessage: r[6],
      creationDate: r[7],
    });
  }

  // Every completed restore (BK-13 looks back up to two years); older ones cost one row each.
  const restores = await db.query({
    text: `select r.account_id, r.region, r.restore_job_id, r.status, r.status_message, r.recovery_point_arn,
                  coalesce(r.source_resource_arn, p.resource_arn), r.resource_type, r.created_resource_arn, r.creation_date,
                  r.completion_date, r.restore_testing_plan_arn, r.validation_status
             from restore_jobs r
             left join recovery_points p on p.tenant_id = r.tenant_id and p.account_id = r.account_id and p.region = r.region
                  and p.recovery_point_arn = r.recovery_point_arn and r.source_resource_arn is null
            where r.tenant_id = $1 and r.status = 'COMPLETED' and r.completion_date is not null`,
    values: [tenantId],
    rowMode: "array",
  });
  for (const r of restores.rows as unknown[][]) {
    facts.addRestoreJob({
      accountId: r[0] as string,
      region: r[1] as string,
      restoreJobId: r[2] as string,
      status: r[3] as RestoreJobStatus,
      statusMessage: r[4] as string | null,
      recoveryPointArn: r[5] as string,
      sourceResourceArn: r[6] as string | null,
      resourceType: r[7] as string,
      createdResourceArn: r[8] as string | null,
      creationDate: r[9] as Date,
      completionDate: r[10] as Date | null,
      restoreTestingPlanArn: r[11] as string | null,
      validationStatus: r[12] as string | null,
      // The evaluation does not judge the role a restore ran with.
      iamRoleArn: null,
    });
  }
  return {
    activity: activity.rows.length,
    issues: backupIssues.rows.length + copyIssues.rows.length,
    restores: restores.rows.length,
  };
}
