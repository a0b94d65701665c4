import {
  DescribeBackupVaultCommand,
  DescribeGlobalSettingsCommand,
  DescribeRegionSettingsCommand,
  GetBackupPlanCommand,
  GetBackupSelectionCommand,
  GetBackupVaultAccessPolicyCommand,
  GetBackupVaultNotificationsCommand,
  paginateListBackupJobs,
  paginateListBackupPlans,
  paginateListBackupPlanVersions,
  paginateListBackupSelections,
  paginateListBackupVaults,
  paginateListCopyJobs,
  paginateListProtectedResources,
  paginateListRecoveryPointsByBackupVault,
  paginateListRestoreJobs,
  paginateListRestoreTestingPlans,
  paginateListScanJobs,
  type BackupClient,
  type BackupPlansListMember,
} from "@aws-sdk/client-backup";
import type {
  BackupJob,
  BackupPlan,
  BackupPlanVersion,
  BackupVault,
  CopyJob,
  GlobalSettings,
  ProtectedResource,
  RecoveryPoint,
  RegionSettings,
  RestoreJob,
  ScanJob,
} from "@/lib/inventory/types";
import {
  toBackupJob,
  toBackupPlan,
  toBackupSelection,
  toBackupVault,
  toCopyJob,
  toGlobalSettings,
  toPlanVersion,
  toProtectedResource,
  toRecoveryPoint,
  toRegionSettings,
  toRestoreJob,
  toRestoreTestingPlan,
  toScanJob,
  type UnitRef,
} from "./backup.adapter";
import { isNotFound } from "./errors";

// AWS Backup reads for one (account, region), through the SDK's paginators at the largest page
// size (1,000). Large lists are async generators of pages, so a caller can write each page away
// before the next one is asked for; small ones (bounded by AWS quotas: 300 plans, 300 vaults per
// unit) come back whole.

const PAGE = 1000;

/** Runs `fn` over `items` with at most `limit` at a time (order of results kept). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

type Results<T extends readonly (() => Promise<unknown>)[]> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

/** Runs independent calls side by side, or one after another when `concurrency` is 1 (the baseline). */
export async function inParallel<T extends readonly (() => Promise<unknown>)[]>(
  concurrency: number,
  tasks: T,
): Promise<Results<T>> {
  if (concurrency > 1) return (await Promise.all(tasks.map((t) => t()))) as Results<T>;
  const out: unknown[] = [];
  for (const t of tasks) out.push(await t());
  return out as Results<T>;
}

export async function fetchRegionSettings(client: BackupClient, unit: UnitRef): Promise<RegionSettings> {
  return toRegionSettings(unit, await client.send(new DescribeRegionSettingsCommand({})));
}

export async function fetchGlobalSettings(
  client: BackupClient,
  accountId: string,
): Promise<GlobalSettings & { lastUpdateTime: Date | null }> {
  return toGlobalSettings(accountId, await client.send(new DescribeGlobalSettingsCommand({})));
}

export interface PlansRead {
  /** Plans read in full (new, or their VersionId changed), with their selections. */
  plans: BackupPlan[];
  /** Every version of those plans, the current one included. */
  versions: Array<BackupPlanVersion & { isCurrent: boolean }>;
  /**
   * Plans whose VersionId is the one already stored (`known`): only their LastExecutionDate is
   * taken from the list. Their selections change without a new version and no list shows it, so
   * they are the stored ones until the unit's next full pass reads every plan again.
   */
  unchanged?: Array<{ planId: string; lastExecutionDate: Date | null }>;
}

/** What a unit already holds of a plan: its current version. */
export interface KnownPlan {
  versionId: string;
}

/**
 * Plans with their current rules and selections, and every older version's rules:
 * ListBackupPlans, then per plan GetBackupPlan + ListBackupPlanVersions + ListBackupSelections,
 * GetBackupPlan per older version and GetBackupSelection per selection.
 */
