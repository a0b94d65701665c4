// Per-resource facts, pre-aggregated once per snapshot so the controls never scan recovery
// points or jobs per resource. This shape is the contract with storage: a SQL aggregation can
// fill it (newest point per resource, newest in an air-gapped vault, ...) instead of
// buildSnapshotFacts, which builds it from arrays in one pass over each input.
import { jobHasIssue } from "@/db/job-issue";
import {
  AIR_GAPPED_VAULT_TYPE,
  CLEAN_SCAN_STATUS,
  INFECTED_SCAN_STATUS,
  pointIsAirGapped,
  pointIsUsable,
} from "@/db/recovery-point-state";
import { restoreValidated, restoreValidationFailed } from "@/db/restore-validation";
import type {
  BackupJob,
  BackupPlan,
  BackupVault,
  CopyJob,
  RecoveryPoint,
  RecoveryPointScanStatus,
  RestoreJob,
} from "@/lib/inventory/types";

export interface RecoveryPointRef {
  recoveryPointArn: string;
  creationDate: Date;
  backupVaultArn: string;
  accountId: string;
  region: string;
  /** The malware scan verdict (null: never scanned) and when AWS computed it. */
  scanStatus: RecoveryPointScanStatus | null;
  scannedAt: Date | null;
  /** Backup index for search (null: not indexed). */
  indexStatus: RecoveryPoint["indexStatus"];
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
  /** ValidationStatus of a restore test: SUCCESSFUL, FAILED, TIMED_OUT, VALIDATING; null: none run. */
  validationStatus: string | null;
}

export interface ResourceFacts {
  /** Newest usable (COMPLETED/AVAILABLE) recovery point, any vault, copies included. */
  newestRecoveryPoint: RecoveryPointRef | null;
  /** A usable recovery point made by a continuous-backup rule (point-in-time recovery). */
  continuousRecoveryPoint: RecoveryPointRef | null;
  newestAirGappedRecoveryPoint: RecoveryPointRef | null;
  /** The newest usable point of each logically air-gapped vault holding some, capped like copies. */
  airGappedRecoveryPoints: readonly RecoveryPointRef[];
  /** Copies seen (recovery points with a source vault), one per destination vault, capped. */
  copies: RecoveryPointRef[];
  /** Newest usable point whose malware scan found no threats. */
  newestCleanRecoveryPoint: RecoveryPointRef | null;
  /** Newest usable point whose malware scan found threats. */
  newestInfectedRecoveryPoint: RecoveryPointRef | null;
  /** Usable points the resource's own backups made (copies excluded), and how many have no ACTIVE backup index. */
  originalPoints: number;
  unindexedPoints: number;
  /** Newest usable point without an ACTIVE backup index. */
  newestUnindexedRecoveryPoint: RecoveryPointRef | null;
  /** Newest COMPLETED restore job of this resource's recovery points (failed validations excluded). */
  latestRestore: RestoreRef | null;
  /** Newest COMPLETED restore whose validation SUCCEEDED. */
  latestValidatedRestore: RestoreRef | null;
  /** Newest COMPLETED restore whatever its validation (to say why none counts). */
  latestCompletedRestore: RestoreRef | null;
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
  /** Lets go of a resource's facts once nothing will ask again (streamed evaluation). */
  forget?(resourceArn: string): void;
}

export interface FactsInput {
  plans: readonly BackupPlan[];
  vaults: readonly BackupVault[];
  recoveryPoints: Iterable<RecoveryPoint>;
  backupJobs: readonly BackupJob[];
  copyJobs: readonly CopyJob[];
  restoreJobs: readonly RestoreJob[];
}

const MAX_COPIES = 10;
const NO_POINTS: readonly RecoveryPointRef[] = Object.freeze([]);
// Messages AWS Backup gives when the selection's role is missing or cannot be assumed/passed.
const ROLE_ERROR =
  /(iam role|assume role|assumerole|iam:passrole|not authorized|access ?denied|role .*does not exist)/i;

const refOf = (rp: RecoveryPoint): RecoveryPointRef => ({
  recoveryPointArn: rp.recoveryPointArn,
  creationDate: rp.creationDate,
  backupVaultArn: rp.backupVaultArn,
  accountId: rp.accountId,
  region: rp.region,
  scanStatus: rp.scanStatus,
  scannedAt: rp.scannedAt,
  indexStatus: rp.indexStatus,
});

const newer = (t: number, kept: RecoveryPointRef | null) => !kept || t > kept.creationDate.getTime();

