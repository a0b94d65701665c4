import {
  backupJobPages,
  copyJobPages,
  fetchBackupPlans,
  fetchGlobalSettings,
  fetchRegionSettings,
  fetchRestoreTestingPlans,
  fetchVaults,
  inParallel,
  mapLimit,
  protectedResourcePages,
  recoveryPointPages,
  restoreJobPages,
  scanJobPages,
  type KnownPlan,
  type KnownVault,
  type PlansRead,
} from "@/lib/aws/backup.fetch";
import type { AwsFactory, CallCounter } from "@/lib/aws/client-factory";
import type { CredentialChain } from "@/lib/aws/credentials";
import { classifyCallError, FailureError, regionDisabled } from "@/lib/aws/errors";
import { readVaultKeys } from "@/lib/aws/kms.fetch";
import { fetchVaultShares } from "@/lib/aws/ram.fetch";
import { resourcePages } from "@/lib/aws/tagging.fetch";
import type {
  BackupJob,
  BackupVault,
  CopyJob,
  GlobalSettings,
  ProtectedResource,
  RecoveryPoint,
  RegionSettings,
  Resource,
  RestoreJob,
  ScanJob,
} from "@/lib/inventory/types";
import { jobIsActive } from "@/db/job-issue";
import type { Queryable } from "./bulk";
import { RowSink } from "./row-sink";
import {
  backupJobSpec,
  copyJobSpec,
  protectedResourceSpec,
  recoveryPointSpec,
  resourceSpec,
  restoreJobSpec,
  scanJobSpec,
  type RestoreTestingPlanRow,
  type TableSpec,
} from "./table-specs";

// Reads one (account, region) unit completely, or fails. Independent lists run side by side (the
// target's rate buckets pace them); each big list streams page by page into its sink.

export interface UnitReadOptions {
  tenantId: string;
  accountId: string;
  region: string;
  /** DescribeGlobalSettings is per account: read in the tenant's first region only. */
  readGlobalSettings: boolean;
  attemptId: string;
  /**
   * A full pass reads everything. Between two, a unit reads what changed and what no AWS filter
   * can tell apart: recovery points after per-vault marks, plans at a new version, every vault,
   * job and tagged resource list, protected resources, restore testing plans, vault keys. It keeps
   * what is stored of the rest (region and global settings, selections of unchanged plans, known
   * vaults' policies, notifications and shares) until the next full pass.
   */
  fullPass: boolean;
  /** Per vault, where an incremental listing starts and how many stored points it keeps (see VaultMark). */
  recoveryPointsAfter: Map<string, VaultMark>;
  jobsAfter: JobMarks;
  /** Plans already stored at their current version: read again only if ListBackupPlans shows another. */
  knownPlans?: Map<string, KnownPlan>;
  /** Vaults already stored: their policy, notifications and approval team are not asked again. */
  knownVaults?: Map<string, KnownVault>;
  spillAt: number;
  /** One call at a time (the benchmark's baseline). */
  sequential?: boolean;
}

/** Jobs whose state can still change: not yet ended, or (restore tests) still validating. */
const UNFINISHED = {
  backup: (j: BackupJob) => jobIsActive(j.state),
  copy: (j: CopyJob) => jobIsActive(j.state),
  restore: (j: RestoreJob) => jobIsActive(j.status) || j.validationStatus === "VALIDATING",
};

/** Per job list, the time the next incremental read starts from (null: read all AWS keeps). */
export interface JobMarks {
  backup: Date | null;
  copy: Date | null;
  restore: Date | null;
  scan: Date | null;
}

/**
 * An incremental listing of a vault asks for points created after `after`; of the points stored
 * from earlier, `kept` are still due to exist (their CalculatedLifecycle DeleteAt has not passed).
 * kept + points listed must equal the vault's NumberOfRecoveryPoints; when it does not (a point
 * deleted by hand, or expired on a clock other than ours), the vault is listed again in full.
 */
export interface VaultMark {
  after: Date;
  kept: number;
}

