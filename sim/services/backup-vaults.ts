import { SimError } from "../http/errors";
import { bool, str } from "../http/input";
import { at } from "../http/timestamp";
import type { ResourceRt, SimState, Unit, VaultRt } from "../engine/model";
import { sharedWith } from "../engine/shares";
import { page, type Operation } from "./context";
import { DEFAULT_PAGE, notFound, rpArn, shapes, unitOf, vaultOf, vaultShape } from "./backup-shapes";
import { findRecoveryPoint } from "./backup-recovery-points";

/** Vaults, protected resources and tags (restJson1). */
const label = (wire: string, shape = str()) => ({ shape, required: true, loc: "label" as const, wire });
const q = (wire: string, shape = str()) => ({ shape, loc: "query" as const, wire });
const paging = { NextToken: q("nextToken", shapes.nextToken), MaxResults: q("maxResults", shapes.maxResults) };

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
      // shared=true lists the vaults other accounts share with the caller through RAM, not its own.
      const vaults = (
        i.ByShared === true
          ? ctx.state.vaults.filter(
              (v) => ctx.state.units[v.unit]?.region === ctx.region && sharedWith(ctx.state, v, ctx.caller.accountId),
            )
          : unitOf(ctx).vaults.map((v) => ctx.state.vaults[v] as VaultRt)
      ).filter((v) => i.ByVaultType === undefined || v.type === i.ByVaultType);
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
      const v = vaultOf(ctx, i.BackupVaultName as string, i.BackupVaultAccountId as string | undefined);
      // Only the description names the vault's multi-party approval team (ListBackupVaults does not).
      return {
        ...vaultShape(ctx.state, v),
        ...(v.mpaApprovalTeamArn ? { MpaApprovalTeamArn: v.mpaApprovalTeamArn } : {}),
      };
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
