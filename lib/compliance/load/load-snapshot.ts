// Reads a tenant's published snapshot (everything but recovery points and jobs, which are
// streamed or aggregated, see recovery-point-cursor.ts and job-facts.ts) into the domain types the
// controls evaluate. Call it inside one REPEATABLE READ transaction so that a unit published by a
// concurrent sync is seen entirely or not at all. Every list is ordered by account and region:
// the streamed evaluation relies on it.
import type pg from "pg";
import { getTableColumns, type Table } from "drizzle-orm";
import {
  backupPlans,
  backupRules,
  backupSelections,
  backupVaults,
  backupVaultShares,
  globalSettings as globalSettingsTable,
  orgAccounts,
  orgEffectivePolicies,
  orgPolicies,
  orgUnits as orgUnitsTable,
  regionSettings as regionSettingsTable,
  resources as resourcesTable,
  restoreTestingPlans as restoreTestingPlansTable,
  syncUnits,
  type BackupRuleRow,
  type BackupSelectionRow,
  type BackupVaultRow,
} from "@/db/schema";
import type {
  Account,
  BackupPlan,
  BackupRule,
  BackupSelection,
  BackupVault,
  EffectiveBackupPolicy,
  GlobalSettings,
  OrgBackupPolicy,
  OrgUnit,
  RegionSettings,
  Resource,
  ResourceType,
  RestoreTestingPlan,
  UnitFreshness,
  UnitStatus,
  VaultKeyRead,
  VaultShare,
  VaultType,
  EncryptionKeyType,
  AccountState,
} from "@/lib/inventory/types";
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import { loadManagedPolicyIntents } from "./managed-policies";

export type Queryable = Pick<pg.PoolClient, "query">;

export interface SnapshotMeta {
  /** Newest and oldest publish time of the (account, region) units. */
  snapshotAt: Date | null;
  oldestDataAt: Date | null;
  /** The newest finished sync run of the tenant. */
  syncRunId: string | null;
}

/**
 * A table's columns as the select list of a query, each named by its schema property, so rows
 * come back typed as the schema's rows and every column the schema has is read.
 */
function selectList(table: Table, alias?: string): string {
  const from = alias ? `${alias}.` : "";
  return Object.entries(getTableColumns(table))
    .map(([key, c]) => `${from}"${c.name}" as "${key}"`)
    .join(", ");
}

/** Rows of `table` for a tenant: `query` is the rest of the statement, with `$1` the tenant. */
async function rows<Tab extends Table>(
  db: Queryable,
  table: Tab,
  query: string,
  tenantId: string,
  alias?: string,
): Promise<Tab["$inferSelect"][]> {
  return (await db.query(`select ${selectList(table, alias)} ${query}`, [tenantId])).rows as Tab["$inferSelect"][];
}

function toRule(r: BackupRuleRow): BackupRule {
  return {
    ruleId: r.ruleId,
    ruleName: r.ruleName,
    targetBackupVaultName: r.targetBackupVaultName,
    targetLogicallyAirGappedBackupVaultArn: r.targetLogicallyAirGappedBackupVaultArn,
    scheduleExpression: r.scheduleExpression,
    scheduleExpressionTimezone: r.scheduleExpressionTimezone,
    startWindowMinutes: r.startWindowMinutes,
    completionWindowMinutes: r.completionWindowMinutes,
    lifecycle: r.lifecycle ?? null,
    copyActions: r.copyActions ?? [],
    enableContinuousBackup: Boolean(r.enableContinuousBackup),
    recoveryPointTags: r.recoveryPointTags ?? {},
    scanActions: r.scanActions ?? [],
    indexResourceTypes: r.indexResourceTypes ?? [],
  };
}

function toSelection(r: BackupSelectionRow): BackupSelection {
  return {
    selectionId: r.selectionId,
    selectionName: r.selectionName,
    iamRoleArn: r.iamRoleArn,
    resources: r.resources ?? [],
    notResources: r.notResources ?? [],
    listOfTags: r.listOfTags ?? [],
    conditions: r.conditions ?? [],
  };
}