/** What a pass did not read is null (kept as stored). */
export interface UnitRead {
  regionSettings: RegionSettings | null;
  globalSettings: (GlobalSettings & { lastUpdateTime: Date | null }) | null;
  plans: PlansRead;
  vaults: BackupVault[];
  /** Whether the vaults' shares were read (AWS RAM): on a full pass, or when a vault is new. */
  sharesRead: boolean;
  restoreTestingPlans: RestoreTestingPlanRow[];
  recoveryPoints: RowSink<RecoveryPoint>;
  protectedResources: RowSink<ProtectedResource>;
  resources: RowSink<Resource>;
  backupJobs: RowSink<BackupJob>;
  copyJobs: RowSink<CopyJob>;
  restoreJobs: RowSink<RestoreJob>;
  scanJobs: RowSink<ScanJob>;
  /** Earliest and latest job creation seen (the job partitions these months need). */
  jobMonths: { min: Date | null; max: Date | null };
  /** Newest creation date read per job list (the next incremental read starts near it). */
  jobNewest: JobMarks;
  /**
   * Oldest creation date of a job read still unfinished (its state can still change). Every job
   * unfinished at the last read was after that read's mark, so it is among the jobs read now.
   * Scan jobs are listed by completion, so theirs stays null.
   */
  jobOldestUnfinished: JobMarks;
  fullPass: boolean;
  /** Incremental read: the vaults listed only from their mark (the others were listed in full). */
  recoveryPointsWindows: Map<string, Date>;
}

export interface UnitDeps {
  factory: AwsFactory;
  chain: CredentialChain;
  pool: Queryable;
  counter: CallCounter;
}

/** Runs every task; the first failure stops the others at their next page and is rethrown. */
async function allOrFirstError(
  tasks: Array<(stop: () => boolean) => Promise<void>>,
  sequential: boolean,
): Promise<void> {
  if (sequential) {
    for (const t of tasks) await t(() => false);
    return;
  }
  let failed = false;
  const stop = () => failed;
  const results = await Promise.allSettled(
    tasks.map((t) => t(stop).catch((e: unknown) => ((failed = true), Promise.reject(e)))),
  );
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
}

