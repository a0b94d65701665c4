import { IntList } from "./columns";
import type { PlanRt, ResourceRt, RuleRt, SimState, Unit, VaultRt } from "./model";
import { addPlanVersion, currentVersion } from "./plans";
import { runPlans } from "./run";
import { RP_CONTINUOUS, RP_DELETED } from "./tables";
import { createRng, hashInts, type Rng } from "../world/rng";
import type { RuleDef } from "../world/schema";
import { DAY } from "../world/time";

// A simulated day: the clock moves 24 hours (plans run, points expire, as `advance` does), then
// people act: a share of the points deleted by hand, a few tags removed, a few plans edited (a
// new version) or deleted, now and then an emptied vault removed. Each day's draws come from
// the seed and the day's start, so the same world advanced the same way is the same world.

export interface DayChanges {
  now: string;
  /** Recovery points deleted by hand (not by their lifecycle). */
  deleted_points: number;
  untagged_resources: number;
  edited_plans: number;
  deleted_plans: number;
  removed_vaults: number;
}

export interface DayRates {
  /** Share of listed recovery points deleted by hand per day (in cleanups: see deletePoints). */
  points: number;
  /** Share of tagged resources that lose a tag per day. */
  untag: number;
  /** Share of hand-made plans given a new version per day. */
  edit_plan: number;
  /** Share of hand-made plans deleted per day. */
  delete_plan: number;
  /** Share of units that remove one vault (its points deleted first, as AWS requires) per day. */
  remove_vault: number;
}

export const DEFAULT_DAY_RATES: DayRates = {
  points: 0.01,
  untag: 0.005,
  edit_plan: 0.01,
  delete_plan: 0.002,
  remove_vault: 0.002,
};

export function advanceDays(state: SimState, days: number, rates: DayRates = DEFAULT_DAY_RATES): DayChanges {
  const total: DayChanges = {
    now: "",
    deleted_points: 0,
    untagged_resources: 0,
    edited_plans: 0,
    deleted_plans: 0,
    removed_vaults: 0,
  };
  for (let d = 0; d < days; d++) {
    const from = state.now;
    runPlans(state, from, from + DAY, false);
    const rng = createRng(hashInts(state.seed, 0xda7, state.now));
    total.deleted_points += deletePoints(state, rng, rates.points);
    total.untagged_resources += untag(state, rng, rates.untag);
    const plans = changePlans(state, rng, rates);
    total.edited_plans += plans.edited;
    total.deleted_plans += plans.deleted;
    total.removed_vaults += removeVaults(state, rng, rates.remove_vault);
    state.version++;
  }
  total.now = new Date(state.now * 1000).toISOString();
  return total;
}

/**
 * A person deletes points by hand in a cleanup of one vault (old points of a resource, a test's
 * leftovers), not one point here and there across every vault: a vault is cleaned up with chance
 * rate / CLEANUP_SHARE, and a cleanup deletes each of its listed points with chance CLEANUP_SHARE
 * (continuous ones excepted: they slide). About `rate` of all listed points go either way.
 */
const CLEANUP_SHARE = 0.2;

function deletePoints(state: SimState, rng: Rng, rate: number): number {
  const rps = state.rps;
  let n = 0;
  for (const unit of state.units) {
    for (const vi of unit.vaults) {
      if (!rng.chance(rate / CLEANUP_SHARE)) continue;
      const vault = state.vaults[vi] as VaultRt;
      const list = vault.recoveryPoints.view();
      let touched = false;
      for (let k = 0; k < list.length; k++) {
        const i = list[k] as number;
        if (!rps.visible(i, state.now) || (rps.flags.data[i] as number) & RP_CONTINUOUS) continue;
        if (!rng.chance(CLEANUP_SHARE)) continue;
        rps.flags.data[i] = (rps.flags.data[i] as number) | RP_DELETED;
        vault.liveCount--;
        touched = true;
        n++;
      }
      if (touched) compact(state, vault);
    }
  }
  return n;
}

function compact(state: SimState, vault: VaultRt): void {
  const kept = new IntList(Math.max(16, vault.liveCount));
  const list = vault.recoveryPoints.view();
  for (let k = 0; k < list.length; k++) if (state.rps.alive(list[k] as number)) kept.push(list[k] as number);
  vault.recoveryPoints = kept;
}

