import type { PlanRt, ResourceRt, RuleRt, SelectionRt, SimState, Unit, VaultRt } from "./model";
import { RP_CONTINUOUS, RP_COPY, RP_DELETE_AFTER_COPY, RP_ENCRYPTED, type JobState } from "./tables";
import { indexPoint, scanPoint } from "./scan-index";
import { hashInts, unit as frac } from "../world/rng";
import { TYPE_INFO } from "../world/resource-types";
import { DAY } from "../world/time";

export interface RunWindow {
  from: number;
  to: number;
  /** Jobs created before this are outside AWS's 30-day listing window: not recorded. */
  jobCutoff: number;
  history: boolean;
}

/** Messages AWS Backup gives for the outcomes simulated here. */
const FAILURES = [
  { message: "Insufficient privileges to perform this action.", category: "AccessDenied" },
  { message: "An internal error occurred. Please retry the operation.", category: "INVALIDPARAMETERS" },
  { message: "The specified resource is in a state that does not allow backups.", category: "INVALIDPARAMETERS" },
];
const ISSUES = {
  message: "Windows VSS Backup Job Error encountered, trying for regular backup",
  category: "INVALIDPARAMETERS",
};

/**
 * One scheduled run of a rule for one resource at time t: the backup job, its recovery point, its
 * copies (a rule deleting its source once copied marks the point DELETE_AFTER_COPY and deletes it
 * when the last copy completes), an ad-hoc restore now and then, the point's index and scan.
 */
export function emitBackup(
  state: SimState,
  unit: Unit,
  plan: PlanRt,
  rule: RuleRt,
  res: ResourceRt,
  sel: SelectionRt,
  t: number,
  w: RunWindow,
): void {
  // Types not opted in (DescribeRegionSettings) are skipped silently, as AWS Backup does.
  if (unit.notOptedIn.has(res.type)) return;
  const h = hashInts(state.seed, res.index, Math.floor(t / 60), rule.index);
  const continuous = rule.continuous && TYPE_INFO[res.type].continuous;
  const contKey = `${res.index}|${plan.index}|${rule.name}`;
  if (continuous) {
    const existing = state.continuous.get(contKey);
    if (existing !== undefined && state.rps.alive(existing)) return; // the continuous backup is already running
  }
  const created = t + (h % 300);
  const startDelay = ((h >>> 9) % Math.min(rule.startWindowMinutes, 60)) * 60;
  let duration = 300 + Math.round(res.sizeGb * 6) + ((h >>> 3) % 900);
  const vaultIndex = unit.vaultByName.get(rule.targetVault);
  const vault = vaultIndex === undefined ? undefined : (state.vaults[vaultIndex] as VaultRt);
  let jobState: JobState = "COMPLETED";
  let message = "";
  let category = "SUCCESS";
  const fail = (m: string, c: string) => ((jobState = "FAILED"), (message = m), (category = c));
  if (!vault) fail(`Backup vault ${rule.targetVault} does not exist.`, "INVALIDPARAMETERS");
  else if (!roleExists(state, unit, sel.iamRoleArn))
    fail(`IAM role ${sel.iamRoleArn} does not exist or cannot be assumed by AWS Backup.`, "AccessDenied");
  else if (lockViolation(vault, rule.lifecycle.deleteAfterDays))
    fail(`Backup lifecycle is outside the retention range of the vault lock on ${vault.name}.`, "INVALIDPARAMETERS");
  else {
    const outcome = drawOutcome(state, res, t, h);
    if (outcome === "FAILED") {
      const f = FAILURES[(h >>> 5) % FAILURES.length] as (typeof FAILURES)[number];
      fail(f.message, f.category);
    } else if (outcome === "ABORTED") {
      jobState = "ABORTED";
      message = "Backup job was aborted by the user.";
      category = "ABORTED";
      duration = 120;
    } else if (outcome === "EXPIRED") {
      jobState = "EXPIRED";
      message = "Backup job failed to start before the end of its start window.";
      category = "EXPIRED";
      duration = rule.startWindowMinutes * 60;
    } else if (outcome === "ISSUES") {
      message = ISSUES.message;
      category = ISSUES.category;
    }
  }
  let rp = -1;
  let start = 0;
  let done = 0;
  if (jobState === "COMPLETED" && vault) {
    start = created + startDelay;
    const del = continuous
      ? Math.min(rule.lifecycle.deleteAfterDays < 0 ? 35 : rule.lifecycle.deleteAfterDays, 35)
      : rule.lifecycle.deleteAfterDays;
    if (continuous || del < 0 || start + del * DAY > w.to) {
      rp = addRecoveryPoint(
        state,
        vault,
        res,
        rule.index,
        start,
        duration,
        del,
        continuous ? -1 : rule.lifecycle.coldAfterDays,
        (res.encrypted ? RP_ENCRYPTED : 0) |
          (continuous ? RP_CONTINUOUS : 0) |
          (rule.deleteSourceAfterCopy && !continuous ? RP_DELETE_AFTER_COPY : 0),
        -1,
        w.to,
      );
      if (continuous) state.continuous.set(contKey, rp);
    }
    done = start + duration;
    // When the last copy completed; NaN when one failed or has not been made (the source then stays).
    let copied = rule.copyActions.length ? 0 : NaN;
    for (const action of rule.copyActions)
      copied = Math.max(copied, emitCopy(state, unit, rule, res, rp, vault, action, done, h, w));
    if (rp >= 0 && rule.deleteSourceAfterCopy && !continuous && Number.isFinite(copied))
      state.rps.deletedAfterCopy.data[rp] = copied - start;
    maybeAdhocRestore(state, unit, res, rp, rule, sel, done, h, w);
  }
  let job = -1;
  if (created >= w.jobCutoff) {
    job = state.backupJobs.add({
      resource: res.index,
      rule: rule.index,
      vault: vaultIndex ?? -1,
      recoveryPoint: rp,
      created,
      duration: startDelay + duration,
      state: jobState,
      message,
      category,
    });
    unit.backupJobs.push(job);
  }
  if (jobState === "COMPLETED" && vault && !continuous) {
    indexPoint(state, rule, res, rp);
    scanPoint(state, unit, plan, rule, res, vault, { rp, backupJob: job, start, done, h, jobCutoff: w.jobCutoff });
  }
}

