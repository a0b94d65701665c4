import type { Queryable } from "./bulk";

// What a tenant's published inventory holds, under the entity names the simulator's /_sim/world
// uses (accounts, ous, plans, rules, …). Jobs are all jobs kept, which grows past AWS's 30 days.

export const COUNT_KEYS = [
  "accounts",
  "ous",
  "plans",
  "plan_versions",
  "rules",
  "selections",
  "vaults",
  "recovery_points",
  "resources",
  "protected_resources",
  "backup_jobs",
  "copy_jobs",
  "restore_jobs",
  "restore_testing_plans",
] as const;
export type InventoryCounts = Record<(typeof COUNT_KEYS)[number], number>;

export async function countInventory(db: Queryable, tenantId: string): Promise<InventoryCounts> {
  const res = await db.query(
    `select
       (select count(*) from org_accounts where tenant_id = $1)::int as accounts,
       (select count(*) from org_units where tenant_id = $1 and parent_id is not null)::int as ous,
       (select count(*) from backup_plans where tenant_id = $1)::int as plans,
       (select count(*) from backup_plan_versions where tenant_id = $1)::int as plan_versions,
       (select count(*) from backup_rules r join backup_plans p using (tenant_id, account_id, region, plan_id, version_id) where r.tenant_id = $1)::int as rules,
       (select count(*) from backup_selections where tenant_id = $1)::int as selections,
       (select count(*) from backup_vaults where tenant_id = $1)::int as vaults,
       (select count(*) from recovery_points where tenant_id = $1)::int as recovery_points,
       (select count(*) from resources where tenant_id = $1)::int as resources,
       (select count(*) from protected_resources where tenant_id = $1)::int as protected_resources,
       (select count(*) from backup_jobs where tenant_id = $1)::int as backup_jobs,
       (select count(*) from copy_jobs where tenant_id = $1)::int as copy_jobs,
       (select count(*) from restore_jobs where tenant_id = $1)::int as restore_jobs,
       (select count(*) from restore_testing_plans where tenant_id = $1)::int as restore_testing_plans`,
    [tenantId],
  );
  const row = res.rows[0] ?? {};
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, Number(row[k] ?? 0)])) as InventoryCounts;
}

/** Run-level tallies: units by status and AWS calls, for sync_runs.summary and the CLI's JSON line. */
export async function summarizeRun(db: Queryable, runId: string, tenantId: string): Promise<Record<string, unknown>> {
  const res = await db.query(
    `select count(*)::int as units,
            count(*) filter (where status = 'failed')::int as failed_units,
            count(*) filter (where status = 'skipped')::int as skipped_units,
            coalesce(sum(calls), 0)::int as calls,
            coalesce(sum(throttled), 0)::int as throttled,
            coalesce(sum((counts->>'changes')::int), 0)::int as changes
       from sync_run_units where run_id = $1`,
    [runId],
  );
  return { ...res.rows[0], counts: await countInventory(db, tenantId) };
}