export async function fetchBackupPlans(
  client: BackupClient,
  unit: UnitRef,
  concurrency = 4,
  known?: Map<string, KnownPlan>,
): Promise<PlansRead> {
  const all: BackupPlansListMember[] = [];
  for await (const page of paginateListBackupPlans({ client, pageSize: PAGE }, {}))
    all.push(...(page.BackupPlansList ?? []));
  const same = (p: BackupPlansListMember) =>
    !!p.VersionId && known?.get(p.BackupPlanId ?? "")?.versionId === p.VersionId;
  const listed = all.filter((p) => !same(p));
  const unchanged = known
    ? all.filter(same).map((p) => ({ planId: p.BackupPlanId ?? "", lastExecutionDate: p.LastExecutionDate ?? null }))
    : undefined;
  const versions: PlansRead["versions"] = [];
  const plans = await mapLimit(listed, concurrency, async (p) => {
    const planId = p.BackupPlanId ?? "";
    const [current, planVersions, selections] = await inParallel(concurrency, [
      () => client.send(new GetBackupPlanCommand({ BackupPlanId: planId })),
      async () => {
        const all: BackupPlansListMember[] = [];
        for await (const page of paginateListBackupPlanVersions({ client, pageSize: PAGE }, { BackupPlanId: planId }))
          all.push(...(page.BackupPlanVersionsList ?? []));
        return all;
      },
      async () => {
        const ids: string[] = [];
        for await (const page of paginateListBackupSelections({ client, pageSize: PAGE }, { BackupPlanId: planId }))
          for (const s of page.BackupSelectionsList ?? []) if (s.SelectionId) ids.push(s.SelectionId);
        return mapLimit(ids, concurrency, async (id) =>
          toBackupSelection(
            await client.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: id })),
          ),
        );
      },
    ] as const);
    const currentVersion = current.VersionId ?? p.VersionId;
    const older = planVersions.filter((v) => v.VersionId && v.VersionId !== currentVersion);
    const olderDetails = await mapLimit(older, concurrency, (v) =>
      client.send(new GetBackupPlanCommand({ BackupPlanId: planId, VersionId: v.VersionId })),
    );
    const currentListed = planVersions.find((v) => v.VersionId === currentVersion) ?? p;
    versions.push({ ...toPlanVersion(planId, currentListed, current), isCurrent: true });
    older.forEach((v, i) => versions.push({ ...toPlanVersion(planId, v, olderDetails[i] ?? null), isCurrent: false }));
    return toBackupPlan(unit, p, current, selections);
  });
  return { plans, versions, ...(unchanged ? { unchanged } : {}) };
}

/** What a unit already holds of a vault: the parts only per-vault calls and RAM return. */
export interface KnownVault {
  creationDate: number | null;
  accessPolicy: string | null;
  notifications: { topicArn: string | null; events: string[] };
  mpaApprovalTeamArn: string | null;
  sharesUnreadable: string | null;
}

/**
 * Vaults with lock, key, access policy and notifications (absent ones are ResourceNotFound).
 * A vault in `known` with the same creation date keeps its stored policy, notifications,
 * approval team and whether its shares were readable: AWS shows no modification time for them,
 * so only a full pass reads them again.
 */
export async function fetchVaults(
  client: BackupClient,
  unit: UnitRef,
  concurrency = 4,
  known?: Map<string, KnownVault>,
): Promise<BackupVault[]> {
  const listed = [];
  for await (const page of paginateListBackupVaults({ client, pageSize: PAGE }, {}))
    listed.push(...(page.BackupVaultList ?? []));
  return mapLimit(listed, concurrency, async (v) => {
    const name = v.BackupVaultName ?? "";
    const stored = known?.get(name);
    if (stored && stored.creationDate === (v.CreationDate?.getTime() ?? null)) {
      const vault = toBackupVault(unit, v, stored.accessPolicy, stored.notifications);
      if (vault.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT") vault.mpaApprovalTeamArn = stored.mpaApprovalTeamArn;
      vault.sharesUnreadable = stored.sharesUnreadable;
      return vault;
    }
    const [policy, notifications] = await inParallel(concurrency, [
      () =>
        client.send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: name })).then(
          (o) => o.Policy ?? null,
          (e: unknown) => (isNotFound(e) ? null : Promise.reject(e)),
        ),
      () =>
        client.send(new GetBackupVaultNotificationsCommand({ BackupVaultName: name })).then(
          (o) => ({ topicArn: o.SNSTopicArn ?? null, events: [...(o.BackupVaultEvents ?? [])] }),
          (e: unknown) => (isNotFound(e) ? { topicArn: null, events: [] } : Promise.reject(e)),
        ),
    ] as const);
    const vault = toBackupVault(unit, v, policy, notifications);
    // Only an air-gapped vault can have a multi-party approval team, and only DescribeBackupVault
    // names it: one call per air-gapped vault, none for the others.
    if (vault.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT") {
      const detail = await client
        .send(new DescribeBackupVaultCommand({ BackupVaultName: name }))
        .catch((e: unknown) => (isNotFound(e) ? null : Promise.reject(e)));
      vault.mpaApprovalTeamArn = detail?.MpaApprovalTeamArn ?? null;
    }
    return vault;
  });
}

