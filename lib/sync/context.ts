import type pg from "pg";
import type { PgBoss } from "pg-boss";
import type { AwsFactory, CallCounter } from "@/lib/aws/client-factory";
import { CredentialChain, type TenantRoles } from "@/lib/aws/credentials";
import type { Semaphore } from "@/lib/aws/rate-gate";
import type { Queryable } from "./bulk";
import { withTransaction } from "./transaction";

// What every sync job handler gets: database, queue, AWS client factory, settings.

export interface SyncSettings {
  /** (account, region) units read at once by one worker. */
  unitConcurrency: number;
  /** Organization units (discovery and policies) at once by one worker. */
  runConcurrency: number;
  /** A claim whose heartbeat is older than this is taken over by another worker. */
  staleSeconds: number;
  heartbeatSeconds: number;
  /** Rows of one entity a unit holds in memory before streaming the rest to staging. */
  spillAt: number;
  /**
   * A unit is read in full at least this often (SYNC_FULL_PASS_HOURS). In between, a resync
   * lists points after per-vault marks (re-listing a vault whose count does not add up), reads
   * plans whose VersionId changed, and keeps what no list shows changing (see
   * UnitReadOptions.fullPass).
   */
  recoveryPointsFullEveryHours: number;
  /** A unit throttled longer than this gives up until the next sync. */
  throttleBudgetMinutes: number;
  /** Other transient failures (5xx, network) are retried this many times per run. */
  transientRetries: number;
  /** Organizations calls at once (the organization's rate gate paces them). */
  orgConcurrency: number;
  /** Publish transactions at once per worker: more only adds lock and CPU contention in PostgreSQL. */
  publishConcurrency: number;
  /** Job history older than this is dropped a month at a time (AWS itself keeps 30 days). */
  jobRetentionDays: number;
}

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  unitConcurrency: 96,
  runConcurrency: 4,
  staleSeconds: 30,
  heartbeatSeconds: 5,
  spillAt: 2000,
  recoveryPointsFullEveryHours: 24,
  throttleBudgetMinutes: 10,
  transientRetries: 3,
  orgConcurrency: 8,
  publishConcurrency: 4,
  jobRetentionDays: 400,
};

export interface SyncDeps {
  pool: pg.Pool;
  boss: PgBoss;
  factory: AwsFactory;
  workerId: string;
  settings: SyncSettings;
  /** Bounds this worker's concurrent publish transactions. */
  publishSlots: Semaphore;
  log: (message: string) => void;
}

export interface TenantForSync extends TenantRoles {
  tenantId: string;
  name: string;
  regions: string[];
}

/** The tenant's roles and regions, with per-account member role overrides. */
export async function loadTenantForSync(db: Queryable, tenantId: string): Promise<TenantForSync | null> {
  const t = await db.query(
    `select id, name, management_account_id, management_role_arn, policy_push_role_arn, external_id, member_role_name, regions from tenants where id = $1`,
    [tenantId],
  );
  const row = t.rows[0];
  if (!row) return null;
  const o = await db.query(
    `select account_id, member_role_name from tenant_account_settings where tenant_id = $1 and member_role_name is not null`,
    [tenantId],
  );
  return {
    tenantId,
    name: row.name as string,
    managementAccountId: row.management_account_id as string,
    managementRoleArn: row.management_role_arn as string,
    policyPushRoleArn: (row.policy_push_role_arn as string | null) ?? null,
    externalId: row.external_id as string,
    memberRoleName: row.member_role_name as string,
    memberRoleOverrides: Object.fromEntries(o.rows.map((r) => [r.account_id as string, r.member_role_name as string])),
    regions: row.regions as string[],
  };
}

/**
 * One credential chain per (run, tenant configuration): sessions are shared by a run's units in
 * this worker and renewed before expiry; a changed configuration gets a fresh chain.
 */
export class ChainCache {
  private readonly chains = new Map<string, { chain: CredentialChain; lastUse: number }>();

  constructor(private readonly factory: AwsFactory) {}

  get(runId: string, t: TenantForSync, counter?: CallCounter): CredentialChain {
    const key = `${runId}|${t.managementAccountId}|${t.managementRoleArn}|${t.externalId}|${t.memberRoleName}|${JSON.stringify(t.memberRoleOverrides ?? {})}`;
    let entry = this.chains.get(key);
    if (!entry) {
      entry = { chain: new CredentialChain(this.factory, t, counter), lastUse: performance.now() };
      this.chains.set(key, entry);
    }
    entry.lastUse = performance.now();
    return entry.chain;
  }

  /** Drops chains unused for an hour (their sessions would need renewing anyway). */
  prune(): void {
    const cutoff = performance.now() - 3600_000;
    for (const [k, e] of this.chains) if (e.lastUse < cutoff) this.chains.delete(k);
  }
}

/**
 * Whether a unit is read in full this time: a run a person started (Sync now: what they just
 * changed in AWS must show), a unit with nothing published, one never read in full, or one whose
 * last full pass is SYNC_FULL_PASS_HOURS old. Otherwise it reads only what changed (see
 * UnitReadOptions.fullPass).
 */
export function isFullPass(
  unit: { manual: boolean; fresh?: boolean; lastFullPass: Date | null },
  settings: Pick<SyncSettings, "recoveryPointsFullEveryHours">,
  now: number,
): boolean {
  return (
    unit.manual ||
    unit.fresh === true ||
    !unit.lastFullPass ||
    now - unit.lastFullPass.getTime() >= settings.recoveryPointsFullEveryHours * 3_600_000
  );
}

// Per pool, that is per database: one process may sync into several (the benches, the tests).
const ensured = new WeakMap<pg.Pool, Set<string>>();

/** After partitions were dropped: the next ensureJobPartitions on this pool asks the database again. */
export function forgetEnsuredJobPartitions(pool: pg.Pool): void {
  ensured.delete(pool);
}

/** Monthly job partitions for [min, max]: DDL, so outside publish transactions and only once per month per database. */
export async function ensureJobPartitions(pool: pg.Pool, min: Date | null, max: Date | null): Promise<void> {
  if (!min || !max) return;
  const months: string[] = [];
  for (
    let d = new Date(Date.UTC(min.getUTCFullYear(), min.getUTCMonth(), 1));
    d <= max;
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
  ) {
    months.push(d.toISOString().slice(0, 7));
  }
  let ensuredMonths = ensured.get(pool);
  if (!ensuredMonths) ensured.set(pool, (ensuredMonths = new Set()));
  if (months.every((m) => ensuredMonths.has(m))) return;
  // Serialised: CREATE TABLE IF NOT EXISTS is not race-free between workers.
  await withTransaction(pool, (client) => client.query(`select ensure_job_partitions($1, $2)`, [min, max]), [
    "select pg_advisory_xact_lock(7270101)",
  ]);
  for (const m of months) ensuredMonths.add(m);
}