function drawOutcome(
  state: SimState,
  res: ResourceRt,
  t: number,
  h: number,
): "COMPLETED" | "FAILED" | "ABORTED" | "EXPIRED" | "ISSUES" {
  switch (res.outcome) {
    case "fail":
      return "FAILED";
    case "abort":
      return "ABORTED";
    case "expire":
      return "EXPIRED";
    case "issues":
      return "ISSUES";
    case "fail_recent":
      // Healthy until five days before the world was built, failing since: a stale RPO.
      if (t >= state.epoch - 5 * DAY) return "FAILED";
      break;
  }
  const b = state.def.behaviour;
  let u = frac(hashInts(h, 0x5eed));
  if ((u -= b.failure_rate) < 0) return "FAILED";
  if ((u -= b.abort_rate) < 0) return "ABORTED";
  if ((u -= b.expire_rate) < 0) return "EXPIRED";
  if ((u -= b.issues_rate) < 0) return "ISSUES";
  return "COMPLETED";
}

function roleExists(state: SimState, unit: Unit, roleArn: string): boolean {
  const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  if (!m || m[1] !== unit.accountId) return false;
  return state.org.accounts.get(unit.accountId)?.iam_roles.includes(m[2] as string) ?? false;
}

/** Vault Lock refuses backups and copies whose retention falls outside its range. */
export function lockViolation(vault: VaultRt, deleteAfterDays: number): boolean {
  const lock = vault.lock;
  if (!lock) return false;
  if (lock.min !== undefined && (deleteAfterDays >= 0 ? deleteAfterDays < lock.min : false)) return true;
  if (lock.max !== undefined && (deleteAfterDays < 0 || deleteAfterDays > lock.max)) return true;
  return false;
}

/** A recovery point; one whose job finishes after `now` is pending (listed once the clock passes it). */
export function addRecoveryPoint(
  state: SimState,
  vault: VaultRt,
  res: ResourceRt,
  rule: number,
  created: number,
  duration: number,
  deleteAfterDays: number,
  coldAfterDays: number,
  flags: number,
  source: number,
  now: number,
): number {
  const sizeMb = res.sizeGb * 1024 * (0.3 + frac(hashInts(state.seed, res.index, created)) * 0.6);
  const rp = state.rps.add({
    vault: vault.index,
    resource: res.index,
    rule,
    created,
    completedAfter: duration,
    deleteAfterDays,
    coldAfterDays,
    flags,
    source,
    sizeMb,
  });
  vault.recoveryPoints.push(rp);
  if (created + duration <= now) vault.liveCount++;
  else state.pendingRps.push(rp);
  return rp;
}

