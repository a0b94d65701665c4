import { SimError } from "../http/errors";
import { bool, str, ts } from "../http/input";
import { at } from "../http/timestamp";
import type { PlanRt, ResourceRt, SimState, Unit, VaultRt } from "../engine/model";
import { recoveryPointIndexOf } from "../world/ids";
import { page, type Operation } from "./context";
import { DEFAULT_PAGE, recoveryPointShape, rpArn, shapes, unitOf, vaultOf, vaultShape } from "./backup-shapes";

/** Vaults, recovery points and protected resources (restJson1). */
const label = (wire: string, shape = str()) => ({ shape, required: true, loc: "label" as const, wire });
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const paging = { NextToken: q("nextToken", shapes.nextToken), MaxResults: q("maxResults", shapes.maxResults) };
const notFound = (message: string) =>
  new SimError("ResourceNotFoundException", message, 400, { Code: "ERROR_2604", Type: "User", Context: "" });

export const backupVaultOperations: Operation[] = [
  {
    service: "backup",
    name: "ListBackupVaults",
    klass: "list",
    http: { method: "GET", uri: "/backup-vaults" },
    input: {
      ByVaultType: q(
        "vaultType",
        str({ enum: ["BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", "RESTORE_ACCESS_BACKUP_VAULT"] }),
      ),
      ByShared: q("shared", bool),
      ...paging,
    },
    run(ctx, i) {
      // No vault is shared through RAM in the simulated world, so shared=true lists nothing.
      const vaults =
        i.ByShared === true
          ? []
          : unitOf(ctx)
              .vaults.map((v) => ctx.state.vaults[v] as VaultRt)
              .filter((v) => i.ByVaultType === undefined || v.type === i.ByVaultType);
      const p = page(
        ctx,
        "backup",
        ["ListBackupVaults", i.ByVaultType, i.ByShared],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        vaults.length,
        (k) => vaultShape(ctx.state, vaults[k]!),
      );
      return { BackupVaultList: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "DescribeBackupVault",
    klass: "get",
    http: { method: "GET", uri: "/backup-vaults/{BackupVaultName}" },
    input: { BackupVaultName: label("backupVaultName"), BackupVaultAccountId: q("backupVaultAccountId") },
    run(ctx, i) {
      return vaultShape(
        ctx.state,
        vaultOf(ctx, i.BackupVaultName as string, i.BackupVaultAccountId as string | undefined),
      );
    },
  },
  {
    service: "backup",
    name: "GetBackupVaultAccessPolicy",
    klass: "get",
    http: { method: "GET", uri: "/backup-vaults/{BackupVaultName}/access-policy" },
    input: { BackupVaultName: label("backupVaultName", shapes.vaultName) },
    run(ctx, i) {
      const v = vaultOf(ctx, i.BackupVaultName as string);
      if (!v.accessPolicy) throw notFound(`Backup vault ${v.name} does not have an access policy.`);
      return { BackupVaultName: v.name, BackupVaultArn: v.arn, Policy: v.accessPolicy };
    },
  },
  {
    service: "backup",
    name: "GetBackupVaultNotifications",
    klass: "get",
    http: { method: "GET", uri: "/backup-vaults/{BackupVaultName}/notification-configuration" },
    input: { BackupVaultName: label("backupVaultName", shapes.vaultName) },
    run(ctx, i) {
      const v = vaultOf(ctx, i.BackupVaultName as string);
      if (!v.notifications) throw notFound(`Backup vault ${v.name} does not have notifications configured.`);
      return {
        BackupVaultName: v.name,
        BackupVaultArn: v.arn,
        SNSTopicArn: v.notifications.snsTopicArn,
        BackupVaultEvents: v.notifications.events,
      };
    },
  },
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
        ["ListRecoveryPointsByBackupVault", v.name, ...filters],
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
          return recoveryPointShape(ctx.state, rp);
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
      return { ...shape, StorageClass: cold >= 0 && ctx.state.now >= created + cold * 86400 ? "COLD" : "WARM" };
    },
  },
  {
    service: "backup",
    name: "ListProtectedResources",
    klass: "list",
    http: { method: "GET", uri: "/resources" },
    input: paging,
    run(ctx, i) {
      const list = protectedResources(ctx.state, unitOf(ctx));
      const p = page(
        ctx,
        "backup",
        ["ListProtectedResources"],
        i.NextToken,
        (i.MaxResults as number) ?? DEFAULT_PAGE,
        list.length,
        (k) => list[k],
      );
      return { Results: p.items, NextToken: p.next };
    },
  },
  {
    service: "backup",
    name: "ListTags",
    klass: "list",
    http: { method: "GET", uri: "/tags/{ResourceArn}" },
    input: { ResourceArn: label("resourceArn"), ...paging },
    run(ctx, i) {
      const arn = i.ResourceArn as string;
      const unit = unitOf(ctx);
      const own = arn.startsWith(`arn:aws:backup:${ctx.region}:${ctx.caller.accountId}:`);
      const exists =
        own &&
        (unit.vaults.some((v) => ctx.state.vaults[v]!.arn === arn) ||
          unit.plans.some((p) => ctx.state.plans[p]!.arn === arn) ||
          unit.vaults.some((v) => findRecoveryPoint(ctx.state, ctx.state.vaults[v]!, arn) !== undefined));
      if (!arn.startsWith("arn:aws:backup:"))
        throw new SimError(
          "InvalidParameterValueException",
          "Only resources fully managed by AWS Backup (ARNs beginning arn:aws:backup) are supported.",
          400,
          { Code: "ERROR_2621", Type: "User", Context: "" },
        );
      if (!exists) throw notFound(`Resource ${arn} not found.`);
      return { Tags: {}, NextToken: undefined };
    },
  },
];

function findRecoveryPoint(state: SimState, vault: VaultRt, arn: string): number | undefined {
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

const protectedCache = new WeakMap<Unit, { version: number; list: unknown[] }>();

/** Resources with at least one recovery point in this account and region's vaults, and their latest one. */
export function protectedResources(state: SimState, unit: Unit): unknown[] {
  const cached = protectedCache.get(unit);
  if (cached && cached.version === state.version) return cached.list;
  const latest = new Map<number, number>();
  const rps = state.rps;
  for (const vi of unit.vaults) {
    const list = (state.vaults[vi] as VaultRt).recoveryPoints.view();
    for (let k = 0; k < list.length; k++) {
      const rp = list[k] as number;
      if (!rps.visible(rp, state.now)) continue;
      const res = rps.resource.data[rp] as number;
      const prev = latest.get(res);
      if (prev === undefined || (rps.created.data[rp] as number) > (rps.created.data[prev] as number))
        latest.set(res, rp);
    }
  }
  const list = [...latest.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ri, rp]) => {
      const res = state.resources[ri] as ResourceRt;
      const vault = state.vaults[rps.vault.data[rp] as number] as VaultRt;
      return {
        ResourceArn: res.arn,
        ResourceType: res.type,
        LastBackupTime: at(rps.created.data[rp] as number),
        ResourceName: res.name ?? res.id,
        LastBackupVaultArn: vault.arn,
        LastRecoveryPointArn: rpArn(state, rp, vault, res),
      };
    });
  protectedCache.set(unit, { version: state.version, list });
  return list;
}
