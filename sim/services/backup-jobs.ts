import { SimError } from "../http/errors";
import { str, ts } from "../http/input";
import { at } from "../http/timestamp";
import type { ResourceRt, RuleRt, SimState, Unit, VaultRt } from "../engine/model";
import { JOB_WINDOW_S } from "../engine/run";
import { COPY_STATES, JOB_STATES, RP_ENCRYPTED, type RestoreJob } from "../engine/tables";
import { jobId, jobIndexOf } from "../world/ids";
import { page, type OpContext, type Operation } from "./context";
import {
  createdBy,
  DEFAULT_PAGE,
  defaultRole,
  lifecycle,
  lockState,
  notFound,
  rpArn,
  shapes,
  unitOf,
  VIRTUAL_RP_FOR_BACKUP_JOB,
  VIRTUAL_RP_FOR_COPY_JOB,
} from "./backup-shapes";

/** Backup, copy and restore jobs of the last 30 days (restJson1). */
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const paging = { NextToken: q("nextToken", shapes.nextToken), MaxResults: q("maxResults", shapes.maxResults) };
const common = {
  ByResourceType: q("resourceType", shapes.resourceType),
  ByCreatedBefore: q("createdBefore", ts),
  ByCreatedAfter: q("createdAfter", ts),
  ByAccountId: q("accountId", shapes.accountId),
  ByCompleteBefore: q("completeBefore", ts),
  ByCompleteAfter: q("completeAfter", ts),
};

/** The unit whose jobs are listed: the caller's, or (management account only) the one ByAccountId names. */
export function jobUnit(ctx: OpContext, accountId: unknown): Unit {
  if (accountId === undefined || accountId === ctx.caller.accountId) return unitOf(ctx);
  if (ctx.caller.accountId !== ctx.state.org.managementAccountId)
    throw new SimError("AccessDeniedException", "Insufficient privileges to perform this action.", 403);
  return unitOf(ctx, accountId as string);
}

export function progress(start: number, end: number, now: number): string {
  return Math.max(0, Math.min(99.9, ((now - start) / Math.max(1, end - start)) * 100)).toFixed(1);
}

export function timeFilters(i: Record<string, unknown>, created: number, completed: number | undefined): boolean {
  if (i.ByCreatedBefore !== undefined && created >= (i.ByCreatedBefore as number)) return false;
  if (i.ByCreatedAfter !== undefined && created <= (i.ByCreatedAfter as number)) return false;
  if (i.ByCompleteBefore !== undefined && (completed === undefined || completed >= (i.ByCompleteBefore as number)))
    return false;
  if (i.ByCompleteAfter !== undefined && (completed === undefined || completed <= (i.ByCompleteAfter as number)))
    return false;
  return true;
}

export function listJobs(
  ctx: OpContext,
  name: string,
  unit: Unit,
  list: { length: number; get(i: number): number },
  created: (j: number) => number,
  i: Record<string, unknown>,
  shape: (j: number) => unknown,
) {
  const cutoff = ctx.state.now - JOB_WINDOW_S;
  const scope = [name, unit.accountId, ...Object.entries(i).filter(([k]) => k.startsWith("By"))];
  // Lists are kept in creation order: start at the first job inside the 30-day window.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (created(list.get(mid)) < cutoff) lo = mid + 1;
    else hi = mid;
  }
  return page(
    ctx,
    "backup",
    scope,
    i.NextToken,
    (i.MaxResults as number) ?? DEFAULT_PAGE,
    list.length,
    (k) => {
      const j = list.get(k);
      return created(j) < cutoff || created(j) > ctx.state.now ? undefined : shape(j);
    },
    undefined,
    lo,
  );
}

