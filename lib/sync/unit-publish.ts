import { clock } from "@/lib/clock";
import type { KnownPlan, KnownVault } from "@/lib/aws/backup.fetch";
import type { BackupSelection } from "@/lib/inventory/types";
import {
  ColumnBuffer,
  deleteMissingStatement,
  deleteWhereStatement,
  executeAll,
  upsertStatement,
  type DeleteFilter,
  type Queryable,
  type Statement,
} from "./bulk";
import { publishStatements } from "./row-sink";
import {
  globalSettingsSpec,
  planSpec,
  planVersionSpec,
  regionSettingsSpec,
  restoreTestingPlanSpec,
  ruleSpec,
  selectionSpec,
  vaultShareSpec,
  vaultSpec,
  type RuleRow,
  type TableSpec,
  type Value,
} from "./table-specs";
import type { JobMarks, UnitRead, VaultMark } from "./unit-read";

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
  scan_jobs_read: number;
  vault_shares: number;
  restore_testing_plans: number;
}

/**
 * `fresh`: the unit has no current rows (never published, or removed since): plain inserts,
 * nothing to delete. Otherwise upserts that skip unchanged rows, and deletes of what a full read
 * did not see. Jobs are always upserted: a unit whose account left the organization or whose
 * region was dropped keeps its job history (see removeVanishedUnits), and finds it again if it
 * comes back.
 */
export async function publishUnit(
  tx: Queryable,
  scope: readonly [tenantId: string, accountId: string, region: string],
  read: UnitRead,
  fresh = false,
  now: Date = clock.now(),
): Promise<PublishedCounts> {
  const [tenantId, accountId, region] = scope;
  const { plans, versions } = read.plans;
  const rules: RuleRow[] = versions.flatMap((v) =>
    v.rules.map((rule, position) => ({ planId: v.planId, versionId: v.versionId, position, rule })),
  );
  const selections = plans.flatMap((p) => p.selections.map((s) => ({ ...s, planId: p.planId })));
  const partialPlans = read.plans.unchanged !== undefined && !fresh;
  const shares = read.vaults.flatMap((v) => v.shares.map((s) => ({ ...s, vaultArn: v.vaultArn })));
  // One statement for the whole unit (see executeAll); the parts touch disjoint rows.
  const changes = await executeAll(tx, [
    ...(partialPlans
      ? partialPlanStatements(scope, read, rules, selections)
      : [
          ...publishStatements(planSpec, scope, plans, true, fresh),
          ...publishStatements(planVersionSpec, scope, versions, true, fresh),
          ...publishStatements(ruleSpec, scope, rules, true, fresh),
          ...publishStatements(selectionSpec, scope, selections, true, fresh),
        ]),
    ...publishStatements(vaultSpec, scope, read.vaults, true, fresh),
    ...(read.sharesRead
      ? publishStatements(vaultShareSpec, scope, shares, true, fresh)
      : [
          deleteWhereStatement(vaultShareSpec, scope, {
            column: "vault_arn",
            notIn: read.vaults.map((v) => v.vaultArn),
          }),
        ]),
    ...(read.fullPass || fresh
      ? await read.recoveryPoints.statements(tx, true, fresh)
      : await read.recoveryPoints.partialStatements(tx, incrementalCoverage(read, now))),
    ...(await read.protectedResources.statements(tx, true, fresh)),
    ...(await read.resources.statements(tx, true, fresh)),
    ...(await read.backupJobs.statements(tx, false)),
    ...(await read.copyJobs.statements(tx, false)),
    ...(await read.restoreJobs.statements(tx, false)),
    ...(await read.scanJobs.statements(tx, false)),
    ...publishStatements(restoreTestingPlanSpec, scope, read.restoreTestingPlans, true, fresh),
    ...(read.regionSettings ? publishStatements(regionSettingsSpec, scope, [read.regionSettings], false, fresh) : []),
    ...(read.globalSettings
      ? publishStatements(globalSettingsSpec, [tenantId, accountId], [{ ...read.globalSettings, region }], false)
      : []),
  ]);

  const planCounts = partialPlans
    ? await storedPlanCounts(tx, scope)
    : {
        plans: plans.length,
        plan_versions: versions.length,
        rules: versions.filter((v) => v.isCurrent).reduce((n, v) => n + v.rules.length, 0),
        selections: selections.length,
      };
  return {
    changes,
    ...planCounts,
    vaults: read.vaults.length,
    recovery_points_read: read.recoveryPoints.read,
    protected_resources: read.protectedResources.read,
    resources: read.resources.read,
    backup_jobs_read: read.backupJobs.read,
    copy_jobs_read: read.copyJobs.read,
    restore_jobs_read: read.restoreJobs.read,
    scan_jobs_read: read.scanJobs.read,
    vault_shares: read.sharesRead ? shares.length : await storedCount(tx, "backup_vault_shares", scope),
    restore_testing_plans: read.restoreTestingPlans.length,
  };
}