async function loadPlans(db: Queryable, tenantId: string): Promise<BackupPlan[]> {
  const planKey = (r: { accountId: string; region: string; planId: string }) =>
    `${r.accountId}|${r.region}|${r.planId}`;
  const rules = new Map<string, BackupRule[]>();
  // Only the rules of each plan's current version.
  for (const r of await rows(
    db,
    backupRules,
    `from backup_rules br join backup_plans bp on bp.tenant_id = br.tenant_id and bp.account_id = br.account_id and bp.region = br.region
       and bp.plan_id = br.plan_id and bp.version_id = br.version_id
      where br.tenant_id = $1 order by br.account_id, br.region, br.plan_id, br.position`,
    tenantId,
    "br",
  )) {
    const k = planKey(r);
    rules.set(k, [...(rules.get(k) ?? []), toRule(r)]);
  }
  const selections = new Map<string, BackupSelection[]>();
  for (const r of await rows(
    db,
    backupSelections,
    `from backup_selections where tenant_id = $1 order by account_id, region, plan_id, selection_id`,
    tenantId,
  )) {
    const k = planKey(r);
    selections.set(k, [...(selections.get(k) ?? []), toSelection(r)]);
  }
  return (
    await rows(db, backupPlans, `from backup_plans where tenant_id = $1 order by account_id, region, plan_id`, tenantId)
  ).map((r) => ({
    accountId: r.accountId,
    region: r.region,
    planId: r.planId,
    planArn: r.planArn,
    planName: r.planName,
    versionId: r.versionId,
    orgManaged: Boolean(r.orgManaged),
    creationDate: r.creationDate,
    lastExecutionDate: r.lastExecutionDate,
    rules: rules.get(planKey(r)) ?? [],
    selections: selections.get(planKey(r)) ?? [],
    advancedBackupSettings: r.advancedBackupSettings ?? [],
    scanSettings: r.scanSettings ?? [],
  }));
}

function toKeyRead(outcome: string | null, manager: string | null, detail: string | null): VaultKeyRead | null {
  if ((outcome === "described" || outcome === "aliased") && (manager === "AWS" || manager === "CUSTOMER")) {
    return outcome === "described" ? { outcome, manager, detail } : { outcome, manager, detail: detail ?? "" };
  }
  if (outcome === "not-found" || outcome === "unreadable") return { outcome, manager: null, detail: detail ?? "" };
  return null;
}

function toVault(r: BackupVaultRow, shares: VaultShare[]): BackupVault {
  return {
    accountId: r.accountId,
    region: r.region,
    vaultName: r.vaultName,
    vaultArn: r.vaultArn,
    vaultType: r.vaultType as VaultType,
    vaultState: r.vaultState,
    encryptionKeyArn: r.encryptionKeyArn,
    encryptionKeyType: r.encryptionKeyType as EncryptionKeyType | null,
    keyManager: toKeyRead(r.keyManagerOutcome, r.keyManager, r.keyManagerDetail),
    creationDate: r.creationDate,
    // int8 arrives as text
    numberOfRecoveryPoints: Number(r.numberOfRecoveryPoints ?? 0),
    locked: Boolean(r.locked),
    minRetentionDays: r.minRetentionDays,
    maxRetentionDays: r.maxRetentionDays,
    lockDate: r.lockDate,
    accessPolicy: r.accessPolicy,
    notificationTopicArn: r.notificationTopicArn,
    notificationEvents: r.notificationEvents ?? [],
    mpaApprovalTeamArn: r.mpaApprovalTeamArn,
    shares,
    sharesUnreadable: r.sharesUnreadable,
  };
}

