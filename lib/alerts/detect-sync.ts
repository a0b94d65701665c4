import type { Db } from "@/db";
import { FAILED_JOB_STATES } from "@/db/job-issue";
import { poolOf } from "@/lib/compliance/read/panels";
import { clock } from "@/lib/clock";
import { resourceHref } from "@/lib/dashboard/links";
import { activeRules, recordAlertEvents, tenantSlug, type AlertCandidate } from "./events";
import { failureBaseline, isFailureSpike } from "./spike";

// Detection after a sync run ends (lib/sync/hooks.ts):
//
// sync_unit_failed_twice: a unit (kind, account, region) failed in this run and in the tenant's
// run before it that read the unit, and had not failed in the one before that: the moment it
// became "failed twice". A unit that keeps failing alerts once, not every sync; one that recovers
// and fails twice again alerts again (a new run id in the key).
//
// job_failure_spike: see spike.ts; one alert per resource per window (the window's index in the key).

export async function detectSyncAlerts(db: Db, p: { tenantId: string; runId: string; now?: Date }): Promise<number> {
  return (await detectUnitFailures(db, p)) + (await detectJobSpikes(db, { ...p, now: p.now ?? clock.now() }));
}

async function detectUnitFailures(db: Db, p: { tenantId: string; runId: string }): Promise<number> {
  const rules = await activeRules(db, p.tenantId, "sync_unit_failed_twice");
  if (rules.length === 0) return 0;
  const res = await poolOf(db).query(
    `with mine as (select created_at from sync_runs where id = $2 and tenant_id = $1),
          u as (select ru.run_id, ru.kind, ru.account_id, ru.region, ru.account_name, ru.status, ru.error,
                       row_number() over (partition by ru.kind, ru.account_id, ru.region order by r.created_at desc) as n
                  from sync_run_units ru join sync_runs r on r.id = ru.run_id, mine
                 where ru.tenant_id = $1 and r.created_at <= mine.created_at and ru.status in ('ok', 'failed'))
     select kind, account_id, region, max(account_name) as account_name, max(error) filter (where n = 1) as error
       from u where n <= 3
      group by kind, account_id, region
     having bool_or(n = 1 and status = 'failed' and run_id = $2) and bool_or(n = 2 and status = 'failed')
        and not bool_or(n = 3 and status = 'failed')`,
    [p.tenantId, p.runId],
  );
  const slug = await tenantSlug(db, p.tenantId);
  if (res.rows.length === 0 || !slug) return 0;
  const now = clock.now();
  const candidates: AlertCandidate[] = res.rows.map((r) => {
    const where = `${r.account_name ? `${r.account_name} (${r.account_id})` : r.account_id}${r.region ? `, ${r.region}` : ""}`;
    return {
      dedupKey: `${r.kind}|${r.account_id}|${r.region}|${p.runId}`,
      title: `Sync failed twice: ${where}`,
      summary:
        `The ${r.kind} read of ${where} failed in the last two syncs; the data shown is from its last good read. ${r.error ?? ""}`.trim(),
      path: `/t/${slug}/sync`,
      payload: { kind: r.kind, accountId: r.account_id, region: r.region, runId: p.runId, error: r.error },
      occurredAt: now,
    };
  });
  let created = 0;
  for (const rule of rules) created += await recordAlertEvents(db, rule.row, candidates);
  return created;
}

async function detectJobSpikes(db: Db, p: { tenantId: string; now: Date }): Promise<number> {
  const rules = await activeRules(db, p.tenantId, "job_failure_spike");
  if (rules.length === 0) return 0;
  const slug = await tenantSlug(db, p.tenantId);
  if (!slug) return 0;
  let created = 0;
  for (const rule of rules) {
    const params = rule.params;
    const windowMs = params.windowHours * 3_600_000;
    const from = new Date(p.now.getTime() - windowMs);
    const historyFrom = new Date(from.getTime() - params.historyDays * 86_400_000);
    // Only resources with at least minFailures recent failures can spike: the history is read for those.
    const res = await poolOf(db).query(
      `select resource_arn, max(account_id) as account_id,
              count(*) filter (where creation_date >= $3) as recent,
              count(*) filter (where creation_date < $3) as history
         from backup_jobs
        where tenant_id = $1 and creation_date >= $2 and creation_date <= $4 and state = any($5::text[])
        group by resource_arn
       having count(*) filter (where creation_date >= $3) >= $6`,
      [p.tenantId, historyFrom, from, p.now, [...FAILED_JOB_STATES], params.minFailures],
    );
    const windowIndex = Math.floor(p.now.getTime() / windowMs);
    const candidates: AlertCandidate[] = res.rows
      .filter((r) => isFailureSpike(Number(r.recent), Number(r.history), params))
      .map((r) => {
        const recent = Number(r.recent);
        const baseline = Math.round(failureBaseline(Number(r.history), params) * 100) / 100;
        return {
          dedupKey: `${r.resource_arn}|${params.windowHours}h|${windowIndex}`,
          title: `Backup failures spiking: ${r.resource_arn}`,
          summary: `${recent} failed backup jobs in the last ${params.windowHours} h, against ${baseline} per ${params.windowHours} h over the ${params.historyDays} days before.`,
          path: resourceHref(slug, r.resource_arn as string),
          payload: { resourceArn: r.resource_arn, accountId: r.account_id, recent, baseline, ...params },
          occurredAt: p.now,
        };
      });
    created += await recordAlertEvents(db, rule.row, candidates);
  }
  return created;
}
