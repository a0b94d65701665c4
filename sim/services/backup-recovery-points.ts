import { bool, str, ts } from "../http/input";
import { at } from "../http/timestamp";
import type { PlanRt, ResourceRt, SimState, Unit, VaultRt } from "../engine/model";
import { INDEX_STATUSES, RP_ENCRYPTED } from "../engine/tables";
import { recoveryPointIndexOf } from "../world/ids";
import { page, type Operation } from "./context";
import {
  aggregatedScanResult,
  DEFAULT_PAGE,
  defaultRole,
  indexStatus,
  notFound,
  recoveryPointShape,
  rpArn,
  scanOf,
  shapes,
  unitOf,
  vaultOf,
} from "./backup-shapes";

/** Recovery points: by vault, by resource, one described, and the indexed ones (restJson1). */
const label = (wire: string, shape = str()) => ({ shape, required: true, loc: "label" as const, wire });
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const paging = { NextToken: q("nextToken", shapes.nextToken), MaxResults: q("maxResults", shapes.maxResults) };
const INDEX_STATUS_ENUM = ["PENDING", "ACTIVE", "FAILED", "DELETING"];
/** A backup index is ready this long after its recovery point completes. */
const INDEX_AFTER_S = 1800;

export const backupRecoveryPointOperations: Operation[] = [
  {
    service: "backup",
    name: "ListRecoveryPointsByBackupVault",
    klass: "list",
    http: { method: "GET", uri: "/backup-vaults/{BackupVaultName}/recovery-points" },
    input: {
      BackupVaultName: label("backupVaultName", shapes.vaultName),
      BackupVaultAccountId: q("backupVaultAccountId", shapes.accountId),
      ...paging,
      ByResourceArn: q("resourceArn"),
      ByResourceType: q("resourceType", shapes.resourceType),
      ByBackupPlanId: q("backupPlanId"),
      ByCreatedBefore: q("createdBefore", ts),
      ByCreatedAfter: q("createdAfter", ts),
      ByParentRecoveryPointArn: q("parentRecoveryPointArn"),
    },
    run(ctx, i) {
      const v = vaultOf(ctx, i.BackupVaultName as string, i.BackupVaultAccountId as string | undefined);
      const { rps, resources, rules, plans } = ctx.state;
      const list = v.recoveryPoints;
      const filters = Object.entries(i).filter(([k]) => k.startsWith("By"));
      const p = page(
        ctx,
        "backup",
        ["ListRecoveryPointsByBackupVault", v.arn, ...filters],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        list.length,
        (k) => {
          const rp = list.get(k);
          if (!rps.visible(rp, ctx.state.now)) return undefined;
          const res = resources[rps.resource.data[rp] as number] as ResourceRt;
          const created = rps.created.data[rp] as number;
          if (i.ByResourceArn !== undefined && res.arn !== i.ByResourceArn) return undefined;
          if (i.ByResourceType !== undefined && res.type !== i.ByResourceType) return undefined;
          if (i.ByCreatedBefore !== undefined && created >= (i.ByCreatedBefore as number)) return undefined;
          if (i.ByCreatedAfter !== undefined && created <= (i.ByCreatedAfter as number)) return undefined;
          if (i.ByParentRecoveryPointArn !== undefined) return undefined; // no composite recovery points are simulated
          if (i.ByBackupPlanId !== undefined) {
            const rule = rules[rps.rule.data[rp] as number];
            if (!rule || (plans[rule.plan] as PlanRt).id !== i.ByBackupPlanId) return undefined;
          }
          return { ...recoveryPointShape(ctx.state, rp), ...aggregatedScanResult(ctx.state, rp) };
        },
      );
      return { NextToken: p.next, RecoveryPoints: p.items };
    },
  },
  {
    service: "backup",
    name: "DescribeRecoveryPoint",
    klass: "get",
    http: { method: "GET", uri: "/backup-vaults/{BackupVaultName}/recovery-points/{RecoveryPointArn}" },
    input: {
      BackupVaultName: label("backupVaultName", shapes.vaultName),
      RecoveryPointArn: label("recoveryPointArn"),
      BackupVaultAccountId: q("backupVaultAccountId", shapes.accountId),
    },
    run(ctx, i) {
      const v = vaultOf(ctx, i.BackupVaultName as string, i.BackupVaultAccountId as string | undefined);
      const rp = findRecoveryPoint(ctx.state, v, i.RecoveryPointArn as string);
      if (rp === undefined)
        throw notFound(`Recovery point ${String(i.RecoveryPointArn)} not found in vault ${v.name}.`);
      const shape = recoveryPointShape(ctx.state, rp);
      const cold = ctx.state.rps.coldAfterDays.data[rp] as number;
      const created = ctx.state.rps.created.data[rp] as number;
      const scan = scanOf(ctx.state, rp);
      return {
        ...shape,
        StorageClass: cold >= 0 && ctx.state.now >= created + cold * 86400 ? "COLD" : "WARM",
        ...(scan
          ? {
              ScanResults: [
                {
                  MalwareScanner: "GUARDDUTY",
                  ScanJobState: scan.failed ? "FAILED" : "COMPLETED",
                  LastScanTimestamp: at(scan.at),
                  Findings: scan.threats ? ["MALWARE"] : [],
                },
              ],
            }
          : {}),
      };
    },
  },
  {
    service: "backup",
    name: "ListRecoveryPointsByResource",
    klass: "list",
    http: { method: "GET", uri: "/resources/{ResourceArn}/recovery-points" },
    input: {
      ResourceArn: label("resourceArn"),
      ...paging,
      ManagedByAWSBackupOnly: q("managedByAWSBackupOnly", bool),
    },
    run(ctx, i) {
      // Every simulated recovery point is made by AWS Backup, so ManagedByAWSBackupOnly changes nothing.
      const arn = i.ResourceArn as string;
      const points = unitPoints(ctx.state, unitOf(ctx), (rp) => ctx.state.resources[rp.resource]?.arn === arn);
      const p = page(
        ctx,
        "backup",
        ["ListRecoveryPointsByResource", arn, i.ManagedByAWSBackupOnly],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        points.length,
        (k) => pointByResource(ctx.state, points[k]!),
      );
      return { NextToken: p.next, RecoveryPoints: p.items };
    },
  },
  {
    service: "backup",
    name: "ListIndexedRecoveryPoints",
    klass: "list",
    http: { method: "GET", uri: "/indexes/recovery-point" },
    input: {
      ...paging,
      SourceResourceArn: q("sourceResourceArn"),
      CreatedBefore: q("createdBefore", ts),
      CreatedAfter: q("createdAfter", ts),
      ResourceType: q("resourceType", shapes.resourceType),
      IndexStatus: q("indexStatus", str({ enum: INDEX_STATUS_ENUM })),
    },
    run(ctx, i) {
      const s = ctx.state;
      const points = unitPoints(s, unitOf(ctx), (rp) => {
        const status = INDEX_STATUSES[s.rps.index.data[rp.index] as number];
        const res = s.resources[rp.resource] as ResourceRt;
        const created = s.rps.created.data[rp.index] as number;
        return (
          status !== undefined &&
          (i.IndexStatus === undefined || status === i.IndexStatus) &&
          (i.SourceResourceArn === undefined || res.arn === i.SourceResourceArn) &&
          (i.ResourceType === undefined || res.type === i.ResourceType) &&
          (i.CreatedBefore === undefined || created < (i.CreatedBefore as number)) &&
          (i.CreatedAfter === undefined || created > (i.CreatedAfter as number))
        );
      });
      const filters = Object.entries(i).filter(([k]) => k !== "NextToken" && k !== "MaxResults");
      const p = page(
        ctx,
        "backup",
        ["ListIndexedRecoveryPoints", ...filters],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        points.length,
        (k) => {
          const { index: rp, vault } = points[k]!;
          const res = s.resources[s.rps.resource.data[rp] as number] as ResourceRt;
          const created = s.rps.created.data[rp] as number;
          return {
            RecoveryPointArn: rpArn(s, rp, vault, res),
            SourceResourceArn: res.arn,
            IamRoleArn: defaultRole((s.units[vault.unit] as Unit).accountId),
            BackupCreationDate: at(created),
            ResourceType: res.type,
            IndexCreationDate: at(created + (s.rps.completedAfter.data[rp] as number) + INDEX_AFTER_S),
            ...indexStatus(s, rp),
            BackupVaultArn: vault.arn,
          };
        },
      );
      return { IndexedRecoveryPoints: p.items, NextToken: p.next };
    },
  },
];