export async function readUnit(o: UnitReadOptions, deps: UnitDeps): Promise<UnitRead> {
  const unit = { accountId: o.accountId, region: o.region };
  const creds = deps.chain.memberProvider(o.accountId);
  await deps.chain.memberCredentials(o.accountId, deps.counter);
  const backup = deps.factory.backup(o.accountId, o.region, creds, deps.counter);
  const tagging = deps.factory.tagging(o.accountId, o.region, creds, deps.counter);
  const kms = deps.factory.kms(o.accountId, o.region, creds, deps.counter);
  const ram = deps.factory.ram(o.accountId, o.region, creds, deps.counter);
  try {
    // A full pass's first call doubles as the probe: in a region the account has not enabled,
    // every call fails with UnrecognizedClientException, so it stops after one. Between full
    // passes the region was enabled at the last one; if it no longer is, the first failing call
    // says so just the same.
    let regionSettings: RegionSettings | null = null;
    if (o.fullPass) {
      try {
        regionSettings = await fetchRegionSettings(backup, unit);
      } catch (error) {
        const f = classifyCallError(error, { operation: "DescribeRegionSettings", region: o.region });
        throw new FailureError(f.kind === "region_disabled" ? regionDisabled(o.region) : f);
      }
    }
    const sink = <T>(spec: TableSpec<T>) =>
      new RowSink<T>(spec, {
        pool: deps.pool,
        attemptId: o.attemptId,
        scope: [o.tenantId, o.accountId, o.region],
        spillAt: o.spillAt,
      });
    const read: UnitRead = {
      regionSettings,
      globalSettings: null,
      plans: { plans: [], versions: [] },
      vaults: [],
      sharesRead: false,
      restoreTestingPlans: [],
      recoveryPoints: sink(recoveryPointSpec),
      protectedResources: sink(protectedResourceSpec),
      resources: sink(resourceSpec),
      backupJobs: sink(backupJobSpec),
      copyJobs: sink(copyJobSpec),
      restoreJobs: sink(restoreJobSpec),
      scanJobs: sink(scanJobSpec),
      jobMonths: { min: null, max: null },
      jobNewest: { backup: null, copy: null, restore: null, scan: null },
      jobOldestUnfinished: { backup: null, copy: null, restore: null, scan: null },
      fullPass: o.fullPass,
      recoveryPointsWindows: new Map(),
    };
    const noteJobDates =
      <T extends { creationDate: Date }>(kind: keyof JobMarks, unfinished?: (row: T) => boolean) =>
      (rows: T[]) => {
        for (const r of rows) {
          if (!read.jobMonths.min || r.creationDate < read.jobMonths.min) read.jobMonths.min = r.creationDate;
          if (!read.jobMonths.max || r.creationDate > read.jobMonths.max) read.jobMonths.max = r.creationDate;
          const newest = read.jobNewest[kind];
          if (!newest || r.creationDate > newest) read.jobNewest[kind] = r.creationDate;
          if (!unfinished?.(r)) continue;
          const oldest = read.jobOldestUnfinished[kind];
          if (!oldest || r.creationDate < oldest) read.jobOldestUnfinished[kind] = r.creationDate;
        }
      };
    /** Drains page generators into a sink, stopping between pages once another task failed. */
    const drain = async <T>(
      pages: AsyncGenerator<T[]>,
      into: RowSink<T>,
      stop: () => boolean,
      onPage?: (rows: T[]) => void,
    ) => {
      for await (const page of pages) {
        if (stop()) return;
        onPage?.(page);
        await into.add(page);
      }
    };
    /** A task draining one job list, noting its dates as the pages come. */
    const drainJobs =
      <T extends { creationDate: Date }>(
        kind: keyof JobMarks,
        pages: AsyncGenerator<T[]>,
        into: RowSink<T>,
        unfinished?: (row: T) => boolean,
      ) =>
      (stop: () => boolean) =>
        drain(pages, into, stop, noteJobDates(kind, unfinished));
    const after = (d: Date | null) => d ?? undefined;
    const width = o.sequential ? 1 : 4;
    await allOrFirstError(
      [
        async () => {
          if (o.readGlobalSettings && o.fullPass) read.globalSettings = await fetchGlobalSettings(backup, o.accountId);
        },
        async () => {
          read.plans = await fetchBackupPlans(backup, unit, width, o.knownPlans);
        },
        async (stop) => {
          const [vaults, sharesOnFullPass] = await inParallel(width, [
            () => fetchVaults(backup, unit, width, o.knownVaults),
            async () => (o.fullPass ? fetchVaultShares(ram) : null),
          ] as const);
          // Sharing a new vault is how an air-gapped vault is put to use: its shares are not left
          // for the next full pass.
          const isNew = (v: BackupVault) =>
            o.knownVaults?.get(v.vaultName)?.creationDate !== (v.creationDate?.getTime() ?? null);
          const shares = sharesOnFullPass ?? (vaults.some(isNew) ? await fetchVaultShares(ram) : null);
          if (shares) {
            for (const v of vaults) {
              v.shares = shares.read ? (shares.byVault.get(v.vaultArn) ?? []) : [];
              v.sharesUnreadable = shares.read ? null : shares.reason;
            }
            read.sharesRead = true;
          }
          read.vaults = vaults;
          // Who manages each vault's key (KMS) while the recovery points stream in. Asked on every
          // pass: what the read says (an alias or DescribeKey) depends on the unit's other keys.
          await inParallel(width, [
            async () => {
              read.vaults = await readVaultKeys(kms, unit, vaults, width);
            },
            () =>
              mapLimit(vaults, o.sequential ? 1 : 3, async (v) => {
                const mark = o.fullPass ? undefined : o.recoveryPointsAfter.get(v.vaultName);
                let listed = 0;
                const count = (rows: unknown[]) => void (listed += rows.length);
                await drain(
                  recoveryPointPages(backup, unit, v.vaultName, mark?.after),
                  read.recoveryPoints,
                  stop,
                  count,
                );
                if (!mark || stop()) return;
                if (mark.kept + listed === v.numberOfRecoveryPoints) {
                  read.recoveryPointsWindows.set(v.vaultName, mark.after);
                  return;
                }
                // The merge does not add up: list the vault in full (its publish replaces it).
                await drain(recoveryPointPages(backup, unit, v.vaultName), read.recoveryPoints, stop);
              }),
          ] as const);
        },
        (stop) => drain(protectedResourcePages(backup, unit), read.protectedResources, stop),
        drainJobs(
          "backup",
          backupJobPages(backup, unit, after(o.jobsAfter.backup)),
          read.backupJobs,
          UNFINISHED.backup,
        ),
        drainJobs("copy", copyJobPages(backup, unit, after(o.jobsAfter.copy)), read.copyJobs, UNFINISHED.copy),
        drainJobs(
          "restore",
          restoreJobPages(backup, unit, after(o.jobsAfter.restore)),
          read.restoreJobs,
          UNFINISHED.restore,
        ),
        drainJobs("scan", scanJobPages(backup, unit, after(o.jobsAfter.scan)), read.scanJobs),
        async () => {
          read.restoreTestingPlans = (await fetchRestoreTestingPlans(backup, unit)).map(
            ({ accountId: _a, region: _r, ...p }) => p,
          );
        },
        (stop) => drain(resourcePages(tagging, unit), read.resources, stop),
      ],
      o.sequential ?? false,
    );
    return read;
  } catch (error) {
    if (error instanceof FailureError) throw error;
    throw new FailureError(classifyCallError(error, { region: o.region }));
  } finally {
    deps.factory.release(o.accountId, o.region);
  }
}
