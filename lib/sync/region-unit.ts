import { newCounter } from "@/lib/aws/client-factory";
import { classifyCallError, FailureError, throttledFor, type Failure } from "@/lib/aws/errors";
import { clearStaging } from "./bulk";
import {
  ensureJobPartitions,
  isFullPass,
  loadTenantForSync,
  type ChainCache,
  type SyncDeps,
  type TenantForSync,
} from "./context";
import { summarizeRun } from "./counts";
import type { UnitJob } from "./queue";
import { claimUnit, finishRunIfDone, finishUnit, holdsClaim, requeueUnit, type Claim } from "./runs";
import { withTransaction } from "./transaction";
import { syncMetrics } from "./metrics";
import { knownPlans, knownVaults, nextJobMarks, publishUnit, recoveryPointMarks } from "./unit-publish";
import { readUnit, type JobMarks } from "./unit-read";
import { clock } from "@/lib/clock";

// One (account, region) unit: claim, read everything (nothing is written to the current tables
// while reading), then publish in one transaction that first checks the claim still holds.
// A failure publishes nothing and marks the unit's last good data stale with the reason.

// A run's units read the tenant's configuration once per worker, not once per unit. Keyed by run:
// a change made in Settings (a member role per account, a rotated ExternalId) holds from the next
// run on, never half-way through one.
const tenantCache = new Map<string, { tenant: TenantForSync | null; at: number }>();

async function tenantOf(deps: SyncDeps, runId: string, tenantId: string): Promise<TenantForSync | null> {
  const key = `${runId}|${tenantId}`;
  const hit = tenantCache.get(key);
  if (hit && performance.now() - hit.at < 30_000) return hit.tenant;
  for (const [k, v] of tenantCache) if (performance.now() - v.at >= 30_000) tenantCache.delete(k);
  const tenant = await loadTenantForSync(deps.pool, tenantId);
  tenantCache.set(key, { tenant, at: performance.now() });
  return tenant;
}

interface UnitState {
  /** No current rows (never published, or removed since; job history may remain, see publishUnit). */
  fresh: boolean;
  /** The run was started by a person (Sync now): every unit is read in full. */
  manual: boolean;
  recoveryPointsFullAt: Date | null;
  jobsAfter: JobMarks;
}

async function unitState(deps: SyncDeps, c: Claim): Promise<UnitState> {
  const res = await deps.pool.query(
    `select r.trigger, u.published_at, u.recovery_points_full_at, u.backup_jobs_after, u.copy_jobs_after, u.restore_jobs_after, u.scan_jobs_after
       from sync_runs r left join sync_units u on u.tenant_id = $1 and u.account_id = $2 and u.region = $3
      where r.id = $4`,
    [c.tenantId, c.accountId, c.region, c.runId],
  );
  const r = res.rows[0];
  return {
    fresh: !r?.published_at,
    manual: r?.trigger === "manual",
    recoveryPointsFullAt: (r?.recovery_points_full_at as Date | null) ?? null,
    jobsAfter: {
      backup: (r?.backup_jobs_after as Date | null) ?? null,
      copy: (r?.copy_jobs_after as Date | null) ?? null,
      restore: (r?.restore_jobs_after as Date | null) ?? null,
      scan: (r?.scan_jobs_after as Date | null) ?? null,
    },
  };
}

