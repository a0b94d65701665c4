import { addRestoreJob, type RunWindow } from "./emit";
import type { ResourceRt, SimState, Unit, VaultRt } from "./model";
import { RP_COPY } from "./tables";
import { hashInts } from "../world/rng";

/** Resources restored per resource type on each run of a restore testing plan. */
const PER_TYPE = 2;

/**
 * Restore testing plans: on each scheduled run, restore the latest recovery point (created
 * before the run) of up to two resources of each selected type, then validate and delete the
 * restored resource, as AWS Backup restore testing does.
 */
export function runRestoreTesting(state: SimState, w: RunWindow): void {
  for (const plan of state.restoreTestingPlans) {
    if (!plan.schedule) continue;
    const unit = state.units[plan.unit] as Unit;
    if (state.org.accounts.get(unit.accountId)?.state !== "ACTIVE") continue;
    const lo = Math.max(w.from, plan.created, w.jobCutoff);
    if (w.to <= lo) continue;
    const fires = plan.schedule.fires(lo, w.to, plan.created);
    if (fires.length === 0) continue;
    const latest = latestRecoveryPoints(state, unit, w.to);
    for (const t of fires) {
      const start = t + 300;
      for (const type of plan.resourceTypes) {
        const candidates = unit.resources.filter(
          (ri) => (state.resources[ri] as ResourceRt).type === type && (latest.get(ri)?.[0]?.[0] ?? Infinity) < start,
        );
        candidates.sort((a, b) => hashInts(state.seed, a, t) - hashInts(state.seed, b, t));
        for (const ri of candidates.slice(0, PER_TYPE)) {
          const points = latest.get(ri) ?? [];
          const before = points.filter(([done]) => done < start);
          const rp = before[before.length - 1];
          if (!rp) continue;
          addRestoreJob(
            state,
            unit,
            state.resources[ri] as ResourceRt,
            rp[1],
            start,
            plan.index,
            `arn:aws:iam::${unit.accountId}:role/service-role/AWSBackupDefaultServiceRole`,
            hashInts(state.seed, ri, t, 0x7e57),
          );
        }
      }
      plan.lastExecution = t;
    }
  }
}

/** Resource → [completed, recovery point] of its own (non-copy) points finished by `to`, ascending. */
function latestRecoveryPoints(state: SimState, unit: Unit, to: number): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>();
  const rps = state.rps;
  for (const vi of unit.vaults) {
    const vault = state.vaults[vi] as VaultRt;
    const list = vault.recoveryPoints.view();
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number;
      if (!rps.visible(i, to) || ((rps.flags.data[i] as number) & RP_COPY) !== 0) continue;
      const ri = rps.resource.data[i] as number;
      let arr = out.get(ri);
      if (!arr) out.set(ri, (arr = []));
      arr.push([(rps.created.data[i] as number) + (rps.completedAfter.data[i] as number), i]);
    }
  }
  for (const arr of out.values()) arr.sort((a, b) => a[0] - b[0]);
  return out;
}
