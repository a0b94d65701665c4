import "server-only";
import type { Db } from "@/db";
import type { ResilienceScope } from "@/db/schema/compliance";
import { listAccessibleTenants, type SessionUser } from "@/lib/auth/access";
import { seesCurrentState } from "@/lib/auth/audit-grant";
import { getResilience, getResilienceTrend, getTenantsResilience } from "@/lib/compliance/read/resilience";
import { periodAsOf } from "@/lib/reports/period";
import {
  componentMovedMost,
  type ResilienceComponentId,
  type ResilienceScore,
} from "@/lib/compliance/resilience/score";
import { scoreChange, shownScorePercent } from "@/lib/compliance/scoring/score-text";
import { bySnapshot } from "../snapshot-cache";
import { getOrgTree } from "./accounts";
import { rankAccountScores } from "./compliance";

export interface ResilienceRow {
  scope: Exclude<ResilienceScope, "tenant">;
  id: string;
  name: string;
  /** null: no finding of the score's controls (nothing to check), or never read (noData). */
  score: number | null;
  /** The score with its components; null when never read. */
  now: ResilienceScore | null;
  weekAgo: ResilienceScore | null;
  /** Points as shown since last week; null when there is no value of last week. */
  change: number | null;
  /** The sync has no data for the account (every account of the OU, for an OU). */
  noData: boolean;
  /** An operator acknowledged that the account is not read. */
  acknowledged: boolean;
}

export interface TenantResilienceView {
  day: string | null;
  evaluatedAt: Date | null;
  weekAgoDay: string | null;
  tenant: { now: ResilienceScore; weekAgo: ResilienceScore | null; change: number | null } | null;
  /** Worst first (accounts not read before them, as on every account ranking). */
  ous: ResilienceRow[];
  accounts: ResilienceRow[];
}

/**
 * The tenant's score as of `until` (default now), every OU and account ranked, with names; last
 * week's values never before `notBefore` (an audit grant's start).
 */
export function getTenantResilienceView(
  db: Db,
  tenantId: string,
  until: Date | null,
  notBefore: Date | null = null,
): Promise<TenantResilienceView> {
  const args = { until: until?.toISOString() ?? null, notBefore: notBefore?.toISOString() ?? null };
  return bySnapshot(db, tenantId, "resilience.view", args, async () => {
    const [r, tree] = await Promise.all([getResilience(db, { tenantId, until, notBefore }), getOrgTree(db, tenantId)]);
    const ous = new Map(r.ous.map((s) => [s.id, s]));
    const accounts = new Map(r.accounts.map((s) => [s.id, s]));
    const row = (
      scope: ResilienceRow["scope"],
      id: string,
      name: string,
      s: (typeof r.ous)[number] | undefined,
      noData: boolean,
      acknowledged: boolean,
    ): ResilienceRow => ({
      scope,
      id,
      name,
      score: noData ? null : (s?.now.score ?? null),
      now: noData ? null : (s?.now ?? null),
      weekAgo: noData ? null : (s?.weekAgo ?? null),
      change: noData || !s?.weekAgo ? null : scoreChange(s.now.score, s.weekAgo.score),
      noData,
      acknowledged,
    });
    return {
      day: r.day,
      evaluatedAt: r.evaluatedAt,
      weekAgoDay: r.weekAgoDay,
      tenant: r.tenant && {
        now: r.tenant.now,
        weekAgo: r.tenant.weekAgo,
        change: r.tenant.weekAgo ? scoreChange(r.tenant.now.score, r.tenant.weekAgo.score) : null,
      },
      ous: rankAccountScores(
        tree.ous
          .filter((o) => o.parentId !== null)
          .map((o) => {
            const under = tree.accounts.filter((a) => a.ouPath.includes(o.ouId));
            const unread = under.length > 0 && under.every((a) => a.unread);
            return row("ou", o.ouId, o.name, ous.get(o.ouId), unread, unread && under.every((a) => a.ack !== null));
          }),
      ),
      accounts: rankAccountScores(
        tree.accounts.map((a) =>
          row("account", a.accountId, a.name, accounts.get(a.accountId), a.unread, a.ack !== null),
        ),
      ),
    };
  });
}

export interface ResilienceTrendRow {
  day: string;
  [series: string]: string | number | null;
}