function backupJobShape(state: SimState, unit: Unit, j: number, i: Record<string, unknown>) {
  const t = state.backupJobs;
  const res = state.resources[t.resource.data[j] as number] as ResourceRt;
  const vault = state.vaults[t.vault.data[j] as number] as VaultRt | undefined;
  const rule = state.rules[t.rule.data[j] as number] as RuleRt;
  const created = t.created.data[j] as number;
  const outcome = JOB_STATES[t.state.data[j] as number] as string;
  const completedAt = created + (t.duration.data[j] as number);
  // Jobs still under way at the simulated `now` show as running (or waiting, if they will expire).
  const done = completedAt <= state.now;
  const jobState = done ? outcome : outcome === "EXPIRED" ? "CREATED" : "RUNNING";
  const completed = done ? completedAt : undefined;
  const category = done ? (state.strings.values[t.category.data[j] as number] as string) : undefined;
  if (i.ByState !== undefined && jobState !== i.ByState) return undefined;
  if (i.ByResourceArn !== undefined && res.arn !== i.ByResourceArn) return undefined;
  if (i.ByResourceType !== undefined && res.type !== i.ByResourceType) return undefined;
  if (i.ByBackupVaultName !== undefined && vault?.name !== i.ByBackupVaultName) return undefined;
  if (
    i.ByMessageCategory !== undefined &&
    i.ByMessageCategory !== "AGGREGATE_ALL" &&
    i.ByMessageCategory !== "ANY" &&
    category !== i.ByMessageCategory
  )
    return undefined;
  if (i.ByParentJobId !== undefined) return undefined;
  if (!timeFilters(i, created, completed)) return undefined;
  const rp = t.recoveryPoint.data[j] as number;
  const ok = jobState === "COMPLETED";
  const encrypted = ok && (rp >= 0 ? ((state.rps.flags.data[rp] as number) & RP_ENCRYPTED) !== 0 : res.encrypted);
  const message = done ? (state.strings.values[t.message.data[j] as number] as string) : "";
  return {
    AccountId: unit.accountId,
    BackupJobId: jobId(state.seed, "backupJob", j),
    BackupVaultName: rule.targetVault,
    BackupVaultArn: vault?.arn ?? `arn:aws:backup:${unit.region}:${unit.accountId}:backup-vault:${rule.targetVault}`,
    ...(vault ? { VaultType: vault.type, VaultLockState: lockState(state, vault) } : {}),
    ...(ok && vault
      ? {
          RecoveryPointArn: rpArn(state, rp >= 0 ? rp : VIRTUAL_RP_FOR_BACKUP_JOB + j, vault, res),
          RecoveryPointLifecycle: lifecycle(rule.lifecycle.deleteAfterDays, rule.lifecycle.coldAfterDays),
        }
      : {}),
    ...(encrypted && vault ? { EncryptionKeyArn: vault.encryptionKeyArn } : {}),
    ...(ok ? { IsEncrypted: encrypted } : {}),
    ResourceArn: res.arn,
    CreationDate: at(created),
    CompletionDate: at(completed),
    State: jobState,
    ...(message ? { StatusMessage: message } : {}),
    PercentDone: ok ? "100.0" : done ? "0.0" : progress(created, completedAt, state.now),
    BackupSizeInBytes: ok ? Math.round(res.sizeGb * 1024 * 1048576 * 0.6) : 0,
    IamRoleArn: defaultRole(unit.accountId),
    CreatedBy: createdBy(state, rule.index),
    ExpectedCompletionDate: at(created + rule.completionWindowMinutes * 60),
    StartBy: at(created + rule.startWindowMinutes * 60),
    ResourceType: res.type,
    BytesTransferred: ok ? Math.round(res.sizeGb * 1024 * 1048576 * 0.6) : 0,
    BackupType: "",
    IsParent: false,
    ResourceName: res.name ?? res.id,
    InitiationDate: at(created),
    MessageCategory: category,
  };
}

