// Reads a tenant's published snapshot (everything but recovery points and jobs, which are
// streamed or aggregated, see recovery-point-cursor.ts and job-facts.ts) into the domain types the
// controls evaluate. Call it inside one REPEATABLE READ transaction so that a unit published by a
// concurrent sync is seen entirely or not at all. Every list is ordered by account and region:
// the streamed evaluation relies on it.
import type pg from "pg";
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
  VaultType,
  EncryptionKeyType,
  AccountState,
} from "@/lib/inventory/types";
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import { loadManagedPolicyIntents } from "./managed-policies";

type Row = Record<string, unknown>;
export type Queryable = Pick<pg.PoolClient, "query">;

export interface SnapshotMeta {
  /** Newest and oldest publish time of the (account, region) units. */
  snapshotAt: Date | null;
  oldestDataAt: Date | null;
  /** The newest finished sync run of the tenant. */
  syncRunId: string | null;
}

const s = (v: unknown) => v as string;
const sn = (v: unknown) => (v ?? null) as string | null;
const dn = (v: unknown) => (v ?? null) as Date | null;
const nn = (v: unknown) => (v ?? null) as number | null;

async function rows(db: Queryable, text: string, tenantId: string): Promise<Row[]> {
  return (await db.query(text, [tenantId])).rows as Row[];
}

function toRule(r: Row): BackupRule {
  return {
    ruleId: s(r.rule_id),
    ruleName: s(r.rule_name),
    targetBackupVaultName: s(r.target_backup_vault_name),
    targetLogicallyAirGappedBackupVaultArn: sn(r.target_logically_air_gapped_backup_vault_arn),
    scheduleExpression: sn(r.schedule_expression),
    scheduleExpressionTimezone: sn(r.schedule_expression_timezone),
    startWindowMinutes: nn(r.start_window_minutes),
    completionWindowMinutes: nn(r.completion_window_minutes),
    lifecycle: (r.lifecycle ?? null) as BackupRule["lifecycle"],
    copyActions: (r.copy_actions ?? []) as BackupRule["copyActions"],
    enableContinuousBackup: Boolean(r.enable_continuous_backup),
    recoveryPointTags: (r.recovery_point_tags ?? {}) as Record<string, string>,
  };
}

function toSelection(r: Row): BackupSelection {
  return {
    selectionId: s(r.selection_id),
    selectionName: s(r.selection_name),
    iamRoleArn: s(r.iam_role_arn),
    resources: (r.resources ?? []) as string[],
    notResources: (r.not_resources ?? []) as string[],
    listOfTags: (r.list_of_tags ?? []) as BackupSelection["listOfTags"],
    conditions: (r.conditions ?? []) as BackupSelection["conditions"],
  };
}

async function loadPlans(db: Queryable, tenantId: string): Promise<BackupPlan[]> {
  const planKey = (r: Row) => `${s(r.account_id)}|${s(r.region)}|${s(r.plan_id)}`;
  const rules = new Map<string, BackupRule[]>();
  // Only the rules of each plan's current version.
  for (const r of await rows(
    db,
    `select br.* from backup_rules br join backup_plans bp on bp.tenant_id = br.tenant_id and bp.account_id = br.account_id and bp.region = br.region
       and bp.plan_id = br.plan_id and bp.version_id = br.version_id
      where br.tenant_id = $1 order by br.account_id, br.region, br.plan_id, br.position`,
    tenantId,
  )) {
    const k = planKey(r);
    rules.set(k, [...(rules.get(k) ?? []), toRule(r)]);
  }
  const selections = new Map<string, BackupSelection[]>();
  for (const r of await rows(
    db,
    `select * from backup_selections where tenant_id = $1 order by account_id, region, plan_id, selection_id`,
    tenantId,
  )) {
    const k = planKey(r);
    selections.set(k, [...(selections.get(k) ?? []), toSelection(r)]);
  }
  return (
    await rows(db, `select * from backup_plans where tenant_id = $1 order by account_id, region, plan_id`, tenantId)
  ).map((r) => ({
    accountId: s(r.account_id),
    region: s(r.region),
    planId: s(r.plan_id),
    planArn: s(r.plan_arn),
    planName: s(r.plan_name),
    versionId: s(r.version_id),
    orgManaged: Boolean(r.org_managed),
    creationDate: dn(r.creation_date),
    lastExecutionDate: dn(r.last_execution_date),
    rules: rules.get(planKey(r)) ?? [],
    selections: selections.get(planKey(r)) ?? [],
    advancedBackupSettings: (r.advanced_backup_settings ?? []) as BackupPlan["advancedBackupSettings"],
  }));
}

function toKeyRead(outcome: string | null, manager: string | null, detail: string | null): VaultKeyRead | null {
  if ((outcome === "described" || outcome === "aliased") && (manager === "AWS" || manager === "CUSTOMER")) {
    return outcome === "described" ? { outcome, manager, detail } : { outcome, manager, detail: detail ?? "" };
  }
  if (outcome === "not-found" || outcome === "unreadable") return { outcome, manager: null, detail: detail ?? "" };
  return null;
}