/**
 * One scope's daily score (and each component's), in % as shown, the last `days` days up to `to`,
 * never before `notBefore` (an audit grant's start).
 */
export async function getResilienceTrendRows(
  db: Db,
  tenantId: string,
  p: { scope?: ResilienceScope; id?: string; to: Date | null; notBefore: Date | null; days?: number; now: Date },
): Promise<ResilienceTrendRow[]> {
  const end = p.to ?? p.now;
  const back = new Date(end.getTime() - ((p.days ?? 90) - 1) * 86_400_000);
  const from = p.notBefore && p.notBefore > back ? p.notBefore : back;
  const points = await getResilienceTrend(db, { tenantId, scope: p.scope, id: p.id, from, to: end });
  return points.map((pt) => ({
    day: pt.day,
    score: shownScorePercent(pt.score.score),
    ...Object.fromEntries(pt.score.components.map((c) => [c.id, shownScorePercent(c.score)])),
  }));
}

export interface PortfolioRow {
  tenantId: string;
  slug: string;
  name: string;
  day: string | null;
  evaluatedAt: Date | null;
  score: number | null;
  components: ResilienceScore["components"] | null;
  weekAgoDay: string | null;
  change: number | null;
  movedMost: { id: ResilienceComponentId; label: string; change: number } | null;
  /** Held to an audit period that has ended: the figures are as of its end. */
  pinnedTo: Date | null;
}

export const PORTFOLIO_SORTS = ["score", "change", "name"] as const;
export type PortfolioSort = (typeof PORTFOLIO_SORTS)[number];

/**
 * Every tenant given, with its score, the change since last week and the component that moved
 * most. `score`: lowest first; `change`: the largest fall first; tenants with no score last.
 */
export async function getPortfolio(
  db: Db,
  tenants: ReadonlyArray<{ tenantId: string; slug: string; name: string; until: Date | null; notBefore: Date | null }>,
  sort: PortfolioSort = "score",
): Promise<PortfolioRow[]> {
  const scores = await getTenantsResilience(db, tenants);
  const rows = tenants.map((t, i): PortfolioRow => {
    const s = scores[i]!;
    return {
      tenantId: t.tenantId,
      slug: t.slug,
      name: t.name,
      day: s.day,
      evaluatedAt: s.evaluatedAt,
      score: s.now?.score ?? null,
      components: s.now?.components ?? null,
      weekAgoDay: s.weekAgoDay,
      change: s.now && s.weekAgo ? scoreChange(s.now.score, s.weekAgo.score) : null,
      movedMost: s.now && s.weekAgo ? componentMovedMost(s.now, s.weekAgo) : null,
      pinnedTo: t.until,
    };
  });
  return rankPortfolio(rows, sort);
}

/**
 * The portfolio of a signed-in user: every tenant they may read, and no other. An auditor held to
 * an audit period that has ended sees each figure as of its end; under any grant, no week-ago
 * value from before the period's start.
 */
export async function getPortfolioOf(
  db: Db,
  user: Pick<SessionUser, "userId" | "role">,
  sort: PortfolioSort,
  now: Date,
): Promise<PortfolioRow[]> {
  const tenants = (await listAccessibleTenants(db, user))
    .filter((t) => t.capabilities.includes("tenant:read"))
    .map((t) => ({
      tenantId: t.tenantId,
      slug: t.slug,
      name: t.name,
      until: t.period && !seesCurrentState(t, now) ? periodAsOf(t.period, now) : null,
      notBefore: t.period?.from ?? null,
    }));
  return getPortfolio(db, tenants, sort);
}

export function rankPortfolio<T extends Pick<PortfolioRow, "score" | "change" | "name">>(
  rows: T[],
  sort: PortfolioSort,
): T[] {
  const last = (v: number | null) => (v === null ? 1 : 0);
  return [...rows].sort((a, b) => {
    if (sort === "name") return a.name.localeCompare(b.name);
    const by =
      sort === "change"
        ? last(a.change) - last(b.change) || (a.change ?? 0) - (b.change ?? 0)
        : last(a.score) - last(b.score) || (a.score ?? 0) - (b.score ?? 0);
    return by || a.name.localeCompare(b.name);
  });
}