function emptyFacts(): ResourceFacts {
  return {
    newestRecoveryPoint: null,
    continuousRecoveryPoint: null,
    newestAirGappedRecoveryPoint: null,
    airGappedRecoveryPoints: NO_POINTS,
    copies: [],
    newestCleanRecoveryPoint: null,
    newestInfectedRecoveryPoint: null,
    originalPoints: 0,
    unindexedPoints: 0,
    newestUnindexedRecoveryPoint: null,
    latestRestore: null,
    latestValidatedRestore: null,
    latestCompletedRestore: null,
    jobIssues: [],
    lastJobAt: null,
  };
}

/**
 * Builds SnapshotFacts incrementally: recovery points one at a time (the evaluation streams them
 * from Postgres once), jobs and restores as rows or as SQL pre-aggregates. Restores whose source
 * resource is unknown are resolved through recovery points seen before `finish()`.
 */
export class FactsAccumulator {
  private readonly byResource = new Map<string, ResourceFacts>();
  private readonly continuousRules = new Set<string>();
  private readonly airGappedVaults: Set<string>;
  private readonly pointResource = new Map<string, string>();
  private readonly roleFailureMap = new Map<string, JobIssue[]>();
  private readonly restores: RestoreJob[] = [];

  constructor(
    input: Pick<FactsInput, "plans" | "vaults">,
    readonly jobsSince: Date,
    /** Recovery points named by restore jobs without a source resource (resolved from the stream). */
    private readonly wantedPoints: ReadonlySet<string> = new Set(),
  ) {
    for (const p of input.plans)
      for (const r of p.rules) if (r.enableContinuousBackup) this.continuousRules.add(`${p.planId}|${r.ruleId}`);
    this.airGappedVaults = new Set(
      input.vaults.filter((v) => pointIsAirGapped(null, v.vaultType)).map((v) => v.vaultArn),
    );
  }

  private get(arn: string): ResourceFacts {
    let f = this.byResource.get(arn);
    if (!f) this.byResource.set(arn, (f = emptyFacts()));
    return f;
  }

  addRecoveryPoint(rp: RecoveryPoint): void {
    if (this.wantedPoints.size > 0 && this.wantedPoints.has(rp.recoveryPointArn))
      this.pointResource.set(rp.recoveryPointArn, rp.resourceArn);
    if (!pointIsUsable(rp.status)) return;
    const f = this.get(rp.resourceArn);
    // A million points per evaluation: build the reference only when it is kept.
    let ref: RecoveryPointRef | null = null;
    const t = rp.creationDate.getTime();
    if (newer(t, f.newestRecoveryPoint)) f.newestRecoveryPoint = ref = refOf(rp);
    if (
      rp.backupPlanId &&
      rp.backupRuleId &&
      this.continuousRules.size > 0 &&
      this.continuousRules.has(`${rp.backupPlanId}|${rp.backupRuleId}`)
    ) {
      if (newer(t, f.continuousRecoveryPoint)) f.continuousRecoveryPoint = ref ??= refOf(rp);
    }
    if (pointIsAirGapped(rp.vaultType, this.airGappedVaults.has(rp.backupVaultArn) ? AIR_GAPPED_VAULT_TYPE : null)) {
      if (newer(t, f.newestAirGappedRecoveryPoint)) f.newestAirGappedRecoveryPoint = ref ??= refOf(rp);
      // One entry per vault (at most ten); most resources have none and share one empty list.
      const lag = f.airGappedRecoveryPoints;
      const i = lag.findIndex((p) => p.backupVaultArn === rp.backupVaultArn);
      if (i >= 0) {
        if (newer(t, lag[i]!)) f.airGappedRecoveryPoints = lag.with(i, (ref ??= refOf(rp)));
      } else if (lag.length < MAX_COPIES) {
        f.airGappedRecoveryPoints = [...lag, (ref ??= refOf(rp))];
      }
    }
    if (
      rp.sourceBackupVaultArn &&
      f.copies.length < MAX_COPIES &&
      !f.copies.some((c) => c.backupVaultArn === rp.backupVaultArn)
    ) {
      f.copies.push((ref ??= refOf(rp)));
    }
    if (rp.scanStatus === CLEAN_SCAN_STATUS) {
      if (newer(t, f.newestCleanRecoveryPoint)) f.newestCleanRecoveryPoint = ref ??= refOf(rp);
    } else if (rp.scanStatus === INFECTED_SCAN_STATUS) {
      if (newer(t, f.newestInfectedRecoveryPoint)) f.newestInfectedRecoveryPoint = ref ??= refOf(rp);
    }
    // A copy holds its source point's data, which is what a backup index makes searchable: only
    // the points the resource's own backups made need an index of their own.
    if (!rp.sourceBackupVaultArn) {
      f.originalPoints++;
      if (rp.indexStatus !== "ACTIVE") {
        f.unindexedPoints++;
        if (newer(t, f.newestUnindexedRecoveryPoint)) f.newestUnindexedRecoveryPoint = ref ??= refOf(rp);
      }
    }
  }

