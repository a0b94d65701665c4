import type { IdentityStore } from "../auth/identity";
import type { SimConfig } from "../config";
import { resourceExists, type PlanRt, type ResourceRt, type SimState, type Unit, type VaultRt } from "./model";
import { currentVersion } from "./plans";
import { JOB_WINDOW_S } from "./run";

/** What a complete, correct inventory sees in one unit (definitions in sim/README.md). */
export interface UnitCounts {
  plans: number;
  plan_versions: number;
  rules: number;
  selections: number;
  vaults: number;
  recovery_points: number;
  resources: number;
  protected_resources: number;
  backup_jobs: number;
  copy_jobs: number;
  restore_jobs: number;
  restore_testing_plans: number;
}

export type WorldCounts = UnitCounts & { accounts: number; ous: number };

/**
 * What a complete inventory of the cyber-resilience features sees in one unit (kept apart from
 * `counts`, whose names the product's sync reports one for one).
 */
export interface ResilienceCounts {
  /** ListScanJobs unfiltered: scan jobs created in the last 30 days. */
  scan_jobs: number;
  /** Logically air-gapped vaults: DescribeBackupVault names their MPA approval team. */
  air_gapped_vaults: number;
  /** RAM ListResources (SELF, backup:BackupVault): the unit's shared vaults. */
  shared_vaults: number;
  /** RAM ListPrincipals (SELF, backup:BackupVault): principal × share pairs. */
  share_principals: number;
}

export interface UnitDetail {
  counts: UnitCounts;
  resilience: ResilienceCounts;
  /** Pages/items the minimal call set needs (for the lower bound). */
  planVersions: number[];
  planSelections: number[];
  vaultRecoveryPoints: number[];
}

/** Whether a member session can be had in this account (state, member role, injected denial). */
export function accountReachable(
  state: SimState,
  identity: IdentityStore,
  config: SimConfig,
  accountId: string,
): boolean {
  const a = state.org.accounts.get(accountId);
  if (!a || a.state !== "ACTIVE" || config.assume_role_denied.includes(accountId)) return false;
  const role = identity.role(identity.memberRoleArn(accountId));
  return (
    role !== undefined &&
    identity.trusts(role, {
      accessKeyId: "",
      accountId: state.org.managementAccountId,
      arn: "",
      userId: "",
      kind: "assumed-role",
      roleArn: identity.managementRoleArn,
    })
  );
}

export function regionDisabled(state: SimState, config: SimConfig, accountId: string, region: string): boolean {
  return (
    config.disabled_regions.includes(region) ||
    config.disabled_regions.includes(`${accountId}:${region}`) ||
    (state.org.accounts.get(accountId)?.disabled_regions.includes(region) ?? false)
  );
}