export async function loadSnapshot(
  db: Queryable,
  tenantId: string,
): Promise<{ snapshot: StreamedSnapshot; meta: SnapshotMeta }> {
  const orgUnits: OrgUnit[] = (
    await rows(db, orgUnitsTable, `from org_units where tenant_id = $1 order by ou_id`, tenantId)
  ).map((r) => ({ id: r.ouId, name: r.name, parentId: r.parentId, path: r.path ?? [] }));
  const accounts: Account[] = (
    await rows(db, orgAccounts, `from org_accounts where tenant_id = $1 order by account_id`, tenantId)
  ).map((r) => ({
    accountId: r.accountId,
    name: r.name,
    email: r.email,
    state: r.state as AccountState,
    parentId: r.parentId,
    ouPath: r.ouPath ?? [],
    joinedAt: r.joinedAt,
  }));
  const unitRows = await rows(
    db,
    syncUnits,
    `from sync_units where tenant_id = $1 order by account_id, region`,
    tenantId,
  );
  const units: UnitFreshness[] = unitRows
    .filter((r) => r.kind === "region")
    .map((r) => ({
      accountId: r.accountId,
      region: r.region,
      status: r.status as UnitStatus,
      publishedAt: r.publishedAt,
      error: r.error,
      errorAt: r.errorAt,
    }));
  const org = unitRows.find((r) => r.kind === "org");
  // Organizations data that was never read, or whose last read failed, must not pass BK-17.
  const orgReadable = Boolean(org && org.publishedAt && !org.error);
  const orgBackupPolicies: OrgBackupPolicy[] | null = orgReadable
    ? (await rows(db, orgPolicies, `from org_policies where tenant_id = $1 order by policy_id`, tenantId)).map((r) => ({
        policyId: r.policyId,
        policyArn: r.arn,
        name: r.name,
        description: r.description,
        awsManaged: Boolean(r.awsManaged),
        content: r.content,
        targets: r.targets ?? [],
      }))
    : null;
  const effectiveBackupPolicies: EffectiveBackupPolicy[] | null = orgReadable
    ? (
        await rows(
          db,
          orgEffectivePolicies,
          `from org_effective_policies where tenant_id = $1 order by account_id`,
          tenantId,
        )
      ).map((r) => ({ accountId: r.accountId, content: r.content, lastUpdated: r.lastUpdated }))
    : null;
  const managedBackupPolicies = orgReadable
    ? await loadManagedPolicyIntents((text, params) => db.query(text, params), tenantId)
    : [];
  const resources: Resource[] = (
    await rows(
      db,
      resourcesTable,
      `from resources where tenant_id = $1 order by account_id, region, resource_arn`,
      tenantId,
    )
  ).map((r) => ({
    accountId: r.accountId,
    region: r.region,
    resourceArn: r.resourceArn,
    resourceType: r.resourceType as ResourceType,
    tags: r.tags ?? {},
  }));
  const sharesByVault = new Map<string, VaultShare[]>();
  for (const r of await rows(
    db,
    backupVaultShares,
    `from backup_vault_shares where tenant_id = $1 order by vault_arn, principal`,
    tenantId,
  ))
    sharesByVault.set(r.vaultArn, [
      ...(sharesByVault.get(r.vaultArn) ?? []),
      { resourceShareArn: r.resourceShareArn, principal: r.principal, external: r.external },
    ]);
  const vaults = (
    await rows(
      db,
      backupVaults,
      `from backup_vaults where tenant_id = $1 order by account_id, region, vault_name`,
      tenantId,
    )
  ).map((r) => toVault(r, sharesByVault.get(r.vaultArn) ?? []));
  const regionSettings: RegionSettings[] = (
    await rows(
      db,
      regionSettingsTable,
      `from region_settings where tenant_id = $1 order by account_id, region`,
      tenantId,
    )
  ).map((r) => ({
    accountId: r.accountId,
    region: r.region,
    resourceTypeOptIn: r.resourceTypeOptIn ?? {},
    resourceTypeManagement: r.resourceTypeManagement ?? {},
  }));
  const globalSettings: GlobalSettings[] = (
    await rows(db, globalSettingsTable, `from global_settings where tenant_id = $1 order by account_id`, tenantId)
  ).map((r) => ({
    accountId: r.accountId,
    isCrossAccountBackupEnabled: r.isCrossAccountBackupEnabled ?? null,
    raw: r.raw ?? {},
  }));
  const restoreTestingPlans: RestoreTestingPlan[] = (
    await rows(
      db,
      restoreTestingPlansTable,
      `from restore_testing_plans where tenant_id = $1 order by account_id, region, plan_name`,
      tenantId,
    )
  ).map((r) => ({
    accountId: r.accountId,
    region: r.region,
    planName: r.planName,
    planArn: r.planArn,
    scheduleExpression: r.scheduleExpression,
    creationTime: r.creationTime,
    lastExecutionTime: r.lastExecutionTime,
  }));
  const plans = await loadPlans(db, tenantId);
  const [run] = (
    await db.query<{ id: string }>(
      `select id from sync_runs where tenant_id = $1 and finished_at is not null order by finished_at desc limit 1`,
      [tenantId],
    )
  ).rows;
  const published = units.map((u) => u.publishedAt?.getTime()).filter((t): t is number => t !== undefined);
  return {
    snapshot: {
      orgUnits,
      accounts,
      units,
      plans,
      vaults,
      resources,
      restoreTestingPlans,
      regionSettings,
      globalSettings,
      orgBackupPolicies,
      effectiveBackupPolicies,
      managedBackupPolicies,
    },
    meta: {
      snapshotAt: published.length ? new Date(Math.max(...published)) : null,
      oldestDataAt: published.length ? new Date(Math.min(...published)) : null,
      syncRunId: run ? run.id : null,
    },
  };
}
