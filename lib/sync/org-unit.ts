import { newCounter } from "@/lib/aws/client-factory";
import { checkTenantRoles } from "@/lib/aws/credentials";
import { accountSuspended, classifyCallError, FailureError, type Failure } from "@/lib/aws/errors";
import { mapLimit } from "@/lib/aws/backup.fetch";
import {
  describeEffectiveBackupPolicy,
  listBackupPolicies,
  listDelegatedAdministrators,
  type OrgTree,
} from "@/lib/aws/organizations.fetch";
import type { DelegatedAdministrator, EffectiveBackupPolicy, OrgBackupPolicy } from "@/lib/inventory/types";
import type { Queryable } from "./bulk";
import {
  ChainCache,
  ensureJobPartitions,
  isFullPass,
  loadTenantForSync,
  type SyncDeps,
  type TenantForSync,
} from "./context";
import { summarizeRun } from "./counts";
import { effectivePolicyInputs } from "./effective-inputs";
import { publishOrganization } from "./org-publish";
import { readOrganizationTree } from "./org-scope";
import { inTransaction, QUEUES, unitJobs, type RunJob, type UnitJob } from "./queue";
import { claimUnit, finishRunIfDone, finishUnit, holdsClaim, ORG_REGION, type Claim } from "./runs";
import { withTransaction } from "./transaction";
import { UNIT_TABLES } from "./table-specs";
import { clock } from "@/lib/clock";

// The organization unit of a run: assume the management role, check it is the organization's
// management account, walk the tree, plan and queue the (account, region) units, then read
// policies and effective policies while the units run, and publish the organization.

export async function runOrganizationUnit(job: RunJob, deps: SyncDeps, chains: ChainCache): Promise<void> {
  const tenant = await loadTenantForSync(deps.pool, job.tenantId);
  if (!tenant) return;
  const org = await deps.pool.query(`select account_id from sync_run_units where run_id = $1 and kind = 'org'`, [
    job.runId,
  ]);
  const orgAccount = org.rows[0]?.account_id as string | undefined;
  if (!orgAccount) return;
  const claim = await claimUnit(
    deps.pool,
    { runId: job.runId, accountId: orgAccount, region: ORG_REGION },
    deps.workerId,
    deps.settings.staleSeconds,
  );
  if (!claim) return;
  await deps.pool.query(
    `update sync_runs set status = 'running', phase = case when phase = 'queued' then 'discovering' else phase end, started_at = coalesce(started_at, $3), coordinator_id = $2 where id = $1`,
    [job.runId, deps.workerId, clock.now()],
  );
  const counter = newCounter();
  let planned = false;
  try {
    checkTenantRoles(tenant);
    const chain = chains.get(job.runId, tenant, counter);
    const client = deps.factory.organizations(chain.managementProvider, tenant.tenantId, counter);
    const tree = await readOrganizationTree(client, tenant);
    const now = clock.nowMs();
    await ensureJobPartitions(deps.pool, new Date(now - 40 * 86_400_000), new Date(now + 40 * 86_400_000));
    await planUnits(deps, claim, tenant, tree);
    planned = true;
    const active = tree.accounts.filter((a) => a.state === "ACTIVE").map((a) => a.accountId);
    const [delegated, policies] = await Promise.all([listDelegatedAdministrators(client), listBackupPolicies(client)]);
    const inputs = effectivePolicyInputs(tree, policies);
    const last = await lastOrganizationPass(deps.pool, claim);
    const fullPass = isFullPass(last, deps.settings, now);
    const stored = fullPass
      ? new Map<string, EffectiveBackupPolicy>()
      : await storedEffectivePolicies(deps.pool, claim);
    const toAsk = active.filter((id) => fullPass || last.inputs[id] !== inputs.get(id));
    const asked = await mapLimit(toAsk, deps.settings.orgConcurrency, (id) =>
      describeEffectiveBackupPolicy(client, id),
    );
    const askedIds = new Set(toAsk);
    const effective = [
      ...asked.filter((e): e is EffectiveBackupPolicy => e !== null),
      ...active.filter((id) => !askedIds.has(id) && stored.has(id)).map((id) => stored.get(id)!),
    ];
    const done = await withTransaction(deps.pool, async (tx) => {
      if (!(await holdsClaim(tx, claim, deps.workerId))) return false;
      const counts = await publishOrganization(tx, tenant.tenantId, {
        tree,
        delegated: delegated as DelegatedAdministrator[],
        policies: policies as OrgBackupPolicy[],
        effective,
      });
      await removeVanishedUnits(tx, claim);
      await tx.query(
        `insert into sync_units (tenant_id, kind, account_id, region, status, published_run_id, published_at, error, error_kind, error_at, last_run_id, counts, updated_at,
                                 recovery_points_full_at, effective_policy_inputs)
         values ($1, 'org', $2, $3, 'ok', $4, $6, null, null, null, $4, $5, $6, case when $7 then $6::timestamptz end, $8)
         on conflict (tenant_id, account_id, region) do update set kind = 'org', status = 'ok', published_run_id = $4, published_at = $6, error = null, error_kind = null, error_at = null, last_run_id = $4, counts = $5, updated_at = $6,
           recovery_points_full_at = case when $7 then $6::timestamptz else sync_units.recovery_points_full_at end, effective_policy_inputs = $8`,
        [
          tenant.tenantId,
          claim.accountId,
          ORG_REGION,
          claim.runId,
          JSON.stringify({ ...counts, effective_policies_asked: toAsk.length }),
          clock.now(),
          fullPass,
          JSON.stringify(Object.fromEntries(inputs)),
        ],
      );
      await finishUnit(tx, claim, "org", { status: "ok", calls: counter.calls, throttled: counter.throttled, counts });
      return true;
    });
    if (!done) return;
  } catch (error) {
    const failure = error instanceof FailureError ? error.failure : classifyCallError(error, {});
    deps.log(`sync ${tenant.name}: organization unit failed: ${failure.message}`);
    await withTransaction(deps.pool, async (tx) => {
      if (!(await holdsClaim(tx, claim, deps.workerId))) return;
      await finishUnit(tx, claim, "org", {
        status: "failed",
        failure,
        calls: counter.calls,
        throttled: counter.throttled,
      });
      // Without the management session no unit can be read: every known unit goes stale with the reason.
      if (!planned) await failKnownUnits(tx, claim, failure);
    });
  }
  await finishRunIfDone(
    deps.pool,
    deps.boss,
    job.runId,
    (c, tenantId) => summarizeRun(c, job.runId, tenantId),
    deps.log,
  );
}