function toVault(r: Row): BackupVault {
  return {
    accountId: s(r.account_id),
    region: s(r.region),
    vaultName: s(r.vault_name),
    vaultArn: s(r.vault_arn),
    vaultType: s(r.vault_type) as VaultType,
    vaultState: sn(r.vault_state),
    encryptionKeyArn: sn(r.encryption_key_arn),
    encryptionKeyType: sn(r.encryption_key_type) as EncryptionKeyType | null,
    keyManager: toKeyRead(sn(r.key_manager_outcome), sn(r.key_manager), sn(r.key_manager_detail)),
    creationDate: dn(r.creation_date),
    numberOfRecoveryPoints: Number(r.number_of_recovery_points ?? 0),
    locked: Boolean(r.locked),
    minRetentionDays: nn(r.min_retention_days),
    maxRetentionDays: nn(r.max_retention_days),
    lockDate: dn(r.lock_date),
    accessPolicy: sn(r.access_policy),
    notificationTopicArn: sn(r.notification_topic_arn),
    notificationEvents: (r.notification_events ?? []) as string[],
  };
}

export async function loadSnapshot(
  db: Queryable,
  tenantId: string,
): Promise<{ snapshot: StreamedSnapshot; meta: SnapshotMeta }> {
  const orgUnits: OrgUnit[] = (
    await rows(db, `select * from org_units where tenant_id = $1 order by ou_id`, tenantId)
  ).map((r) => ({
    id: s(r.ou_id),
    name: s(r.name),
    parentId: sn(r.parent_id),
    path: (r.path ?? []) as string[],
  }));
  const accounts: Account[] = (
    await rows(db, `select * from org_accounts where tenant_id = $1 order by account_id`, tenantId)
  ).map((r) => ({
    accountId: s(r.account_id),
    name: s(r.name),
    email: s(r.email),
    state: s(r.state) as AccountState,
    parentId: s(r.parent_id),
    ouPath: (r.ou_path ?? []) as string[],
    joinedAt: dn(r.joined_at),
  }));
  const unitRows = await rows(
    db,
    `select * from sync_units where tenant_id = $1 order by account_id, region`,
    tenantId,
  );
  const units: UnitFreshness[] = unitRows
    .filter((r) => r.kind === "region")
    .map((r) => ({
      accountId: s(r.account_id),
      region: s(r.region),
      status: s(r.status) as UnitStatus,
      publishedAt: dn(r.published_at),
      error: sn(r.error),
      errorAt: dn(r.error_at),
    }));
  const org = unitRows.find((r) => r.kind === "org");
  // Organizations data that was never read, or whose last read failed, must not pass BK-17.
  const orgReadable = Boolean(org && org.published_at && !org.error);
  const orgBackupPolicies: OrgBackupPolicy[] | null = orgReadable
    ? (await rows(db, `select * from org_policies where tenant_id = $1 order by policy_id`, tenantId)).map((r) => ({
        policyId: s(r.policy_id),
        policyArn: s(r.arn),
        name: s(r.name),
        description: s(r.description),
        awsManaged: Boolean(r.aws_managed),
        content: s(r.content),
        targets: (r.targets ?? []) as string[],
      }))
    : null;
  const effectiveBackupPolicies: EffectiveBackupPolicy[] | null = orgReadable
    ? (await rows(db, `select * from org_effective_policies where tenant_id = $1 order by account_id`, tenantId)).map(
        (r) => ({ accountId: s(r.account_id), content: s(r.content), lastUpdated: dn(r.last_updated) }),
      )
    : null;
  const managedBackupPolicies = orgReadable
    ? await loadManagedPolicyIntents((text, params) => db.query(text, params), tenantId)
    : [];
  const resources: Resource[] = (
    await rows(
      db,
      `select account_id, region, resource_arn, resource_type, tags from resources where tenant_id = $1 order by account_id, region, resource_arn`,
      tenantId,
    )
  ).map((r) => ({
    accountId: s(r.account_id),
    region: s(r.region),
    resourceArn: s(r.resource_arn),
    resourceType: s(r.resource_type) as ResourceType,
    tags: (r.tags ?? {}) as Record<string, string>,
  }));
  const vaults = (
    await rows(db, `select * from backup_vaults where tenant_id = $1 order by account_id, region, vault_name`, tenantId)
  ).map(toVault);
  const regionSettings: RegionSettings[] = (
    await rows(db, `select * from region_settings where tenant_id = $1 order by account_id, region`, tenantId)
  ).map((r) => ({
    accountId: s(r.account_id),
    region: s(r.region),
    resourceTypeOptIn: (r.resource_type_opt_in ?? {}) as Record<string, boolean>,
    resourceTypeManagement: (r.resource_type_management ?? {}) as Record<string, boolean>,
  }));
  const globalSettings: GlobalSettings[] = (
    await rows(db, `select * from global_settings where tenant_id = $1 order by account_id`, tenantId)
  ).map((r) => ({
    accountId: s(r.account_id),
    isCrossAccountBackupEnabled: (r.is_cross_account_backup_enabled ?? null) as boolean | null,
    raw: (r.raw ?? {}) as Record<string, string>,
  }));
  const restoreTestingPlans: RestoreTestingPlan[] = (
    await rows(
      db,
      `select * from restore_testing_plans where tenant_id = $1 order by account_id, region, plan_name`,
      tenantId,
    )
  ).map((r) => ({
    accountId: s(r.account_id),
    region: s(r.region),
    planName: s(r.plan_name),
    planArn: s(r.plan_arn),
    scheduleExpression: s(r.schedule_expression),
    creationTime: dn(r.creation_time),
    lastExecutionTime: dn(r.last_execution_time),
  }));
  const plans = await loadPlans(db, tenantId);
  const [run] = await rows(
    db,
    `select id from sync_runs where tenant_id = $1 and finished_at is not null order by finished_at desc limit 1`,
    tenantId,
  );
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
      syncRunId: run ? s(run.id) : null,
    },
  };
}
