import { SimError } from "../http/errors";
import { int, str } from "../http/input";
import { at } from "../http/timestamp";
import type { PlanRt, ResourceRt, RuleRt, SimState, Unit, VaultRt } from "../engine/model";
import { IntList } from "../engine/columns";
import {
  INDEX_STATUSES,
  RP_CONTINUOUS,
  RP_COPY,
  RP_DELETE_AFTER_COPY,
  RP_ENCRYPTED,
  SCAN_FAILED,
  SCAN_NONE,
  SCAN_THREATS,
} from "../engine/tables";
import { recoveryPointArn } from "../world/ids";
import { sharedWith } from "../engine/shares";
import type { OpContext } from "./context";

/** Backup shapes shared by the plan, vault and job operations. */
export const DEFAULT_PAGE = 100;
export const shapes = {
  maxResults: int(1, 1000),
  nextToken: str(),
  vaultName: str({ pattern: /^[a-zA-Z0-9\-_]{2,50}$/ }),
  accountId: str({ pattern: /^[0-9]{12}$/ }),
  resourceType: str({ pattern: /^[a-zA-Z0-9\-_.]{1,50}$/ }),
};

/** Recovery points that expired before the world was built have no row; their ARNs are derived from these ranges. */
export const VIRTUAL_RP_FOR_BACKUP_JOB = 0x60000000;
export const VIRTUAL_RP_FOR_COPY_JOB = 0x40000000;

const emptyUnits = new WeakMap<SimState, Map<string, Unit>>();

/** The caller's (account, region) unit; regions outside the world are empty but valid. */
export function unitOf(ctx: OpContext, accountId = ctx.caller.accountId): Unit {
  const key = `${accountId}/${ctx.region}`;
  const unit = ctx.state.unitByKey.get(key);
  if (unit) return unit;
  let cache = emptyUnits.get(ctx.state);
  if (!cache) emptyUnits.set(ctx.state, (cache = new Map()));
  let empty = cache.get(key);
  if (!empty) {
    empty = {
      index: -1,
      accountId,
      region: ctx.region,
      resources: [],
      vaults: [],
      vaultByName: new Map(),
      plans: [],
      restoreTestingPlans: [],
      backupJobs: new IntList(1),
      copyJobs: new IntList(1),
      restoreJobs: new IntList(1),
      scanJobs: new IntList(1),
      notOptedIn: new Set(),
      reportPlans: [],
      frameworks: [],
    };
    cache.set(key, empty);
  }
  return empty;
}

export function planOf(ctx: OpContext, id: string): PlanRt {
  const unit = unitOf(ctx);
  const plan = unit.plans.map((i) => ctx.state.plans[i] as PlanRt).find((p) => p.id === id);
  if (!plan)
    throw new SimError("ResourceNotFoundException", `Failed reading Backup plan with provided version`, 400, {
      Code: "ERROR_3005",
      Type: "User",
      Context: "",
    });
  return plan;
}

/** The caller's vault, or (with another account's ID) a vault that account shares with the caller through RAM. */
export function vaultOf(ctx: OpContext, name: string, accountId?: string): VaultRt {
  if (accountId !== undefined && accountId !== ctx.caller.accountId) {
    const i = unitOf(ctx, accountId).vaultByName.get(name);
    const v = i === undefined ? undefined : ctx.state.vaults[i];
    if (!v || !sharedWith(ctx.state, v, ctx.caller.accountId)) throw accessDenied();
    return v;
  }
  const i = unitOf(ctx).vaultByName.get(name);
  // AWS answers AccessDeniedException (not ResourceNotFound) for a vault that does not exist.
  if (i === undefined) throw accessDenied();
  return ctx.state.vaults[i] as VaultRt;
}

export function notFound(message: string): SimError {
  return new SimError("ResourceNotFoundException", message, 400, { Code: "ERROR_2604", Type: "User", Context: "" });
}

export function accessDenied(): SimError {
  return new SimError("AccessDeniedException", "Insufficient privileges to perform this action.", 403);
}