/** Recovery points of one vault, page by page; `createdAfter` makes it incremental. */
export async function* recoveryPointPages(
  client: BackupClient,
  unit: UnitRef,
  vaultName: string,
  createdAfter?: Date,
): AsyncGenerator<RecoveryPoint[]> {
  const input = { BackupVaultName: vaultName, ...(createdAfter ? { ByCreatedAfter: createdAfter } : {}) };
  for await (const page of paginateListRecoveryPointsByBackupVault({ client, pageSize: PAGE }, input)) {
    yield (page.RecoveryPoints ?? []).map((rp) => toRecoveryPoint(unit, rp));
  }
}

export async function* protectedResourcePages(
  client: BackupClient,
  unit: UnitRef,
): AsyncGenerator<ProtectedResource[]> {
  for await (const page of paginateListProtectedResources({ client, pageSize: PAGE }, {}))
    yield (page.Results ?? []).map((r) => toProtectedResource(unit, r));
}

export async function* backupJobPages(
  client: BackupClient,
  unit: UnitRef,
  createdAfter?: Date,
): AsyncGenerator<BackupJob[]> {
  for await (const page of paginateListBackupJobs(
    { client, pageSize: PAGE },
    createdAfter ? { ByCreatedAfter: createdAfter } : {},
  ))
    yield (page.BackupJobs ?? []).map((j) => toBackupJob(unit, j));
}

export async function* copyJobPages(
  client: BackupClient,
  unit: UnitRef,
  createdAfter?: Date,
): AsyncGenerator<CopyJob[]> {
  for await (const page of paginateListCopyJobs(
    { client, pageSize: PAGE },
    createdAfter ? { ByCreatedAfter: createdAfter } : {},
  ))
    yield (page.CopyJobs ?? []).map((j) => toCopyJob(unit, j));
}

export async function* restoreJobPages(
  client: BackupClient,
  unit: UnitRef,
  createdAfter?: Date,
): AsyncGenerator<RestoreJob[]> {
  for await (const page of paginateListRestoreJobs(
    { client, pageSize: PAGE },
    createdAfter ? { ByCreatedAfter: createdAfter } : {},
  ))
    yield (page.RestoreJobs ?? []).map((j) => toRestoreJob(unit, j));
}

export async function* scanJobPages(
  client: BackupClient,
  unit: UnitRef,
  createdAfter?: Date,
): AsyncGenerator<ScanJob[]> {
  // ListScanJobs filters by completion time only: a scan still running has none, so an
  // incremental read asks from the mark and the overlap covers jobs that ran across it.
  for await (const page of paginateListScanJobs(
    { client, pageSize: PAGE },
    createdAfter ? { ByCompleteAfter: createdAfter } : {},
  ))
    yield (page.ScanJobs ?? []).map((j) => toScanJob(unit, j));
}

export async function fetchRestoreTestingPlans(client: BackupClient, unit: UnitRef) {
  const out = [];
  for await (const page of paginateListRestoreTestingPlans({ client, pageSize: PAGE }, {}))
    out.push(...(page.RestoreTestingPlans ?? []).map((p) => toRestoreTestingPlan(unit, p)));
  return out;
}
