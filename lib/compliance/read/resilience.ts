// Resilience scores as stored per UTC day (lib/compliance/store/resilience-store.ts), scored again
// by today's rule on read (so days stored before a weight changed read the same as new ones): the
// current score of every scope, each beside its value of last week, the daily trend of one scope,
// and the same for many tenants at once (the portfolio).
//
// "Since last week" compares the newest day with the newest day at least 7 days before it; a
// tenant evaluated daily compares today with the same weekday of last week.
import type { Db } from "@/db";
import type { ResilienceCountsJson, ResilienceScope } from "@/db/schema/compliance";
import { scoreResilience, type ResilienceScore } from "@/lib/compliance/resilience/score";
import { decodeResilienceCounts } from "@/lib/compliance/store/resilience-store";
import { poolOf } from "./panels";

/** The UTC day (YYYY-MM-DD) of an instant; null stays null ("up to now"). */
const dayOf = (at: Date | null | undefined) => (at ? at.toISOString().slice(0, 10) : null);

const scored = (counts: ResilienceCountsJson) => scoreResilience(decodeResilienceCounts(counts));

export interface ResilienceScopeScore {
  scope: ResilienceScope;
  /** "" for the tenant; the OU or account id. */
  id: string;
  now: ResilienceScore;
  /** Its value on the week-ago day; null when there is none (new scope, or no day that old). */
  weekAgo: ResilienceScore | null;
}

export interface ResilienceAsOf {
  /** The day shown and its evaluation; null when nothing is stored up to `until`. */
  day: string | null;
  evaluatedAt: Date | null;
  evaluationId: number | null;
  /** The newest day at least 7 days before `day`, compared against; null when none. */
  weekAgoDay: string | null;
  tenant: ResilienceScopeScore | null;
  ous: ResilienceScopeScore[];
  accounts: ResilienceScopeScore[];
}

/** Every scope's score on the newest day up to `until` (default: now), with last week's beside it. */
export async function getResilience(
  db: Db,
  p: {
    tenantId: string;
    until?: Date | null;
    /** No week-ago value before this (an audit grant's start). */
    notBefore?: Date | null;
  },
): Promise<ResilienceAsOf> {
  const pool = poolOf(db);
  const days = await pool.query(
    `with cur as (
       select day, evaluated_at, evaluation_id from resilience_score_days
        where tenant_id = $1 and scope = 'tenant' and scope_id = '' and ($2::date is null or day <= $2::date)
        order by day desc limit 1)
     select to_char(cur.day, 'YYYY-MM-DD') as day, cur.evaluated_at, cur.evaluation_id,
            (select to_char(max(d.day), 'YYYY-MM-DD') from resilience_score_days d
              where d.tenant_id = $1 and d.scope = 'tenant' and d.scope_id = '' and d.day <= cur.day - 7
                and ($3::date is null or d.day >= $3::date)) as week_ago
       from cur`,
    [p.tenantId, dayOf(p.until), dayOf(p.notBefore)],
  );
  const head = days.rows[0] as
    { day: string; evaluated_at: Date; evaluation_id: number; week_ago: string | null } | undefined;
  if (!head)
    return {
      day: null,
      evaluatedAt: null,
      evaluationId: null,
      weekAgoDay: null,
      tenant: null,
      ous: [],
      accounts: [],
    };
  const rows = await pool.query(
    `select scope, scope_id, to_char(day, 'YYYY-MM-DD') as day, counts from resilience_score_days
      where tenant_id = $1 and day = any($2::date[])`,
    [p.tenantId, [head.day, head.week_ago].filter(Boolean)],
  );
  const before = new Map<string, ResilienceScore>();
  for (const r of rows.rows) if (r.day !== head.day) before.set(`${r.scope}|${r.scope_id}`, scored(r.counts));
  const out: ResilienceAsOf = {
    day: head.day,
    evaluatedAt: head.evaluated_at,
    evaluationId: head.evaluation_id,
    weekAgoDay: head.week_ago,
    tenant: null,
    ous: [],
    accounts: [],
  };
  for (const r of rows.rows) {
    if (r.day !== head.day) continue;
    const s: ResilienceScopeScore = {
      scope: r.scope,
      id: r.scope_id,
      now: scored(r.counts),
      weekAgo: before.get(`${r.scope}|${r.scope_id}`) ?? null,
    };
    if (r.scope === "tenant") out.tenant = s;
    else if (r.scope === "ou") out.ous.push(s);
    else out.accounts.push(s);
  }
  return out;
}

export interface ResilienceTrendPoint {
  day: string;
  score: ResilienceScore;
}

/** One scope's daily scores from `from` to `to` (UTC days, both included). */
export async function getResilienceTrend(
  db: Db,
  p: { tenantId: string; scope?: ResilienceScope; id?: string; from?: Date | null; to?: Date | null },
): Promise<ResilienceTrendPoint[]> {
  const res = await poolOf(db).query(
    `select to_char(day, 'YYYY-MM-DD') as day, counts from resilience_score_days
      where tenant_id = $1 and scope = $2 and scope_id = $3
        and ($4::date is null or day >= $4::date) and ($5::date is null or day <= $5::date)
      order by day`,
    [p.tenantId, p.scope ?? "tenant", p.id ?? "", dayOf(p.from), dayOf(p.to)],
  );
  return res.rows.map((r) => ({ day: r.day as string, score: scored(r.counts) }));
}

export interface TenantResilience {
  tenantId: string;
  day: string | null;
  evaluatedAt: Date | null;
  now: ResilienceScore | null;
  weekAgoDay: string | null;
  weekAgo: ResilienceScore | null;
}

/**
 * The tenant score of each tenant, newest up to its own `until` (an audit grant's end, or null for
 * now), with last week's (not before `notBefore`, a grant's start): two index lookups per tenant.
 */
export async function getTenantsResilience(
  db: Db,
  tenants: ReadonlyArray<{ tenantId: string; until?: Date | null; notBefore?: Date | null }>,
): Promise<TenantResilience[]> {
  if (tenants.length === 0) return [];
  const res = await poolOf(db).query(
    `select t.tenant_id, to_char(cur.day, 'YYYY-MM-DD') as day, cur.evaluated_at, cur.counts,
            to_char(prev.day, 'YYYY-MM-DD') as week_ago_day, prev.counts as week_ago_counts
       from unnest($1::uuid[], $2::date[], $3::date[]) with ordinality as t(tenant_id, until, not_before, n)
       left join lateral (
         select day, evaluated_at, counts from resilience_score_days
          where tenant_id = t.tenant_id and scope = 'tenant' and scope_id = '' and (t.until is null or day <= t.until)
          order by day desc limit 1) cur on true
       left join lateral (
         select day, counts from resilience_score_days
          where tenant_id = t.tenant_id and scope = 'tenant' and scope_id = '' and day <= cur.day - 7
            and (t.not_before is null or day >= t.not_before)
          order by day desc limit 1) prev on true
      order by t.n`,
    [tenants.map((t) => t.tenantId), tenants.map((t) => dayOf(t.until)), tenants.map((t) => dayOf(t.notBefore))],
  );
  return res.rows.map((r) => ({
    tenantId: r.tenant_id,
    day: r.day,
    evaluatedAt: r.evaluated_at,
    now: r.counts ? scored(r.counts) : null,
    weekAgoDay: r.week_ago_day,
    weekAgo: r.week_ago_counts ? scored(r.week_ago_counts) : null,
  }));
}
