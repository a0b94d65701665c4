import { deleteWhere, type Queryable } from "./bulk";
import { publishRows } from "./row-sink";
import {
  globalSettingsSpec,
  planSpec,
  planVersionSpec,
  recoveryPointSpec,
  regionSettingsSpec,
  restoreTestingPlanSpec,
  ruleSpec,
  selectionSpec,
  vaultSpec,
  type RuleRow,
} from "./table-specs";
import type { UnitRead } from "./unit-read";

// Makes a completely read unit current, inside the caller's transaction: upsert what changed,
// delete what is gone (only for lists read in full), never touch job history.

/** AWS lets a job run up to its completion window (default 7 days) after creation. */
export const JOB_OVERLAP_DAYS = 8;

export interface PublishedCounts {
  changes: number;
  plans: number;
  plan_versions: number;
  rules: number;
  selections: number;
  vaults: number;
  recovery_points_read: number;
  protected_resources: number;
  resources: number;
  backup_jobs_read: number;
  copy_jobs_read: number;
  restore_jobs_read: number;
  restore_testing_plans: number;
}

export async function publishUnit(tx: Queryable, scope: readonly [tenantId: string, accountId: string, region: string], read: UnitRead): Promise<PublishedCounts> {
  const [tenantId, accountId, region] = scope;
  let changes = 0;
  const { plans, versions } = read.plans;
  changes += await publishRows(tx, planSpec, scope, plans);
  changes += await publishRows(tx, planVersionSpec, scope, versions);
  const rules: RuleRow[] = versions.flatMap((v) => v.rules.map((rule, position) => ({ planId: v.planId, versionId: v.versionId, position, rule })));
  changes += await publishRows(tx, ruleSpec, scope, rules);
  const selections = plans.flatMap((p) => p.selections.map((s) => ({ ...s, planId: p.planId })));
  changes += await publishRows(tx, selectionSpec, scope, selections);
  changes += await publishRows(tx, vaultSpec, scope, read.vaults);

  changes += await read.recoveryPoints.publish(tx, read.recoveryPointsFull);
  if (!read.recoveryPointsFull) {
    // Incremental read: points of vaults that no longer exist are gone too.
    changes += await deleteWhere(tx, recoveryPointSpec, scope, { column: "backup_vault_name", notIn: read.vaults.map((v) => v.vaultName) });
  }
  changes += await read.protectedResources.publish(tx, true);
  changes += await read.resources.publish(tx, true);
  changes += await read.backupJobs.publish(tx, false);
  changes += await read.copyJobs.publish(tx, false);
  changes += await read.restoreJobs.publish(tx, false);
  changes += await publishRows(tx, restoreTestingPlanSpec, scope, read.restoreTestingPlans);
  changes += await publishRows(tx, regionSettingsSpec, scope, [read.regionSettings], false);
  if (read.globalSettings) changes += await publishRows(tx, globalSettingsSpec, [tenantId, accountId], [{ ...read.globalSettings, region }], false);

  const currentRules = versions.filter((v) => v.isCurrent).reduce((n, v) => n + v.rules.length, 0);
  return {
    changes,
    plans: plans.length,
    plan_versions: versions.length,
    rules: currentRules,
    selections: selections.length,
    vaults: read.vaults.length,
    recovery_points_read: read.recoveryPoints.read,
    protected_resources: read.protectedResources.read,
    resources: read.resources.read,
    backup_jobs_read: read.backupJobs.read,
    copy_jobs_read: read.copyJobs.read,
    restore_jobs_read: read.restoreJobs.read,
    restore_testing_plans: read.restoreTestingPlans.length,
  };
}

/** Incremental marks for the next read of this unit, from what is now stored. */
export async function nextMarks(tx: Queryable, scope: readonly [string, string, string]): Promise<{ backup: Date | null; copy: Date | null; restore: Date | null }> {
  const overlap = `interval '${JOB_OVERLAP_DAYS} days'`;
  const res = await tx.query(
    `select
       (select max(creation_date) - ${overlap} from backup_jobs where tenant_id = $1 and account_id = $2 and region = $3) as backup,
       (select max(creation_date) - ${overlap} from copy_jobs where tenant_id = $1 and account_id = $2 and region = $3) as copy,
       (select max(creation_date) - ${overlap} from restore_jobs where tenant_id = $1 and account_id = $2 and region = $3) as restore`,
    [...scope],
  );
  const row = res.rows[0] ?? {};
  return { backup: (row.backup as Date | null) ?? null, copy: (row.copy as Date | null) ?? null, restore: (row.restore as Date | null) ?? null };
}

/** Per-vault marks for an incremental read of recovery points (newest point minus the overlap). */
export async function recoveryPointMarks(db: Queryable, scope: readonly [string, string, string]): Promise<Map<string, Date>> {
  const res = await db.query(
    `select backup_vault_name as vault, max(creation_date) - interval '${JOB_OVERLAP_DAYS} days' as after
       from recovery_points where tenant_id = $1 and account_id = $2 and region = $3 group by backup_vault_name`,
    [...scope],
  );
  return new Map(res.rows.map((r) => [r.vault as string, r.after as Date]));
}
