import { str, ts } from "../http/input";
import { at } from "../http/timestamp";
import type { PlanRt, ResourceRt, RuleRt, SimState, Unit, VaultRt } from "../engine/model";
import { SCAN_FAILED, SCAN_THREATS } from "../engine/tables";
import { hex, jobId, jobIndexOf } from "../world/ids";
import type { Operation } from "./context";
import { jobUnit, listJobs, timeFilters } from "./backup-jobs";
import { defaultRole, notFound, rpArn, shapes, unitOf, VIRTUAL_RP_FOR_BACKUP_JOB } from "./backup-shapes";

/**
 * GuardDuty malware scan jobs that backup rules with ScanActions start (restJson1). Their query
 * parameters keep the member names (ByState=…), unlike the other job lists.
 */
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const SCAN_STATES = ["CANCELED", "COMPLETED", "COMPLETED_WITH_ISSUES", "CREATED", "FAILED", "RUNNING"];

function scanJobShape(state: SimState, j: number) {
  const t = state.scanJobs;
  const res = state.resources[t.resource.data[j] as number] as ResourceRt;
  const vault = state.vaults[t.vault.data[j] as number] as VaultRt;
  const rule = state.rules[t.rule.data[j] as number] as RuleRt;
  const plan = state.plans[rule.plan] as PlanRt;
  const version = plan.versions[rule.version]!;
  const action = rule.scanActions[0]!;
  const unit = state.units[vault.unit] as Unit;
  const created = t.created.data[j] as number;
  const finished = created + (t.duration.data[j] as number);
  const done = finished <= state.now;
  const outcome = t.outcome.data[j] as number;
  const rp = t.recoveryPoint.data[j] as number;
  const base = t.base.data[j] as number;
  const arnOf = (i: number) => rpArn(state, i, vault, res);
  return {
    AccountId: unit.accountId,
    BackupVaultArn: vault.arn,
    BackupVaultName: vault.name,
    ...(done ? { CompletionDate: at(finished) } : {}),
    CreatedBy: {
      BackupPlanArn: plan.arn,
      BackupPlanId: plan.id,
      BackupPlanVersion: version.versionId,
      BackupRuleId: rule.ruleId,
    },
    CreationDate: at(created),
    IamRoleArn: defaultRole(unit.accountId),
    MalwareScanner: action.malwareScanner,
    RecoveryPointArn: arnOf(rp >= 0 ? rp : VIRTUAL_RP_FOR_BACKUP_JOB + (t.backupJob.data[j] as number)),
    ResourceArn: res.arn,
    ResourceName: res.name ?? res.id,
    ResourceType: res.type,
    ...(base >= 0 ? { ScanBaseRecoveryPointArn: arnOf(base) } : {}),
    ScanId: hex(state.seed, 32, "guardduty-scan", j),
    ScanJobId: jobId(state.seed, "scanJob", j),
    ScanMode: action.scanMode,
    ...(done && outcome !== SCAN_FAILED
      ? { ScanResult: { ScanResultStatus: outcome === SCAN_THREATS ? "THREATS_FOUND" : "NO_THREATS_FOUND" } }
      : {}),
    ScannerRoleArn: version.scanSettings.find((s) => s.malwareScanner === action.malwareScanner)!.scannerRoleArn,
    State: !done ? "RUNNING" : outcome === SCAN_FAILED ? "FAILED" : "COMPLETED",
    ...(done && outcome === SCAN_FAILED
      ? { StatusMessage: "GuardDuty could not read the recovery point with the scanner role's permissions." }
      : {}),
  };
}

export const backupScanOperations: Operation[] = [
  {
    service: "backup",
    name: "ListScanJobs",
    klass: "list",
    http: { method: "GET", uri: "/scan/jobs" },
    input: {
      ByAccountId: q("ByAccountId"),
      ByBackupVaultName: q("ByBackupVaultName"),
      ByCompleteAfter: q("ByCompleteAfter", ts),
      ByCompleteBefore: q("ByCompleteBefore", ts),
      ByMalwareScanner: q("ByMalwareScanner", str({ enum: ["GUARDDUTY"] })),
      ByRecoveryPointArn: q("ByRecoveryPointArn"),
      ByResourceArn: q("ByResourceArn"),
      ByResourceType: q("ByResourceType", str({ enum: ["EBS", "EC2", "S3"] })),
      ByScanResultStatus: q("ByScanResultStatus", str({ enum: ["NO_THREATS_FOUND", "THREATS_FOUND", "UNKNOWN"] })),
      ByState: q("ByState", str({ enum: SCAN_STATES })),
      MaxResults: q("MaxResults", shapes.maxResults),
      NextToken: q("NextToken", shapes.nextToken),
    },
    run(ctx, i) {
      const unit = jobUnit(ctx, i.ByAccountId);
      const s = ctx.state;
      const p = listJobs(
        ctx,
        "ListScanJobs",
        unit,
        unit.scanJobs,
        (j) => s.scanJobs.created.data[j] as number,
        i,
        (j) => {
          const shape = scanJobShape(s, j);
          if (i.ByBackupVaultName !== undefined && shape.BackupVaultName !== i.ByBackupVaultName) return undefined;
          if (i.ByMalwareScanner !== undefined && shape.MalwareScanner !== i.ByMalwareScanner) return undefined;
          if (i.ByRecoveryPointArn !== undefined && shape.RecoveryPointArn !== i.ByRecoveryPointArn) return undefined;
          if (i.ByResourceArn !== undefined && shape.ResourceArn !== i.ByResourceArn) return undefined;
          if (i.ByResourceType !== undefined && shape.ResourceType !== i.ByResourceType) return undefined;
          if (i.ByState !== undefined && shape.State !== i.ByState) return undefined;
          if (i.ByScanResultStatus !== undefined && shape.ScanResult?.ScanResultStatus !== i.ByScanResultStatus)
            return undefined;
          const created = s.scanJobs.created.data[j] as number;
          const finished = created + (s.scanJobs.duration.data[j] as number);
          return timeFilters(i, created, finished <= s.now ? finished : undefined) ? shape : undefined;
        },
      );
      return { NextToken: p.next, ScanJobs: p.items };
    },
  },
  {
    service: "backup",
    name: "DescribeScanJob",
    klass: "get",
    http: { method: "GET", uri: "/scan/jobs/{ScanJobId}" },
    input: { ScanJobId: { shape: str(), required: true, loc: "label", wire: "ScanJobId" } },
    run(ctx, i) {
      const id = i.ScanJobId as string;
      const j = jobIndexOf(ctx.state.seed, "scanJob", id);
      const unit = unitOf(ctx);
      const mine =
        j !== undefined &&
        j < ctx.state.scanJobs.size &&
        ctx.state.vaults[ctx.state.scanJobs.vault.data[j] as number]?.unit === unit.index;
      if (!mine || (ctx.state.scanJobs.created.data[j] as number) > ctx.state.now)
        throw notFound(`Scan job ${id} not found.`);
      return scanJobShape(ctx.state, j);
    },
  },
];