  /** Newest backup job of a resource (any state); SQL may give only the newest since `jobsSince`. */
  addJobActivity(resourceArn: string, at: Date): void {
    const f = this.get(resourceArn);
    if (!f.lastJobAt || at > f.lastJobAt) f.lastJobAt = at;
  }

  addBackupJob(j: BackupJob): void {
    if (j.isParent) return; // a parent's state summarises its children: count each once
    this.addJobActivity(j.resourceArn, j.creationDate);
    if (j.creationDate < this.jobsSince || !jobHasIssue(j.state, j.messageCategory)) return;
    this.addJobIssue(j.accountId, j.region, j.resourceArn, {
      kind: "backup",
      jobId: j.backupJobId,
      state: j.state,
      messageCategory: j.messageCategory,
      statusMessage: j.statusMessage,
      creationDate: j.creationDate,
    });
  }

  addCopyJob(j: CopyJob): void {
    if (j.creationDate < this.jobsSince || !jobHasIssue(j.state, j.messageCategory)) return;
    this.addJobIssue(j.accountId, j.region, j.resourceArn, {
      kind: "copy",
      jobId: j.copyJobId,
      state: j.state,
      messageCategory: j.messageCategory,
      statusMessage: j.statusMessage,
      creationDate: j.creationDate,
    });
  }

  /** An unhealthy job already filtered (by addBackupJob/addCopyJob or by SQL). */
  addJobIssue(accountId: string, region: string, resourceArn: string, issue: JobIssue): void {
    this.get(resourceArn).jobIssues.push(issue);
    if (
      issue.kind === "backup" &&
      issue.state === "FAILED" &&
      issue.statusMessage &&
      ROLE_ERROR.test(issue.statusMessage)
    ) {
      const key = `${accountId}|${region}`;
      const list = this.roleFailureMap.get(key) ?? [];
      list.push(issue);
      this.roleFailureMap.set(key, list);
    }
  }

  addRestoreJob(j: RestoreJob): void {
    this.restores.push(j);
  }

  finish(): SnapshotFacts {
    const byResource = this.byResource;
    for (const f of byResource.values())
      if (f.jobIssues.length > 1) f.jobIssues.sort((a, b) => b.creationDate.getTime() - a.creationDate.getTime());
    const byAccountType = new Map<string, RestoreRef>();
    for (const j of this.restores) {
      if (j.status !== "COMPLETED" || !j.completionDate) continue;
      const resourceArn = j.sourceResourceArn ?? this.pointResource.get(j.recoveryPointArn) ?? null;
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
        validationStatus: j.validationStatus,
      };
      const f = resourceArn ? this.get(resourceArn) : null;
      if (f) {
        if (!f.latestCompletedRestore || ref.completionDate > f.latestCompletedRestore.completionDate)
          f.latestCompletedRestore = ref;
        if (
          restoreValidated(j.validationStatus) &&
          (!f.latestValidatedRestore || ref.completionDate > f.latestValidatedRestore.completionDate)
        )
          f.latestValidatedRestore = ref;
      }
      // A restore-testing run whose validation failed is not evidence that restores work.
      if (restoreValidationFailed(j.validationStatus)) continue;
      if (f && (!f.latestRestore || ref.completionDate > f.latestRestore.completionDate)) f.latestRestore = ref;
      const key = `${j.accountId}|${j.resourceType}`;
      const prev = byAccountType.get(key);
      if (!prev || ref.completionDate > prev.completionDate) byAccountType.set(key, ref);
    }
    const roleFailures = this.roleFailureMap;
    return {
      jobsSince: this.jobsSince,
      resource: (arn) => byResource.get(arn),
      restoreForAccountType: (a, t) => byAccountType.get(`${a}|${t}`) ?? null,
      roleFailures: (a, r) => roleFailures.get(`${a}|${r}`) ?? [],
      forget: (arn) => void byResource.delete(arn),
    };
  }
}

export function buildSnapshotFacts(input: FactsInput, jobsSince: Date): SnapshotFacts {
  const wanted = new Set<string>();
  for (const j of input.restoreJobs) if (!j.sourceResourceArn) wanted.add(j.recoveryPointArn);
  const acc = new FactsAccumulator(input, jobsSince, wanted);
  for (const rp of input.recoveryPoints) acc.addRecoveryPoint(rp);
  for (const j of input.backupJobs) acc.addBackupJob(j);
  for (const j of input.copyJobs) acc.addCopyJob(j);
  for (const j of input.restoreJobs) acc.addRestoreJob(j);
  return acc.finish();
}