/**
 * Plans when those at a known version were not read again: upsert what was read, refresh the
 * others' LastExecutionDate, delete plans no longer listed, and versions, rules and selections
 * only of plans read again.
 */
function partialPlanStatements(
  scope: readonly [string, string, string],
  read: UnitRead,
  rules: RuleRow[],
  selections: Array<BackupSelection & { planId: string }>,
): Statement[] {
  const { plans, versions } = read.plans;
  const unchanged = read.plans.unchanged ?? [];
  const kept = unchanged.map((u) => u.planId);
  const notKept: DeleteFilter = { values: [kept], sql: (p) => `not (t.plan_id = any(${p(1)}::text[]))` };
  const keys = (spec: TableSpec<never>, rows: Value[][]) => {
    const buf = new ColumnBuffer(spec.key.length + spec.columns.length);
    for (const r of rows) buf.push(r);
    return buf;
  };
  const allPlans = [...plans.map((p) => [p.planId]), ...kept.map((id) => [id])];
  const rowsOf = <T>(spec: TableSpec<T>, rows: readonly T[]) => {
    const buf = new ColumnBuffer(spec.key.length + spec.columns.length);
    for (const r of rows) buf.push(spec.values(r));
    return buf;
  };
  const out: Array<Statement | null> = [
    upsertStatement(planSpec, scope, rowsOf(planSpec, plans)),
    deleteMissingStatement(planSpec, scope, keys(planSpec as TableSpec<never>, allPlans)),
    unchanged.length
      ? {
          values: [...scope, kept, unchanged.map((u) => u.lastExecutionDate?.toISOString() ?? null)],
          text: (p) =>
            `update backup_plans t set last_execution_date = u.d from unnest(${p(4)}::text[], ${p(5)}::timestamptz[]) as u(id, d)
              where t.tenant_id = ${p(1)} and t.account_id = ${p(2)} and t.region = ${p(3)} and t.plan_id = u.id
                and t.last_execution_date is distinct from u.d`,
        }
      : null,
    upsertStatement(planVersionSpec, scope, rowsOf(planVersionSpec, versions)),
    deleteMissingStatement(planVersionSpec, scope, rowsOf(planVersionSpec, versions), notKept),
    upsertStatement(ruleSpec, scope, rowsOf(ruleSpec, rules)),
    deleteMissingStatement(ruleSpec, scope, rowsOf(ruleSpec, rules), notKept),
    upsertStatement(selectionSpec, scope, rowsOf(selectionSpec, selections)),
    deleteMissingStatement(selectionSpec, scope, rowsOf(selectionSpec, selections), notKept),
  ];
  return out.filter((s): s is Statement => s !== null);
}

async function storedCount(tx: Queryable, table: string, scope: readonly [string, string, string]): Promise<number> {
  const res = await tx.query(
    `select count(*)::int as n from ${table} where tenant_id = $1 and account_id = $2 and region = $3`,
    [...scope],
  );
  return res.rows[0]!.n as number;
}

async function storedPlanCounts(tx: Queryable, scope: readonly [string, string, string]) {
  const res = await tx.query(
    `select (select count(*)::int from backup_plans where tenant_id = $1 and account_id = $2 and region = $3) as plans,
            (select count(*)::int from backup_plan_versions where tenant_id = $1 and account_id = $2 and region = $3) as plan_versions,
            (select count(*)::int from backup_rules r join backup_plans p using (tenant_id, account_id, region, plan_id, version_id)
              where r.tenant_id = $1 and r.account_id = $2 and r.region = $3) as rules,
            (select count(*)::int from backup_selections where tenant_id = $1 and account_id = $2 and region = $3) as selections`,
    [...scope],
  );
  const r = res.rows[0]!;
  return {
    plans: r.plans as number,
    plan_versions: r.plan_versions as number,
    rules: r.rules as number,
    selections: r.selections as number,
  };
}

/** What the unit holds of each plan (for reading only plans whose version changed). */
export async function knownPlans(
  db: Queryable,
  scope: readonly [string, string, string],
): Promise<Map<string, KnownPlan>> {
  const res = await db.query(
    `select plan_id, version_id from backup_plans where tenant_id = $1 and account_id = $2 and region = $3`,
    [...scope],
  );
  return new Map(res.rows.map((r) => [r.plan_id as string, { versionId: r.version_id as string }]));
}