function copyJobShape(state: SimState, unit: Unit, j: number, i: Record<string, unknown>) {
  const t = state.copyJobs;
  const res = state.resources[t.resource.data[j] as number] as ResourceRt;
  const src = state.vaults[t.sourceVault.data[j] as number] as VaultRt;
  const destArn = state.strings.values[t.destinationVaultArn.data[j] as number] as string;
  const dest = state.vaultByArn.has(destArn) ? state.vaults[state.vaultByArn.get(destArn)!] : undefined;
  const created = t.created.data[j] as number;
  const finishedAt = created + (t.duration.data[j] as number);
  const done = finishedAt <= state.now;
  const completed = done ? finishedAt : undefined;
  const copyState = done ? (COPY_STATES[t.state.data[j] as number] as string) : "RUNNING";
  const source = t.source.data[j] as number;
  const destRp = t.destination.data[j] as number;
  const sourceArn = rpArn(state, source >= 0 ? source : VIRTUAL_RP_FOR_COPY_JOB + j, src, res);
  if (i.ByState !== undefined && copyState !== i.ByState) return undefined;
  if (i.ByResourceArn !== undefined && res.arn !== i.ByResourceArn) return undefined;
  if (i.ByResourceType !== undefined && res.type !== i.ByResourceType) return undefined;
  if (i.ByDestinationVaultArn !== undefined && destArn !== i.ByDestinationVaultArn) return undefined;
  if (i.BySourceRecoveryPointArn !== undefined && sourceArn !== i.BySourceRecoveryPointArn) return undefined;
  if (i.ByParentJobId !== undefined) return undefined;
  const category = !done ? undefined : copyState === "COMPLETED" ? "SUCCESS" : "INVALIDPARAMETERS";
  if (
    i.ByMessageCategory !== undefined &&
    i.ByMessageCategory !== "AGGREGATE_ALL" &&
    i.ByMessageCategory !== "ANY" &&
    category !== i.ByMessageCategory
  )
    return undefined;
  if (!timeFilters(i, created, completed)) return undefined;
  const message = done ? (state.strings.values[t.message.data[j] as number] as string) : "";
  return {
    AccountId: unit.accountId,
    CopyJobId: jobId(state.seed, "copyJob", j),
    SourceBackupVaultArn: src.arn,
    SourceRecoveryPointArn: sourceArn,
    DestinationBackupVaultArn: destArn,
    ...(dest
      ? {
          DestinationVaultType: dest.type,
          DestinationVaultLockState: lockState(state, dest),
          DestinationEncryptionKeyArn: dest.encryptionKeyArn,
        }
      : {}),
    ...(copyState === "COMPLETED" && dest
      ? {
          DestinationRecoveryPointArn: rpArn(
            state,
            destRp >= 0 ? destRp : VIRTUAL_RP_FOR_COPY_JOB + 0x10000000 + j,
            dest,
            res,
          ),
        }
      : {}),
    DestinationRecoveryPointLifecycle: lifecycle(
      t.deleteAfterDays.data[j] as number,
      t.coldAfterDays.data[j] as number,
    ),
    ResourceArn: res.arn,
    CreationDate: at(created),
    CompletionDate: at(completed),
    State: copyState,
    ...(message ? { StatusMessage: message } : {}),
    BackupSizeInBytes: Math.round(res.sizeGb * 1024 * 1048576 * 0.6),
    IamRoleArn: defaultRole(unit.accountId),
    CreatedBy: createdBy(state, t.rule.data[j] as number),
    ResourceType: res.type,
    IsParent: false,
    ResourceName: res.name ?? res.id,
    MessageCategory: category,
  };
}

function restoreJobShape(state: SimState, unit: Unit, j: number, i: Record<string, unknown>) {
  const job = state.restoreJobs[j]!;
  const rp = job.recoveryPoint;
  const res = state.resources[state.rps.resource.data[rp] as number] as ResourceRt;
  const vault = state.vaults[state.rps.vault.data[rp] as number] as VaultRt;
  const testing = job.restoreTestingPlan >= 0 ? state.restoreTestingPlans[job.restoreTestingPlan] : undefined;
  const finishedAt = job.created + job.durationMinutes * 60;
  const done = finishedAt <= state.now;
  const completed = done ? finishedAt : undefined;
  const status = done ? job.status : "RUNNING";
  if (i.ByStatus !== undefined && status !== i.ByStatus) return undefined;
  if (i.ByResourceType !== undefined && res.type !== i.ByResourceType) return undefined;
  if (i.ByRestoreTestingPlanArn !== undefined && testing?.arn !== i.ByRestoreTestingPlanArn) return undefined;
  if (i.ByParentJobId !== undefined) return undefined;
  if (!timeFilters(i, job.created, completed)) return undefined;
  const ok = status === "COMPLETED";
  return {
    AccountId: unit.accountId,
    RestoreJobId: jobId(state.seed, "restoreJob", j),
    RecoveryPointArn: rpArn(state, rp, vault, res),
    SourceResourceArn: res.arn,
    BackupVaultArn: vault.arn,
    CreationDate: at(job.created),
    CompletionDate: at(completed),
    Status: status,
    ...(done && job.message ? { StatusMessage: job.message } : {}),
    PercentDone: ok ? "100.00%" : done ? "0.00%" : `${progress(job.created, finishedAt, state.now)}%`,
    BackupSizeInBytes: Math.round((state.rps.sizeMb.data[rp] as number) * 1048576),
    IamRoleArn: job.iamRoleArn,
    ExpectedCompletionTimeMinutes: job.durationMinutes,
    ...(ok ? { CreatedResourceArn: `${res.arn}-restored-${j}` } : {}),
    ResourceType: res.type,
    RecoveryPointCreationDate: at(state.rps.created.data[rp] as number),
    IsParent: false,
    ...(testing ? { CreatedBy: { RestoreTestingPlanArn: testing.arn } } : {}),
    ...(testing && ok ? validation(job.validation, finishedAt, state.now) : {}),
    ...(testing && done ? { DeletionStatus: "SUCCESSFUL" } : {}),
  };
}