/** A tagged resource loses its first tag (in key order): it may leave a tag-based selection. */
function untag(state: SimState, rng: Rng, rate: number): number {
  let n = 0;
  for (const res of state.resources as ResourceRt[]) {
    const keys = Object.keys(res.tags).sort();
    if (keys.length === 0 || !rng.chance(rate)) continue;
    const rest = { ...res.tags };
    delete rest[keys[0]!];
    res.tags = rest;
    n++;
  }
  return n;
}

/** The world-file form of a rule, so an edit can go through addPlanVersion like any version. */
function ruleDef(rule: RuleRt): RuleDef {
  const lc = (l: { coldAfterDays: number; deleteAfterDays: number; archive?: boolean }) => ({
    ...(l.coldAfterDays >= 0 ? { move_to_cold_storage_after_days: l.coldAfterDays } : {}),
    ...(l.deleteAfterDays >= 0 ? { delete_after_days: l.deleteAfterDays } : {}),
    ...(l.archive !== undefined ? { opt_in_to_archive_for_supported_resources: l.archive } : {}),
  });
  return {
    name: rule.name,
    target_vault: rule.targetVault,
    schedule: rule.scheduleExpression,
    ...(rule.timezone ? { timezone: rule.timezone } : {}),
    start_window_minutes: rule.startWindowMinutes,
    completion_window_minutes: rule.completionWindowMinutes,
    lifecycle: lc(rule.lifecycle),
    copy_actions: rule.copyActions.map((c) => ({
      destination_vault_arn: c.destinationVaultArn,
      ...(c.lifecycle ? { lifecycle: lc(c.lifecycle) } : {}),
    })),
    continuous: rule.continuous,
    recovery_point_tags: { ...rule.recoveryPointTags },
    scan_actions: rule.scanActions.map((a) => ({ malware_scanner: a.malwareScanner, scan_mode: a.scanMode })),
    index_actions: rule.indexActions.map((a) => ({ resource_types: [...a.resourceTypes] })),
    delete_source_after_copy: rule.deleteSourceAfterCopy,
  } as RuleDef;
}

/**
 * Hand-made plans only (org-managed ones follow their policy): an edit keeps the rules and
 * lengthens each finite retention by a day; a deletion sets the plan's deletion date.
 */
function changePlans(state: SimState, rng: Rng, rates: DayRates): { edited: number; deleted: number } {
  let edited = 0;
  let deleted = 0;
  for (const plan of state.plans as PlanRt[]) {
    if (plan.orgPlanName !== undefined || plan.deleted !== undefined || plan.created > state.now) continue;
    const r = rng.next();
    if (r < rates.delete_plan) {
      plan.deleted = state.now;
      deleted++;
    } else if (r < rates.delete_plan + rates.edit_plan) {
      const v = currentVersion(plan);
      const rules = v.rules.map((i) => {
        const def = ruleDef(state.rules[i] as RuleRt);
        const days = def.lifecycle?.delete_after_days;
        return days === undefined ? def : { ...def, lifecycle: { ...def.lifecycle, delete_after_days: days + 1 } };
      });
      addPlanVersion(
        state,
        plan,
        state.now,
        rules,
        v.advancedBackupSettings.map((a) => ({ resource_type: a.resourceType, backup_options: a.backupOptions })),
        v.scanSettings.map((s) => ({
          malware_scanner: s.malwareScanner,
          resource_types: s.resourceTypes,
          scanner_role_arn: s.scannerRoleArn,
        })) as Parameters<typeof addPlanVersion>[5],
      );
      edited++;
    }
  }
  return { edited, deleted };
}

/**
 * A unit removes one of its unshared standard vaults: its points are deleted first (AWS deletes
 * only empty vaults), then the vault leaves the unit's list. Rules naming it fail from then on.
 */
function removeVaults(state: SimState, rng: Rng, rate: number): number {
  let n = 0;
  for (const unit of state.units as Unit[]) {
    if (!rng.chance(rate)) continue;
    const candidates = unit.vaults.filter((vi) => {
      const v = state.vaults[vi] as VaultRt;
      return v.type === "BACKUP_VAULT" && v.share === null;
    });
    if (candidates.length === 0) continue;
    const vi = rng.pick(candidates);
    const vault = state.vaults[vi] as VaultRt;
    const list = vault.recoveryPoints.view();
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number;
      state.rps.flags.data[i] = (state.rps.flags.data[i] as number) | RP_DELETED;
    }
    vault.recoveryPoints = new IntList(16);
    vault.liveCount = 0;
    unit.vaults = unit.vaults.filter((x) => x !== vi);
    unit.vaultByName.delete(vault.name);
    // vaultByArn keeps it: jobs and copies made before still name it as AWS keeps showing them.
    n++;
  }
  return n;
}