export function unitDetail(state: SimState, unit: Unit): UnitDetail {
  const plans = unit.plans.map((i) => state.plans[i] as PlanRt).filter((p) => p.deleted === undefined);
  const cutoff = state.now - JOB_WINDOW_S;
  const inWindow = (list: { length: number; get(i: number): number }, created: (j: number) => number) => {
    let n = 0;
    for (let k = 0; k < list.length; k++) {
      const c = created(list.get(k));
      if (c >= cutoff && c <= state.now) n++;
    }
    return n;
  };
  const vaults = unit.vaults.map((v) => state.vaults[v] as VaultRt);
  const protectedSet = new Set<number>();
  for (const v of vaults) {
    const list = v.recoveryPoints.view();
    for (let k = 0; k < list.length; k++)
      if (state.rps.visible(list[k] as number, state.now))
        protectedSet.add(state.rps.resource.data[list[k] as number] as number);
  }
  return {
    counts: {
      plans: plans.length,
      plan_versions: plans.reduce((n, p) => n + p.versions.length, 0),
      rules: plans.reduce((n, p) => n + currentVersion(p).rules.length, 0),
      selections: plans.reduce((n, p) => n + p.selections.length, 0),
      vaults: vaults.length,
      recovery_points: vaults.reduce((n, v) => n + v.liveCount, 0),
      resources: unit.resources.filter((r) => {
        const res = state.resources[r] as ResourceRt;
        return Object.keys(res.tags).length > 0 && resourceExists(res, state.now);
      }).length,
      protected_resources: protectedSet.size,
      backup_jobs: inWindow(unit.backupJobs, (j) => state.backupJobs.created.data[j] as number),
      copy_jobs: inWindow(unit.copyJobs, (j) => state.copyJobs.created.data[j] as number),
      restore_jobs: inWindow(unit.restoreJobs, (j) => state.restoreJobs[j]!.created),
      restore_testing_plans: unit.restoreTestingPlans.length,
    },
    resilience: {
      scan_jobs: inWindow(unit.scanJobs, (j) => state.scanJobs.created.data[j] as number),
      air_gapped_vaults: vaults.filter((v) => v.type === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT").length,
      shared_vaults: vaults.filter((v) => v.share).length,
      share_principals: vaults.reduce((n, v) => n + (v.share?.principals.length ?? 0), 0),
    },
    planVersions: plans.map((p) => p.versions.length),
    planSelections: plans.map((p) => p.selections.length),
    vaultRecoveryPoints: vaults.map((v) => v.liveCount),
  };
}

const ZERO: UnitCounts = {
  plans: 0,
  plan_versions: 0,
  rules: 0,
  selections: 0,
  vaults: 0,
  recovery_points: 0,
  resources: 0,
  protected_resources: 0,
  backup_jobs: 0,
  copy_jobs: 0,
  restore_jobs: 0,
  restore_testing_plans: 0,
};

/** GET /_sim/world. */
export function worldSummary(state: SimState, identity: IdentityStore, config: SimConfig) {
  const def = state.def;
  const total: WorldCounts = { accounts: state.org.accounts.size, ous: state.org.ous.size, ...ZERO };
  const resilience: ResilienceCounts = { scan_jobs: 0, air_gapped_vaults: 0, shared_vaults: 0, share_principals: 0 };
  const byUnit = [];
  for (const unit of state.units) {
    const account = state.org.accounts.get(unit.accountId)!;
    if (account.state !== "ACTIVE") continue;
    const reachable =
      accountReachable(state, identity, config, unit.accountId) &&
      account.member_role_denied_actions.length === 0 &&
      !regionDisabled(state, config, unit.accountId, unit.region);
    const detail = unitDetail(state, unit);
    const { counts } = detail;
    if (reachable) {
      for (const k of Object.keys(counts) as (keyof UnitCounts)[]) total[k] += counts[k];
      for (const k of Object.keys(resilience) as (keyof ResilienceCounts)[]) resilience[k] += detail.resilience[k];
    }
    byUnit.push({ account_id: unit.accountId, region: unit.region, reachable, counts, resilience: detail.resilience });
  }
  return {
    now: new Date(state.now * 1000).toISOString(),
    seed: state.seed,
    management_account_id: state.org.managementAccountId,
    organization_id: state.org.id,
    root_id: state.org.rootId,
    principal: {
      access_key_id: def.principal.access_key_id,
      secret_access_key: def.principal.secret_access_key,
      arn: identity.principalArn,
    },
    management_role_arn: identity.managementRoleArn,
    external_id: def.management_role.external_id,
    member_role_name: def.member_role_name,
    regions: state.regions,
    counts: total,
    resilience,
    accounts: state.org.accountOrder.map((id) => {
      const a = state.org.accounts.get(id)!;
      return {
        account_id: id,
        name: a.name,
        state: a.state,
        parent_id: a.parent_id,
        member_role: a.member_role,
        member_role_denied_actions: a.member_role_denied_actions,
        assumable: accountReachable(state, identity, config, id),
        /** Assumable and denied no action: a sync reads all of it (in the regions it has enabled). */
        readable: accountReachable(state, identity, config, id) && a.member_role_denied_actions.length === 0,
        disabled_regions: state.regions.filter((r) => regionDisabled(state, config, id, r)),
      };
    }),
    by_unit: byUnit,
  };
}