export async function runRegionUnit(job: UnitJob, deps: SyncDeps, chains: ChainCache): Promise<void> {
  const claim = await claimUnit(deps.pool, job, deps.workerId, deps.settings.staleSeconds);
  if (!claim) return;
  if (claim.previousStagingAttemptId) await clearStaging(deps.pool, claim.previousStagingAttemptId, true);
  const counter = newCounter();
  const scope = [claim.tenantId, claim.accountId, claim.region] as const;
  try {
    const tenant = await tenantOf(deps, claim.runId, claim.tenantId);
    if (!tenant) return;
    const state = await unitState(deps, claim);
    // One "now" for the unit: the points it counts as still due at the marks are the ones its
    // publish keeps.
    const now = clock.now();
    const full = isFullPass(
      { manual: state.manual, fresh: state.fresh, lastFullPass: state.recoveryPointsFullAt },
      deps.settings,
      now.getTime(),
    );
    const readStart = performance.now();
    const read = await readUnit(
      {
        tenantId: claim.tenantId,
        accountId: claim.accountId,
        region: claim.region,
        readGlobalSettings: claim.region === tenant.regions[0],
        attemptId: claim.stagingAttemptId,
        fullPass: full,
        recoveryPointsAfter: full ? new Map() : await recoveryPointMarks(deps.pool, scope, now),
        jobsAfter: state.jobsAfter,
        // The periodic full pass reads every plan again too.
        knownPlans: full || state.fresh ? undefined : await knownPlans(deps.pool, scope),
        knownVaults: full || state.fresh ? undefined : await knownVaults(deps.pool, scope),
        spillAt: deps.settings.spillAt,
      },
      { factory: deps.factory, chain: chains.get(claim.runId, tenant), pool: deps.pool, counter },
    );
    await ensureJobPartitions(deps.pool, read.jobMonths.min, read.jobMonths.max);
    const publishStart = performance.now();
    syncMetrics.readMs += publishStart - readStart;
    const published = await deps.publishSlots.with(() =>
      withTransaction(deps.pool, async (tx) => {
        syncMetrics.publishWaitMs += performance.now() - publishStart;
        if (!(await holdsClaim(tx, claim, deps.workerId))) return false;
        const counts = await publishUnit(tx, scope, read, state.fresh, now);
        const marks = nextJobMarks(state.jobsAfter, read.jobNewest, read.jobOldestUnfinished);
        await tx.query(
          `insert into sync_units (tenant_id, kind, account_id, region, status, published_run_id, published_at, error, error_kind, error_at, last_run_id,
                                 recovery_points_full_at, backup_jobs_after, copy_jobs_after, restore_jobs_after, scan_jobs_after, counts, updated_at)
         values ($1, 'region', $2, $3, 'ok', $4, $10, null, null, null, $4, case when $5 then $10::timestamptz end, $6, $7, $8, $11, $9, $10)
         on conflict (tenant_id, account_id, region) do update set status = 'ok', published_run_id = $4, published_at = $10, error = null, error_kind = null,
           error_at = null, last_run_id = $4, recovery_points_full_at = case when $5 then $10::timestamptz else sync_units.recovery_points_full_at end,
           backup_jobs_after = $6, copy_jobs_after = $7, restore_jobs_after = $8, scan_jobs_after = $11, counts = $9, updated_at = $10`,
          [
            ...scope,
            claim.runId,
            full,
            marks.backup,
            marks.copy,
            marks.restore,
            JSON.stringify(counts),
            clock.now(),
            marks.scan,
          ],
        );
        await finishUnit(tx, claim, "region", {
          status: "ok",
          calls: counter.calls,
          throttled: counter.throttled,
          counts: { ...counts },
        });
        await clearStaging(tx, claim.stagingAttemptId);
        return true;
      }),
    );
    syncMetrics.publishMs += performance.now() - publishStart;
    syncMetrics.units++;
    if (!published) {
      // Another worker took the unit over (our heartbeat lapsed): its read counts, ours is dropped.
      await clearStaging(deps.pool, claim.stagingAttemptId);
      return;
    }
  } catch (error) {
    await clearStaging(deps.pool, claim.stagingAttemptId).catch(() => undefined);
    const failure = error instanceof FailureError ? error.failure : classifyCallError(error, { region: claim.region });
    const ended = await recordFailure(deps, claim, failure, counter);
    if (!ended) return;
  }
  await finishRunIfDone(
    deps.pool,
    deps.boss,
    job.runId,
    (c, tenantId) => summarizeRun(c, job.runId, tenantId),
    deps.log,
  );
}

/** Transient failures go back on the queue within their budget; the rest end the unit. Returns whether it ended. */
async function recordFailure(
  deps: SyncDeps,
  claim: Claim,
  failure: Failure,
  counter: { calls: number; throttled: number },
): Promise<boolean> {
  const s = deps.settings;
  const throttled = failure.kind === "throttled";
  const now = clock.nowMs();
  const since = throttled ? (claim.throttledSince ?? new Date(now)) : claim.throttledSince;
  const minutes = since ? Math.max(1, Math.round((now - since.getTime()) / 60_000)) : 0;
  const retry = throttled
    ? now - (since?.getTime() ?? now) < s.throttleBudgetMinutes * 60_000
    : failure.transient && claim.attempt <= s.transientRetries;
  return withTransaction(deps.pool, async (tx) => {
    if (!(await holdsClaim(tx, claim, deps.workerId))) return false;
    if (retry) {
      // Back off (15 s, 30 s, 60 s, 120 s) but never past the end of the throttling budget.
      const left = since ? (s.throttleBudgetMinutes * 60_000 - (now - since.getTime())) / 1000 : Infinity;
      const delay = throttled
        ? Math.max(1, Math.min(120, 15 * 2 ** Math.min(3, claim.attempt - 1), left))
        : 5 * claim.attempt;
      await requeueUnit(tx, deps.boss, claim, {
        calls: counter.calls,
        throttled: counter.throttled,
        throttledSince: since,
        delaySeconds: delay,
        failure: throttled ? throttledFor(minutes, true) : failure,
      });
      return false;
    }
    const final = throttled ? throttledFor(minutes, false) : failure;
    const status = final.kind === "region_disabled" || final.kind === "account_suspended" ? "skipped" : "failed";
    deps.log(`unit ${claim.accountId}/${claim.region}: ${final.message}`);
    await finishUnit(tx, claim, "region", {
      status,
      failure: final,
      calls: counter.calls,
      throttled: counter.throttled,
    });
    return true;
  });
}