export function defaultRole(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/service-role/AWSBackupDefaultServiceRole`;
}

export function createdBy(state: SimState, ruleIndex: number) {
  const rule = state.rules[ruleIndex] as RuleRt | undefined;
  if (!rule) return undefined;
  const plan = state.plans[rule.plan] as PlanRt;
  return {
    BackupPlanId: plan.id,
    BackupPlanArn: plan.arn,
    BackupPlanName: plan.name,
    BackupPlanVersion: plan.versions[rule.version]?.versionId,
    BackupRuleId: rule.ruleId,
    BackupRuleName: rule.name,
    BackupRuleCron: rule.scheduleExpression,
    BackupRuleTimezone: rule.timezone ?? "Etc/UTC",
  };
}

/** `deleteAfterEvent` is output-only: recovery points of a rule that deletes its source once copied. */
export function lifecycle(deleteAfterDays: number, coldAfterDays: number, deleteAfterEvent?: "DELETE_AFTER_COPY") {
  if (deleteAfterDays < 0 && coldAfterDays < 0 && !deleteAfterEvent) return undefined;
  return {
    ...(coldAfterDays >= 0 ? { MoveToColdStorageAfterDays: coldAfterDays } : {}),
    ...(deleteAfterDays >= 0 ? { DeleteAfterDays: deleteAfterDays } : {}),
    ...(deleteAfterEvent ? { DeleteAfterEvent: deleteAfterEvent } : {}),
  };
}

/** ARN of a recovery point: real rows, or the derived ARN of one that has since expired. */
export function rpArn(state: SimState, index: number, vault: VaultRt, res: ResourceRt): string {
  const unit = state.units[vault.unit] as Unit;
  const continuous = index < state.rps.size && ((state.rps.flags.data[index] as number) & RP_CONTINUOUS) !== 0;
  return recoveryPointArn(state.seed, index, res.type, unit.accountId, unit.region, continuous);
}

/**
 * The vault a rule backs up into. A copy outlives its source point (which the engine does not keep
 * once expired), and AWS still names the vault the copy came from.
 */
function ruleTargetVault(state: SimState, ruleIndex: number): VaultRt | undefined {
  const rule = state.rules[ruleIndex] as RuleRt | undefined;
  const unit = rule ? state.units[(state.plans[rule.plan] as PlanRt).unit] : undefined;
  if (!unit) return undefined;
  const named = (v: VaultRt) => v.unit === unit.index && v.name === rule!.targetVault;
  // A vault removed since (sim/engine/day.ts) is still the one the copy came from.
  return unit.vaults.map((v) => state.vaults[v] as VaultRt).find(named) ?? (state.vaults as VaultRt[]).find(named);
}

/** The members ListRecoveryPointsByBackupVault and DescribeRecoveryPoint share. */
export function recoveryPointShape(state: SimState, i: number) {
  const rps = state.rps;
  const vault = state.vaults[rps.vault.data[i] as number] as VaultRt;
  const res = state.resources[rps.resource.data[i] as number] as ResourceRt;
  const created = rps.created.data[i] as number;
  const del = rps.deleteAfterDays.data[i] as number;
  const cold = rps.coldAfterDays.data[i] as number;
  const flags = rps.flags.data[i] as number;
  const source = rps.source.data[i] as number;
  const encrypted = (flags & RP_ENCRYPTED) !== 0;
  const sourceVault =
    source >= 0
      ? (state.vaults[rps.vault.data[source] as number] as VaultRt)
      : flags & RP_COPY
        ? ruleTargetVault(state, rps.rule.data[i] as number)
        : undefined;
  return {
    RecoveryPointArn: rpArn(state, i, vault, res),
    BackupVaultName: vault.name,
    BackupVaultArn: vault.arn,
    ...(sourceVault ? { SourceBackupVaultArn: sourceVault.arn } : {}),
    ResourceArn: res.arn,
    ResourceType: res.type,
    CreatedBy: createdBy(state, rps.rule.data[i] as number),
    IamRoleArn: defaultRole((state.units[vault.unit] as Unit).accountId),
    Status: "COMPLETED",
    CreationDate: at(created),
    InitiationDate: at(created),
    CompletionDate: at(created + (rps.completedAfter.data[i] as number)),
    BackupSizeInBytes: Math.round((rps.sizeMb.data[i] as number) * 1048576),
    CalculatedLifecycle:
      del >= 0 || cold >= 0
        ? {
            ...(cold >= 0 ? { MoveToColdStorageAt: at(created + cold * 86400) } : {}),
            ...(del >= 0 ? { DeleteAt: at(created + del * 86400) } : {}),
          }
        : undefined,
    Lifecycle: pointLifecycle(state, i),
    ...(encrypted ? { EncryptionKeyArn: vault.encryptionKeyArn } : {}),
    IsEncrypted: encrypted,
    ResourceName: res.name ?? res.id,
    VaultType: vault.type,
    ...indexStatus(state, i),
    ...(encrypted && vault.encryption === "customer-managed" ? { EncryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY" } : {}),
    ...(encrypted && vault.type === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
      ? { EncryptionKeyType: "AWS_OWNED_KMS_KEY" }
      : {}),
    IsParent: false,
  };
}

export function pointLifecycle(state: SimState, i: number) {
  const flags = state.rps.flags.data[i] as number;
  return lifecycle(
    state.rps.deleteAfterDays.data[i] as number,
    state.rps.coldAfterDays.data[i] as number,
    flags & RP_DELETE_AFTER_COPY ? "DELETE_AFTER_COPY" : undefined,
  );
}

/** IndexStatus (and its message when the index failed) of a point whose rule indexes it. */
export function indexStatus(state: SimState, i: number) {
  const status = INDEX_STATUSES[state.rps.index.data[i] as number];
  if (!status) return {};
  return {
    IndexStatus: status,
    ...(status === "FAILED"
      ? { IndexStatusMessage: "Backup index creation failed: the recovery point's file system could not be read." }
      : {}),
  };
}

/** The scan of a point, once it has finished: AggregatedScanResult on lists, ScanResults on DescribeRecoveryPoint. */
export function scanOf(state: SimState, i: number): { failed: boolean; threats: boolean; at: number } | undefined {
  const scan = state.rps.scan.data[i] as number;
  if (scan === SCAN_NONE) return undefined;
  const at = state.rps.scannedAt(i);
  if (at > state.now) return undefined;
  return { failed: scan === SCAN_FAILED, threats: scan === SCAN_THREATS, at };
}

export function aggregatedScanResult(state: SimState, i: number) {
  const scan = scanOf(state, i);
  return scan
    ? {
        AggregatedScanResult: {
          FailedScan: scan.failed,
          Findings: scan.threats ? ["MALWARE"] : [],
          LastComputed: at(scan.at),
        },
      }
    : {};
}

export function vaultShape(state: SimState, v: VaultRt) {
  const lock = v.lock;
  return {
    BackupVaultName: v.name,
    BackupVaultArn: v.arn,
    VaultType: v.type,
    VaultState: "AVAILABLE",
    CreationDate: at(v.created),
    EncryptionKeyArn: v.encryptionKeyArn,
    CreatorRequestId: v.creatorRequestId,
    NumberOfRecoveryPoints: v.liveCount,
    Locked: lock !== null,
    ...(lock?.min !== undefined ? { MinRetentionDays: lock.min } : {}),
    ...(lock?.max !== undefined ? { MaxRetentionDays: lock.max } : {}),
    ...(lock?.mode === "compliance" && lock.lockDate !== undefined ? { LockDate: at(lock.lockDate) } : {}),
    ...(v.encryption === "aws-owned"
      ? { EncryptionKeyType: "AWS_OWNED_KMS_KEY" }
      : v.encryption === "customer-managed"
        ? { EncryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY" }
        : {}),
  };
}

/** Vault Lock state as jobs report it. */
export function lockState(state: SimState, v: VaultRt): string | undefined {
  if (!v.lock) return undefined;
  return v.lock.mode === "compliance" && v.lock.lockDate !== undefined && v.lock.lockDate <= state.now
    ? "LOCKED"
    : "UNLOCKED";
}