/**
 * The organization unit's last full pass, the per-account inputs its stored effective policies
 * were read at, and whether a person started this run. Keyed by the management account: another
 * organization starts afresh.
 */
async function lastOrganizationPass(db: Queryable, claim: Claim) {
  const res = await db.query(
    `select r.trigger, u.recovery_points_full_at, u.effective_policy_inputs
       from sync_runs r left join sync_units u
         on u.tenant_id = $1 and u.account_id = $2 and u.kind = 'org' and u.published_at is not null
      where r.id = $3`,
    [claim.tenantId, claim.accountId, claim.runId],
  );
  const r = res.rows[0];
  return {
    manual: r?.trigger === "manual",
    lastFullPass: (r?.recovery_points_full_at as Date | null | undefined) ?? null,
    inputs: (r?.effective_policy_inputs as Record<string, string> | null | undefined) ?? {},
  };
}

/** The effective policies the organization's last publish holds, by account. */
async function storedEffectivePolicies(db: Queryable, claim: Claim): Promise<Map<string, EffectiveBackupPolicy>> {
  const res = await db.query(
    `select account_id, content, last_updated from org_effective_policies where tenant_id = $1`,
    [claim.tenantId],
  );
  return new Map(
    res.rows.map((r) => [
      r.account_id as string,
      { accountId: r.account_id as string, content: r.content as string, lastUpdated: r.last_updated as Date | null },
    ]),
  );
}