interface PointRef {
  index: number;
  resource: number;
  vault: VaultRt;
}

/** The visible recovery points in the unit's vaults that pass a filter, vault by vault. */
function unitPoints(state: SimState, unit: Unit, keep: (rp: PointRef) => boolean): PointRef[] {
  const out: PointRef[] = [];
  for (const vi of unit.vaults) {
    const vault = state.vaults[vi] as VaultRt;
    const list = vault.recoveryPoints.view();
    for (let k = 0; k < list.length; k++) {
      const index = list[k] as number;
      if (!state.rps.visible(index, state.now)) continue;
      const ref = { index, resource: state.rps.resource.data[index] as number, vault };
      if (keep(ref)) out.push(ref);
    }
  }
  return out;
}

function pointByResource(state: SimState, { index: rp, vault }: PointRef) {
  const res = state.resources[state.rps.resource.data[rp] as number] as ResourceRt;
  const encrypted = ((state.rps.flags.data[rp] as number) & RP_ENCRYPTED) !== 0;
  const full = recoveryPointShape(state, rp);
  return {
    RecoveryPointArn: rpArn(state, rp, vault, res),
    CreationDate: at(state.rps.created.data[rp] as number),
    Status: "COMPLETED",
    ...(encrypted ? { EncryptionKeyArn: vault.encryptionKeyArn } : {}),
    BackupSizeBytes: full.BackupSizeInBytes,
    BackupVaultName: vault.name,
    IsParent: false,
    ResourceName: res.name ?? res.id,
    VaultType: vault.type,
    ...indexStatus(state, rp),
    ...(full.EncryptionKeyType ? { EncryptionKeyType: full.EncryptionKeyType } : {}),
    ...aggregatedScanResult(state, rp),
  };
}

export function findRecoveryPoint(state: SimState, vault: VaultRt, arn: string): number | undefined {
  const rp = recoveryPointIndexOf(state.seed, arn);
  if (
    rp === undefined ||
    rp >= state.rps.size ||
    !state.rps.visible(rp, state.now) ||
    state.rps.vault.data[rp] !== vault.index
  )
    return undefined;
  const res = state.resources[state.rps.resource.data[rp] as number] as ResourceRt;
  return rpArn(state, rp, vault, res) === arn ? rp : undefined;
}
