import type { ResourceRt, SimState, Unit, VaultRt } from "@/sim/engine/model";
import { RP_COPY, RP_DELETE_AFTER_COPY, SCAN_CLEAN, SCAN_FAILED, SCAN_NONE, SCAN_THREATS } from "@/sim/engine/tables";

const DAY = 86_400;
const AIR_GAPPED = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT";

/**
 * Which of the cyber-resilience cases a world holds, judged from the simulator's own state in
 * the units a sync can reach (the keys name each case the demo and bench worlds must contain).
 */
export function resilienceMix(s: SimState, reachable: (u: Unit) => boolean): Record<string, boolean> {
  const units = s.units.filter(reachable);
  const vaults = units.flatMap((u) => u.vaults.map((v) => s.vaults[v] as VaultRt));
  const lag = vaults.filter((v) => v.type === AIR_GAPPED);
  const resources = units.flatMap((u) => u.resources.map((r) => s.resources[r] as ResourceRt));
  const points: number[] = [];
  for (const v of vaults) for (const i of v.recoveryPoints.view()) if (s.rps.visible(i, s.now)) points.push(i);
  const scans = new Set(points.filter((i) => !(s.rps.flags.data[i]! & RP_COPY)).map((i) => s.rps.scan.data[i]!));
  const pointsOf = (r: ResourceRt) => points.filter((i) => s.rps.resource.data[i] === r.index);
  const guarded = (v: VaultRt) => v.type === AIR_GAPPED && (v.share !== null || v.mpaApprovalTeamArn !== undefined);
  const freshGuardedCopy = (r: ResourceRt) =>
    pointsOf(r).some((i) => guarded(s.vaults[s.rps.vault.data[i]!]!) && s.now - s.rps.created.data[i]! <= 2 * DAY);
  const critical = resources.filter((r) => r.tags.criticality === "critical");
  const personal = resources.filter(
    (r) => r.tags["data-classification"] === "personal" && (r.type === "S3" || r.type === "EBS"),
  );
  const indexedActive = (r: ResourceRt) => pointsOf(r).some((i) => s.rps.index.data[i] === 1);
  const testing = s.restoreJobs.filter((j) => j.restoreTestingPlan >= 0 && reachable(s.units[j.unit]!));
  return {
    "clean points": scans.has(SCAN_CLEAN),
    "infected points": scans.has(SCAN_THREATS),
    "failed-scan points": scans.has(SCAN_FAILED),
    "unscanned points": scans.has(SCAN_NONE),
    "air-gapped vault shared outside the organization": lag.some((v) => v.share?.principals.some((p) => p.external)),
    "air-gapped vault shared only inside it": lag.some(
      (v) => v.share !== null && v.share.principals.every((p) => !p.external),
    ),
    "unshared air-gapped vault": lag.some((v) => v.share === null),
    "air-gapped vault with an MPA team": lag.some((v) => v.mpaApprovalTeamArn !== undefined),
    "restore test validated SUCCESSFUL": testing.some((j) => j.status === "COMPLETED" && j.validation === "successful"),
    "restore test validated FAILED": testing.some((j) => j.status === "COMPLETED" && j.validation === "failed"),
    "critical resource with a recent copy in a shared or MPA-protected air-gapped vault":
      critical.some(freshGuardedCopy),
    "critical resource without one": critical.some((r) => !freshGuardedCopy(r)),
    "personal S3/EBS resource indexed ACTIVE": personal.some(indexedActive),
    "personal S3/EBS resource not indexed or FAILED": personal.some((r) => !indexedActive(r)),
    "DELETE_AFTER_COPY points": points.some((i) => (s.rps.flags.data[i]! & RP_DELETE_AFTER_COPY) !== 0),
  };
}
