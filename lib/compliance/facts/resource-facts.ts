// Per-resource facts, pre-aggregated once per snapshot so the controls never scan recovery
// points or jobs per resource. This shape is the contract with storage: a SQL aggregation can
// fill it (newest point per resource, newest in an air-gapped vault, ...) instead of
// buildSnapshotFacts, which builds it from arrays in one pass over each input.
import type { BackupJob, BackupPlan, BackupVault, CopyJob, RecoveryPoint, RestoreJob } from "@/lib/inventory/types";

export interface RecoveryPointRef {
  recoveryPointArn: string;
  creationDate: Date;
  backupVaultArn: string;
  accountId: string;
  region: string;
}

export interface JobIssue {
  kind: "backup" | "copy";
  jobId: string;
  state: string;
  messageCategory: string | null;
  statusMessage: string | null;
  creationDate: Date;
}

export interface RestoreRef {
  restoreJobId: string;
  accountId: string;
  region: string;
  resourceArn: string | null;
  resourceType: string;
  recoveryPointArn: string;
  completionDate: Date;
  durationMinutes: number;
  restoreTestingPlanArn: string | null;
}

export interface ResourceFacts {
  /** Newest usable (COMPLETED/AVAILABLE) recovery point, any vault, copies included. */
  newestRecoveryPoint: RecoveryPointRef | null;
  /** A usable recovery point made by a continuous-backup rule (point-in-time recovery). */
  continuousRecoveryPoint: RecoveryPointRef | null;
  newestAirGappedRecoveryPoint: RecoveryPointRef | null;
  /** Copies seen (recovery points with a source vault), one per destination vault, capped. */
  copies: RecoveryPointRef[];
  /** Newest COMPLETED restore job of this resource's recovery points. */
  latestRestore: RestoreRef | null;
  /** Failed, aborted, expired, partial or completed-with-issues jobs since `jobsSince`. */
  jobIssues: JobIssue[];
  /** Newest backup job of any state (null: none seen). */
  lastJobAt: Date | null;
}

export interface SnapshotFacts {
  jobsSince: Date;
  resource(resourceArn: string): ResourceFacts | undefined;
  /** Newest successful restore of a resource type in an account, any region. */
  restoreForAccountType(accountId: string, resourceType: string): RestoreRef | null;
  /** Backup jobs in the unit that failed because of the IAM role, since `jobsSince`. */
  roleFailures(accountId: string, region: string): JobIssue[];
}

export interface FactsInput {
  plans: readonly BackupPlan[];
  vaults: readonly BackupVault[];
  recoveryPoints: Iterable<RecoveryPoint>;
  backupJobs: readonly BackupJob[];
  copyJobs: readonly CopyJob[];
  restoreJobs: readonly RestoreJob[];
}

const USABLE = new Set(["COMPLETED", "AVAILABLE"]);
const BAD_JOB_STATES = new Set(["FAILED", "ABORTED", "EXPIRED", "PARTIAL"]);
const MAX_COPIES = 10;
// Messages AWS Backup gives when the selection's role is missing or cannot be assumed/passed.
const ROLE_ERROR = /(iam role|assume role|assumerole|iam:passrole|not authorized|access ?denied|role .*does not exist)/i;

function emptyFacts(): ResourceFacts {
  return {
    newestRecoveryPoint: null,
    continuousRecoveryPoint: null,
    newestAirGappedRecoveryPoint: null,
    copies: [],
    latestRestore: null,
    jobIssues: [],
    lastJobAt: null,
  };
}

export function isJobIssue(state: string, messageCategory: string | null): boolean {
  if (BAD_JOB_STATES.has(state)) return true;
  // "Completed with issues" is COMPLETED plus a MessageCategory other than SUCCESS.
  return state === "COMPLETED" && messageCategory !== null && messageCategory !== "" && messageCategory.toUpperCase() !== "SUCCESS";
}

function newer(a: RecoveryPointRef | null, b: RecoveryPointRef): RecoveryPointRef {
  return a === null || b.creationDate > a.creationDate ? b : a;
}