/** What the unit holds of each vault (for not asking a known vault's policy and notifications again). */
export async function knownVaults(
  db: Queryable,
  scope: readonly [string, string, string],
): Promise<Map<string, KnownVault>> {
  const res = await db.query(
    `select vault_name, creation_date, access_policy, notification_topic_arn, notification_events, mpa_approval_team_arn, shares_unreadable
       from backup_vaults where tenant_id = $1 and account_id = $2 and region = $3`,
    [...scope],
  );
  return new Map(
    res.rows.map((r) => [
      r.vault_name as string,
      {
        creationDate: (r.creation_date as Date | null)?.getTime() ?? null,
        accessPolicy: r.access_policy as string | null,
        notifications: {
          topicArn: r.notification_topic_arn as string | null,
          events: r.notification_events as string[],
        },
        mpaApprovalTeamArn: r.mpa_approval_team_arn as string | null,
        sharesUnreadable: r.shares_unreadable as string | null,
      },
    ]),
  );
}

/**
 * Which stored points an incremental read speaks for: every point of a vault listed in full
 * (or gone), and in a vault listed from its mark, the points after the mark and those whose
 * DeleteAt has passed (expired: AWS lists them no more, and no ByCreatedAfter shows it).
 */
export function incrementalCoverage(read: UnitRead, now: Date): DeleteFilter {
  const names = [...read.recoveryPointsWindows.keys()];
  return {
    values: [names, names.map((n) => read.recoveryPointsWindows.get(n)!.toISOString()), now.toISOString()],
    sql: (p) =>
      `not exists (select 1 from unnest(${p(1)}::text[], ${p(2)}::timestamptz[]) as w(vault, after)
         where w.vault = t.backup_vault_name and t.creation_date <= w.after and (t.delete_at is null or t.delete_at > ${p(3)}::timestamptz))`,
  };
}

/** A job is listed within this of its creation (AWS's lists are eventually consistent). */
const JOB_SETTLE_MS = 3_600_000;

/**
 * Where the next incremental job read starts: just before the newest job read, or before the
 * oldest job still unfinished (its state can change until it ends), whichever is earlier; never
 * more than the overlap before the newest (a job ends within its completion window), never
 * earlier than the current mark. Scan jobs are listed by completion (see scanJobPages): their
 * mark keeps the whole overlap.
 */
export function nextJobMarks(previous: JobMarks, newest: JobMarks, unfinished: Omit<JobMarks, "scan">): JobMarks {
  const mark = (prev: Date | null, n: Date | null, oldestOpen: Date | null) => {
    if (!n) return prev;
    const floor = n.getTime() - JOB_OVERLAP_DAYS * 86_400_000;
    const settled = n.getTime() - JOB_SETTLE_MS;
    const m = new Date(Math.max(floor, oldestOpen ? Math.min(settled, oldestOpen.getTime() - 1) : settled));
    return prev && prev > m ? prev : m;
  };
  return {
    backup: mark(previous.backup, newest.backup, unfinished.backup),
    copy: mark(previous.copy, newest.copy, unfinished.copy),
    restore: mark(previous.restore, newest.restore, unfinished.restore),
    scan: mark(previous.scan, newest.scan, new Date(0)),
  };
}

/**
 * Per-vault marks for an incremental read of recovery points: the newest point minus the
 * overlap (a point's scan and index results arrive within hours of it), and how many stored
 * points from before the mark are still due to exist at `now`.
 */
export async function recoveryPointMarks(
  db: Queryable,
  scope: readonly [string, string, string],
  now: Date = clock.now(),
): Promise<Map<string, VaultMark>> {
  const res = await db.query(
    `with m as (select backup_vault_name as vault, date_trunc('second', max(creation_date) - interval '${JOB_OVERLAP_DAYS} days') as after
                  from recovery_points where tenant_id = $1 and account_id = $2 and region = $3 group by backup_vault_name)
     select m.vault, m.after, (select count(*)::int from recovery_points r
                                where r.tenant_id = $1 and r.account_id = $2 and r.region = $3 and r.backup_vault_name = m.vault
                                  and r.creation_date <= m.after and (r.delete_at is null or r.delete_at > $4)) as kept
       from m`,
    [...scope, now],
  );
  return new Map(res.rows.map((r) => [r.vault as string, { after: r.after as Date, kept: r.kept as number }]));
}