/** Restore testing validates a restored resource within an hour of the restore; TIMED_OUT when none reported. */
const VALIDATION_S = 3600;
const VALIDATION = {
  successful: { ValidationStatus: "SUCCESSFUL", ValidationStatusMessage: "The restored resource passed validation." },
  failed: {
    ValidationStatus: "FAILED",
    ValidationStatusMessage: "The restored resource failed validation: the application health check did not pass.",
  },
  timed_out: {
    ValidationStatus: "TIMED_OUT",
    ValidationStatusMessage: "No validation result was reported before the validation window closed.",
  },
} as const;

function validation(outcome: RestoreJob["validation"], finishedAt: number, now: number) {
  if (!outcome) return {};
  return now < finishedAt + VALIDATION_S ? { ValidationStatus: "VALIDATING" } : VALIDATION[outcome];
}

export const backupJobOperations: Operation[] = [
  {
    service: "backup",
    name: "ListBackupJobs",
    klass: "list",
    http: { method: "GET", uri: "/backup-jobs" },
    input: {
      ...paging,
      ...common,
      ByResourceArn: q("resourceArn"),
      ByState: q("state", str({ enum: JOB_STATES })),
      ByBackupVaultName: q("backupVaultName", shapes.vaultName),
      ByParentJobId: q("parentJobId"),
      ByMessageCategory: q("messageCategory"),
    },
    run(ctx, i) {
      const unit = jobUnit(ctx, i.ByAccountId);
      const p = listJobs(
        ctx,
        "ListBackupJobs",
        unit,
        unit.backupJobs,
        (j) => ctx.state.backupJobs.created.data[j] as number,
        i,
        (j) => backupJobShape(ctx.state, unit, j, i),
      );
      return { BackupJobs: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "ListCopyJobs",
    klass: "list",
    http: { method: "GET", uri: "/copy-jobs" },
    input: {
      ...paging,
      ...common,
      ByResourceArn: q("resourceArn"),
      ByState: q("state", str({ enum: COPY_STATES })),
      ByDestinationVaultArn: q("destinationVaultArn"),
      ByParentJobId: q("parentJobId"),
      ByMessageCategory: q("messageCategory"),
      BySourceRecoveryPointArn: q("sourceRecoveryPointArn"),
    },
    run(ctx, i) {
      const unit = jobUnit(ctx, i.ByAccountId);
      const p = listJobs(
        ctx,
        "ListCopyJobs",
        unit,
        unit.copyJobs,
        (j) => ctx.state.copyJobs.created.data[j] as number,
        i,
        (j) => copyJobShape(ctx.state, unit, j, i),
      );
      return { CopyJobs: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "ListRestoreJobs",
    klass: "list",
    http: { method: "GET", uri: "/restore-jobs" },
    input: {
      ...paging,
      ...common,
      ByStatus: q("status", str({ enum: ["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"] })),
      ByRestoreTestingPlanArn: q("restoreTestingPlanArn"),
      ByParentJobId: q("parentJobId"),
    },
    run(ctx, i) {
      const unit = jobUnit(ctx, i.ByAccountId);
      const p = listJobs(
        ctx,
        "ListRestoreJobs",
        unit,
        unit.restoreJobs,
        (j) => ctx.state.restoreJobs[j]!.created,
        i,
        (j) => restoreJobShape(ctx.state, unit, j, i),
      );
      return { RestoreJobs: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "DescribeRestoreJob",
    klass: "get",
    http: { method: "GET", uri: "/restore-jobs/{RestoreJobId}" },
    input: { RestoreJobId: { shape: str(), required: true, loc: "label", wire: "restoreJobId" } },
    run(ctx, i) {
      const id = i.RestoreJobId as string;
      const j = jobIndexOf(ctx.state.seed, "restoreJob", id);
      const job = j === undefined ? undefined : ctx.state.restoreJobs[j];
      const unit = unitOf(ctx);
      if (!job || job.unit !== unit.index || job.created > ctx.state.now)
        throw notFound(`Restore job ${id} not found.`);
      return restoreJobShape(ctx.state, unit, job.index, {});
    },
  },
];
