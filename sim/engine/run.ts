import {
  resourceExists,
  type PlanRt,
  type ResourceRt,
  type RuleRt,
  type SelectionRt,
  type SimState,
  type Unit,
  type VaultRt,
} from "./model";
import { selects } from "./selection";
import { emitBackup, type RunWindow } from "./emit";
import { runRestoreTesting } from "./restore-testing";
import { RP_CONTINUOUS, RP_DELETED } from "./tables";
import { IntList } from "./columns";
import { DAY } from "../world/time";

/** Job history AWS keeps listable (ListBackupJobs: "for the last 30 days"). */
export const JOB_WINDOW_S = 30 * DAY;

/**
 * Runs every plan's rules (hand-made and org-managed) for fire times in (from, to]: backup jobs,
 * recovery points, copies and ad-hoc restores; then restore testing plans; then lifecycle expiry.
 * History mode (world build) skips work whose results would already have expired or left the
 * 30-day job window by `to`, so a year of history costs only what is still visible.
 */
export function runPlans(state: SimState, from: number, to: number, history: boolean): void {
  const window: RunWindow = { from, to, jobCutoff: to - JOB_WINDOW_S, history };
  for (const unit of state.units) {
    const account = state.org.accounts.get(unit.accountId);
    if (!account || account.state !== "ACTIVE") continue;
    for (const planIndex of unit.plans) runPlan(state, unit, state.plans[planIndex] as PlanRt, window);
  }
  promotePending(state, to);
  runRestoreTesting(state, window);
  expire(state, to);
  for (const unit of state.units) sortJobs(state, unit);
  state.now = to;
  state.version++;
}

function runPlan(state: SimState, unit: Unit, plan: PlanRt, w: RunWindow): void {
  const assigned = assignedResources(state, unit, plan);
  if (assigned.length === 0) return;
  plan.versions.forEach((version, vi) => {
    const vEnd = Math.min(plan.versions[vi + 1]?.created ?? Infinity, plan.deleted ?? Infinity);
    for (const ruleIndex of version.rules) {
      const rule = state.rules[ruleIndex] as RuleRt;
      if (!rule.schedule) continue;
      let lo = Math.max(w.from, version.created);
      if (w.history) lo = Math.max(lo, w.to - keepSeconds(state, rule));
      const hi = Math.min(w.to, vEnd - 1);
      if (hi <= lo) continue;
      const fires = rule.schedule.fires(lo, hi, plan.created);
      if (fires.length === 0) continue;
      for (const t of fires) {
        for (const [res, sel] of assigned) {
          if (resourceExists(res, t) && sel.created <= t) emitBackup(state, unit, plan, rule, res, sel, t, w);
        }
        plan.lastExecution = Math.max(plan.lastExecution ?? 0, t);
      }
    }
  });
}

/** Resources a plan's selections assign (first matching selection wins), in resource order. */
export function assignedResources(state: SimState, unit: Unit, plan: PlanRt): [ResourceRt, SelectionRt][] {
  const out: [ResourceRt, SelectionRt][] = [];
  for (const ri of unit.resources) {
    const res = state.resources[ri] as ResourceRt;
    const sel = plan.selections.find((s) => selects(s, res));
    if (sel) out.push([res, sel]);
  }
  return out;
}

/** How far back history must run for this rule's results to still be visible now. */
function keepSeconds(state: SimState, rule: RuleRt): number {
  let days = 31;
  const all = [rule.lifecycle, ...rule.copyActions.map((c) => c.lifecycle ?? rule.lifecycle)];
  for (const lc of all) days = Math.max(days, lc.deleteAfterDays < 0 ? state.def.history_days : lc.deleteAfterDays + 1);
  return Math.min(days, state.def.history_days) * DAY;
}

/** Recovery points whose jobs have now finished become listed and counted. */
function promotePending(state: SimState, to: number): void {
  const still: number[] = [];
  for (const rp of state.pendingRps) {
    if (state.rps.visible(rp, to)) (state.vaults[state.rps.vault.data[rp] as number] as VaultRt).liveCount++;
    else if (state.rps.alive(rp)) still.push(rp);
  }
  state.pendingRps = still;
}

/**
 * Lifecycle expiry: recovery points past DeleteAfterDays are deleted (continuous ones slide
 * instead), and dropped from their vault's list so listings never wade through the dead.
 */
function expire(state: SimState, to: number): void {
  const rps = state.rps;
  const touched = new Set<VaultRt>();
  for (let i = 0; i < rps.size; i++) {
    const flags = rps.flags.data[i] as number;
    if (flags & (RP_DELETED | RP_CONTINUOUS)) continue;
    if (rps.deleteAt(i) <= to) {
      const counted = rps.visible(i, to);
      rps.flags.data[i] = flags | RP_DELETED;
      const vault = state.vaults[rps.vault.data[i] as number];
      if (!vault) continue;
      if (counted) vault.liveCount--;
      touched.add(vault);
    }
  }
  for (const vault of touched) {
    const kept = new IntList(Math.max(16, vault.liveCount));
    const list = vault.recoveryPoints.view();
    for (let k = 0; k < list.length; k++) if (rps.alive(list[k] as number)) kept.push(list[k] as number);
    vault.recoveryPoints = kept;
  }
}

function sortJobs(state: SimState, unit: Unit): void {
  const bj = state.backupJobs.created.data;
  unit.backupJobs.sortBy((a, b) => (bj[a] as number) - (bj[b] as number) || a - b);
  const cj = state.copyJobs.created.data;
  unit.copyJobs.sortBy((a, b) => (cj[a] as number) - (cj[b] as number) || a - b);
  const sj = state.scanJobs.created.data;
  unit.scanJobs.sortBy((a, b) => (sj[a] as number) - (sj[b] as number) || a - b);
  const rj = state.restoreJobs;
  unit.restoreJobs.sortBy((a, b) => (rj[a]?.created ?? 0) - (rj[b]?.created ?? 0) || a - b);
}
