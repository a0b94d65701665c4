import type { PlanRt, ResourceRt, RuleRt, SimState, Unit, VaultRt } from "./model";
import { SCAN_CLEAN, SCAN_FAILED, SCAN_THREATS } from "./tables";
import { hashInts } from "../world/rng";
import { DAY } from "../world/time";

/**
 * What AWS Backup does to a recovery point its rule has just made, beyond storing it: a backup
 * index (IndexActions, EBS and S3) and a GuardDuty malware scan (ScanActions, for the types the
 * plan's ScanSettings name). Copies are neither indexed nor scanned: the actions belong to the
 * backup the rule makes.
 */

/** An "infected" resource's points from this long before the world was built, and since, carry malware. */
export const INFECTED_SINCE_S = 7 * DAY;

const INDEX_OF = { active: 1, failed: 2, pending: 3 } as const;

export function indexPoint(state: SimState, rule: RuleRt, res: ResourceRt, rp: number): void {
  if (rp >= 0 && rule.indexActions.some((a) => a.resourceTypes.includes(res.type)))
    state.rps.index.data[rp] = INDEX_OF[res.indexOutcome];
}

/**
 * A scan job after the backup completes (`done`); `rp` is -1 when the point itself was not kept
 * (it expired before the world was built), `backupJob` -1 when its job left the 30-day window.
 */
export function scanPoint(
  state: SimState,
  unit: Unit,
  plan: PlanRt,
  rule: RuleRt,
  res: ResourceRt,
  vault: VaultRt,
  p: { rp: number; backupJob: number; start: number; done: number; h: number; jobCutoff: number },
): void {
  const action = rule.scanActions[0];
  if (!action) return;
  const settings = plan.versions[rule.version]?.scanSettings.find((s) => s.malwareScanner === action.malwareScanner);
  if (!settings?.resourceTypes.includes(res.type)) return;
  const outcome =
    res.scanOutcome === "failed"
      ? SCAN_FAILED
      : res.scanOutcome === "infected" && p.start >= state.epoch - INFECTED_SINCE_S
        ? SCAN_THREATS
        : SCAN_CLEAN;
  const hs = hashInts(p.h, 0x5ca9);
  const created = p.done + 60 + (hs % 540);
  const duration = 300 + Math.round(res.sizeGb * 3) + ((hs >>> 10) % 1200);
  // An incremental scan compares with the lineage's last scanned point; the first one has no base.
  const key = `${res.index}|${rule.index}`;
  const base = action.scanMode === "INCREMENTAL_SCAN" ? (state.lastScanned.get(key) ?? -1) : -1;
  state.lastScanned.set(key, p.rp);
  if (p.rp >= 0) {
    state.rps.scan.data[p.rp] = outcome;
    state.rps.scanAfter.data[p.rp] = created + duration - p.done;
  }
  if (created < p.jobCutoff || (p.rp < 0 && p.backupJob < 0)) return;
  const job = state.scanJobs.add({
    resource: res.index,
    rule: rule.index,
    vault: vault.index,
    recoveryPoint: p.rp,
    backupJob: p.backupJob,
    base,
    created,
    duration,
    outcome,
  });
  unit.scanJobs.push(job);
}