function emitCopy(
  state: SimState,
  unit: Unit,
  rule: RuleRt,
  res: ResourceRt,
  sourceRp: number,
  src: VaultRt,
  action: RuleRt["copyActions"][number],
  at: number,
  h: number,
  w: RunWindow,
): number {
  const hc = hashInts(h, 0xc0b1, action.destinationVaultArn.length);
  const created = at + 60 + (hc % 600);
  const duration = 600 + (hc % 3600);
  const lc = action.lifecycle ?? rule.lifecycle;
  const destIndex = state.vaultByArn.get(action.destinationVaultArn);
  // vaultByArn keeps removed vaults (old jobs still name them); a copy needs a vault that exists.
  const dest =
    destIndex === undefined || !state.units[state.vaults[destIndex]!.unit]?.vaults.includes(destIndex)
      ? undefined
      : state.vaults[destIndex];
  const destAccount = dest ? state.org.accounts.get(state.units[dest.unit]?.accountId ?? "") : undefined;
  let message = "";
  let ok = false;
  if (!dest) message = `Destination backup vault ${action.destinationVaultArn} does not exist or is not accessible.`;
  else if (destAccount?.state !== "ACTIVE") message = "The destination account is not active.";
  else if (lockViolation(dest, lc.deleteAfterDays))
    message = `Copy lifecycle is outside the retention range of the vault lock on ${dest.name}.`;
  else if (frac(hc) < state.def.behaviour.copy_failure_rate)
    message = "Copy job failed: an internal error occurred. Please retry.";
  else ok = true;
  let destRp = -1;
  if (ok && dest && created <= w.to && (lc.deleteAfterDays < 0 || created + lc.deleteAfterDays * DAY > w.to)) {
    const flags = RP_COPY | ((state.rps.flags.data[sourceRp] ?? (res.encrypted ? RP_ENCRYPTED : 0)) & RP_ENCRYPTED);
    destRp = addRecoveryPoint(
      state,
      dest,
      res,
      rule.index,
      created,
      duration,
      lc.deleteAfterDays,
      lc.coldAfterDays,
      flags,
      sourceRp >= 0 ? sourceRp : -1,
      w.to,
    );
  }
  if (created >= w.jobCutoff && created <= w.to) {
    const job = state.copyJobs.add({
      resource: res.index,
      rule: rule.index,
      sourceVault: src.index,
      source: sourceRp,
      destination: destRp,
      destinationVaultArn: action.destinationVaultArn,
      created,
      duration,
      state: ok ? "COMPLETED" : "FAILED",
      message,
      deleteAfterDays: lc.deleteAfterDays,
      coldAfterDays: lc.coldAfterDays,
    });
    unit.copyJobs.push(job);
  }
  return ok && created <= w.to ? created + duration : NaN;
}

function maybeAdhocRestore(
  state: SimState,
  unit: Unit,
  res: ResourceRt,
  rp: number,
  rule: RuleRt,
  sel: SelectionRt,
  done: number,
  h: number,
  w: RunWindow,
): void {
  if (rp < 0) return;
  const period = rule.schedule?.periodSeconds ?? DAY;
  const p = (state.def.behaviour.adhoc_restore_rate * period) / (30 * DAY);
  const hr = hashInts(h, 0x4e57);
  if (frac(hr) >= p) return;
  const created = done + 3600 + (hr % (48 * 3600));
  if (created < w.jobCutoff || created > w.to) return;
  addRestoreJob(state, unit, res, rp, created, -1, sel.iamRoleArn, hr);
}

export function addRestoreJob(
  state: SimState,
  unit: Unit,
  res: ResourceRt,
  rp: number,
  created: number,
  testingPlan: number,
  roleArn: string,
  h: number,
): void {
  const minutes = res.restoreMinutes ?? Math.round(10 + res.sizeGb * 0.4 + (h % 30));
  const failed = frac(hashInts(h, 0xfa11)) < 0.05;
  state.restoreJobs.push({
    index: state.restoreJobs.length,
    unit: unit.index,
    recoveryPoint: rp,
    created,
    durationMinutes: minutes,
    status: failed ? "FAILED" : "COMPLETED",
    message: failed ? "Restore failed: the restore target could not be created." : "",
    restoreTestingPlan: testingPlan,
    iamRoleArn: roleArn,
    // Restore testing validates what it restored; the resource says what validation reports.
    validation: testingPlan >= 0 && !failed ? res.restoreValidation : undefined,
  });
  unit.restoreJobs.push(state.restoreJobs.length - 1);
}