export function buildSnapshotFacts(input: FactsInput, jobsSince: Date): SnapshotFacts {
  const byResource = new Map<string, ResourceFacts>();
  const get = (arn: string) => {
    let f = byResource.get(arn);
    if (!f) byResource.set(arn, (f = emptyFacts()));
    return f;
  };
  const continuousRules = new Set<string>();
  for (const p of input.plans) for (const r of p.rules) if (r.enableContinuousBackup) continuousRules.add(`${p.planId}|${r.ruleId}`);
  const airGappedVaults = new Set(input.vaults.filter((v) => v.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT").map((v) => v.vaultArn));
  const wantedPoints = new Set<string>();
  for (const j of input.restoreJobs) if (!j.sourceResourceArn) wantedPoints.add(j.recoveryPointArn);
  const pointResource = new Map<string, string>();

  for (const rp of input.recoveryPoints) {
    if (wantedPoints.has(rp.recoveryPointArn)) pointResource.set(rp.recoveryPointArn, rp.resourceArn);
    if (!USABLE.has(rp.status)) continue;
    const f = get(rp.resourceArn);
    const ref: RecoveryPointRef = {
      recoveryPointArn: rp.recoveryPointArn,
      creationDate: rp.creationDate,
      backupVaultArn: rp.backupVaultArn,
      accountId: rp.accountId,
      region: rp.region,
    };
    f.newestRecoveryPoint = newer(f.newestRecoveryPoint, ref);
    if (rp.backupPlanId && rp.backupRuleId && continuousRules.has(`${rp.backupPlanId}|${rp.backupRuleId}`)) {
      f.continuousRecoveryPoint = newer(f.continuousRecoveryPoint, ref);
    }
    if (rp.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" || airGappedVaults.has(rp.backupVaultArn)) {
      f.newestAirGappedRecoveryPoint = newer(f.newestAirGappedRecoveryPoint, ref);
    }
    if (rp.sourceBackupVaultArn && f.copies.length < MAX_COPIES && !f.copies.some((c) => c.backupVaultArn === rp.backupVaultArn)) {
      f.copies.push(ref);
    }
  }

  const roleFailures = new Map<string, JobIssue[]>();
  for (const j of input.backupJobs) {
    if (j.isParent) continue; // a parent's state summarises its children: count each once
    const f = get(j.resourceArn);
    if (!f.lastJobAt || j.creationDate > f.lastJobAt) f.lastJobAt = j.creationDate;
    if (j.creationDate < jobsSince || !isJobIssue(j.state, j.messageCategory)) continue;
    const issue: JobIssue = { kind: "backup", jobId: j.backupJobId, state: j.state, messageCategory: j.messageCategory, statusMessage: j.statusMessage, creationDate: j.creationDate };
    f.jobIssues.push(issue);
    if (j.state === "FAILED" && j.statusMessage && ROLE_ERROR.test(j.statusMessage)) {
      const key = `${j.accountId}|${j.region}`;
      const list = roleFailures.get(key) ?? [];
      list.push(issue);
      roleFailures.set(key, list);
    }
  }
  for (const j of input.copyJobs) {
    if (j.creationDate < jobsSince || !isJobIssue(j.state, j.messageCategory)) continue;
    get(j.resourceArn).jobIssues.push({ kind: "copy", jobId: j.copyJobId, state: j.state, messageCategory: j.messageCategory, statusMessage: j.statusMessage, creationDate: j.creationDate });
  }
  for (const f of byResource.values()) if (f.jobIssues.length > 1) f.jobIssues.sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());

  const byAccountType = new Map<string, RestoreRef>();
  for (const j of input.restoreJobs) {
    if (j.status !== "COMPLETED" || !j.completionDate) continue;
    // A restore-testing run whose validation failed is not evidence that restores work.
    if (j.validationStatus && /FAILED|TIMED_OUT/i.test(j.validationStatus)) continue;
    const resourceArn = j.sourceResourceArn ?? pointResource.get(j.recoveryPointArn) ?? null;
    const ref: RestoreRef = {
      restoreJobId: j.restoreJobId,
      accountId: j.accountId,
      region: j.region,
      resourceArn,
      resourceType: j.resourceType,
      recoveryPointArn: j.recoveryPointArn,
      completionDate: j.completionDate,
      durationMinutes: (j.completionDate.getTime() - j.creationDate.getTime()) / 60_000,
      restoreTestingPlanArn: j.restoreTestingPlanArn,
    };
    if (resourceArn) {
      const f = get(resourceArn);
      if (!f.latestRestore || ref.completionDate > f.latestRestore.completionDate) f.latestRestore = ref;
    }
    const key = `${j.accountId}|${j.resourceType}`;
    const prev = byAccountType.get(key);
    if (!prev || ref.completionDate > prev.completionDate) byAccountType.set(key, ref);
  }

  return {
    jobsSince,
    resource: (arn) => byResource.get(arn),
    restoreForAccountType: (a, t) => byAccountType.get(`${a}|${t}`) ?? null,
    roleFailures: (a, r) => roleFailures.get(`${a}|${r}`) ?? [],
  };
}