/** One unit per (account, region); suspended or closed accounts are recorded as skipped. */
async function planUnits(deps: SyncDeps, claim: Claim, tenant: TenantForSync, tree: OrgTree): Promise<void> {
  await withTransaction(deps.pool, async (tx) => {
    if (!(await holdsClaim(tx, claim, deps.workerId))) throw new Error("lost the organization unit's claim");
    const rows: Array<[string, string, string, string]> = [];
    const jobs: UnitJob[] = [];
    const skipped: string[][] = [];
    for (const a of tree.accounts) {
      for (const region of tenant.regions) {
        const active = a.state === "ACTIVE";
        rows.push([a.accountId, region, a.name, active ? "pending" : "skipped"]);
        if (active) jobs.push({ runId: claim.runId, tenantId: tenant.tenantId, accountId: a.accountId, region });
        else skipped.push([a.accountId, region]);
      }
    }
    const s = accountSuspended();
    const inserted = await tx.query(
      `insert into sync_run_units (run_id, tenant_id, kind, account_id, region, account_name, status, error, error_kind, remedy, finished_at)
       select $1, $2, 'region', u.account_id, u.region, u.name, u.status,
              case when u.status = 'skipped' then $7 end, case when u.status = 'skipped' then $8 end, case when u.status = 'skipped' then $9 end,
              case when u.status = 'skipped' then $10::timestamptz end
         from unnest($3::text[], $4::text[], $5::text[], $6::text[]) as u(account_id, region, name, status)
       on conflict do nothing returning account_id, region`,
      [
        claim.runId,
        tenant.tenantId,
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
        rows.map((r) => r[2]),
        rows.map((r) => r[3]),
        s.message,
        s.kind,
        s.remedy,
        clock.now(),
      ],
    );
    // A re-run of this unit after a crash finds the units already planned and queued.
    const fresh = new Set(inserted.rows.map((r) => `${r.account_id as string}|${r.region as string}`));
    const toQueue = jobs.filter((j) => fresh.has(`${j.accountId}|${j.region}`));
    if (skipped.length) {
      await tx.query(
        `insert into sync_units (tenant_id, kind, account_id, region, status, error, error_kind, error_at, last_run_id, updated_at)
         select $1, 'region', u.a, u.r, 'skipped', $4, $5, $7, $6, $7 from unnest($2::text[], $3::text[]) as u(a, r)
         on conflict (tenant_id, account_id, region) do update set status = 'skipped', error = excluded.error, error_kind = excluded.error_kind, error_at = excluded.error_at, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
        [
          tenant.tenantId,
          skipped.map((x) => x[0]),
          skipped.map((x) => x[1]),
          s.message,
          s.kind,
          claim.runId,
          clock.now(),
        ],
      );
    }
    await tx.query(
      `update sync_runs set phase = 'inventory', units_total = (select count(*) from sync_run_units where run_id = $1) where id = $1`,
      [claim.runId],
    );
    if (toQueue.length) await deps.boss.insert(QUEUES.unit, unitJobs(toQueue), inTransaction(tx));
  });
}

/** The management session failed: every unit published before becomes stale with the same reason. */
async function failKnownUnits(tx: Queryable, claim: Claim, failure: Failure): Promise<void> {
  await tx.query(
    `insert into sync_run_units (run_id, tenant_id, kind, account_id, region, status, error, error_kind, remedy, finished_at)
     select $1, tenant_id, 'region', account_id, region, 'failed', $3, $4, $5, $6 from sync_units where tenant_id = $2 and kind = 'region'
     on conflict do nothing`,
    [claim.runId, claim.tenantId, failure.message, failure.kind, failure.remedy, clock.now()],
  );
  await tx.query(
    `update sync_units set status = 'failed', error = $2, error_kind = $3, error_at = $5, last_run_id = $4, updated_at = $5 where tenant_id = $1 and kind = 'region'`,
    [claim.tenantId, failure.message, failure.kind, claim.runId, clock.now()],
  );
  await tx.query(
    `update sync_runs set units_total = (select count(*) from sync_run_units where run_id = $1) where id = $1`,
    [claim.runId],
  );
}

/**
 * Accounts that left the organization and regions no longer configured: their current data goes
 * (job history stays: it is history). Only after a complete walk of the tree.
 *
 * The units that hold data are the tenant's rows in sync_units (a unit's data and that row are
 * published in one transaction), so the units to empty are found there and their rows deleted
 * through the (tenant, account, region) keys. Deleting "every row whose unit is not in this run"
 * would scan the whole of each table inside the organization's publish, while the region units
 * are writing, usually to delete nothing.
 */
async function removeVanishedUnits(tx: Queryable, claim: Claim): Promise<void> {
  const gone = await tx.query(
    `select s.account_id, s.region from sync_units s where s.tenant_id = $1 and s.kind = 'region'
       and not exists (select 1 from sync_run_units u where u.run_id = $2 and u.kind = 'region' and u.account_id = s.account_id and u.region = s.region)`,
    [claim.tenantId, claim.runId],
  );
  if (gone.rows.length > 0) {
    const accounts = gone.rows.map((r) => r.account_id as string);
    const regions = gone.rows.map((r) => r.region as string);
    for (const t of UNIT_TABLES) {
      await tx.query(
        `delete from ${t} x where x.tenant_id = $1 ${t === "sync_units" ? "and x.kind = 'region'" : ""}
           and (x.account_id, x.region) in (select * from unnest($2::text[], $3::text[]))`,
        [claim.tenantId, accounts, regions],
      );
    }
  }
  await tx.query(
    `delete from global_settings g where g.tenant_id = $1 and not exists (select 1 from sync_run_units u where u.run_id = $2 and u.account_id = g.account_id)`,
    [claim.tenantId, claim.runId],
  );
}
