import "server-only";
import { cache } from "react";
import type { Db } from "@/db";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId, ScoredStatus, SubjectType } from "@/lib/compliance/model/finding";
import { poolOf } from "@/lib/compliance/read/panels";
import {
  getControlCounts,
  getScoreSlices,
  getScores,
  getScoreTrend,
  type FrameworkScoreView,
} from "@/lib/compliance/read/scores";
import { listFindings } from "@/lib/compliance/read/findings";
import { checksPassing, type StatusCounts } from "@/lib/compliance/scoring/score";
import { shownScorePercent } from "@/lib/compliance/scoring/score-text";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import { bySnapshot } from "../snapshot-cache";
import { getOrgTree } from "./accounts";
import { clock } from "@/lib/clock";

export interface FrameworkSummary extends FrameworkScoreView {
  /** Share of all its applicable checks that pass, unweighted. */
  checks: number | null;
  /** Control parameters of the template (as currently configured), shown beside the scores. */
  parameters: Record<string, Record<string, unknown>>;
}

/** Cached per request (several widgets of a page read it) and per tenant snapshot. */
export const getComplianceSummary = cache((db: Db, tenantId: string, asOf: Date | null) =>
  bySnapshot(db, tenantId, "compliance.summary", { asOf: asOf?.toISOString() ?? null }, () =>
    computeComplianceSummary(db, tenantId, asOf),
  ),
);

async function computeComplianceSummary(db: Db, tenantId: string, asOf: Date | null) {
  const [scores, templates] = await Promise.all([
    getScores(db, { tenantId, asOf }),
    listEvaluationTemplates(db, { tenantId }),
  ]);
  const frameworks: FrameworkSummary[] = scores.frameworks.map((f) => {
    const t = templates.find((x) => x.slug === f.slug);
    return {
      ...f,
      checks: checksPassing(f.counts),
      parameters: (t?.template.parameters ?? {}) as Record<string, Record<string, unknown>>,
    };
  });
  return { evaluation: scores.evaluation, frameworks };
}

export interface TrendRow {
  day: string;
  [slug: string]: string | number | null;
}

/**
 * Daily headline score (in %, as shown) of every framework, last `days` days: the day's last evaluation,
 * scored with the weights the framework's template gives its requirements now.
 */
export async function getFrameworkTrends(
  db: Db,
  tenantId: string,
  frameworks: ReadonlyArray<Pick<FrameworkScoreView, "slug" | "requirements">>,
  days = 90,
  to: Date | null = null,
  /** The earliest instant the viewer may see (an audit grant's start). */
  notBefore: Date | null = null,
): Promise<TrendRow[]> {
  const end = to ?? clock.now();
  const back = new Date(end.getTime() - (days - 1) * 86_400_000);
  const from = notBefore && notBefore > back ? notBefore : back;
  const series = await Promise.all(
    frameworks.map((f) =>
      getScoreTrend(db, {
        tenantId,
        templateSlug: f.slug,
        from,
        to: end,
        weights: Object.fromEntries(f.requirements.map((r) => [r.id, r.weight])),
      }),
    ),
  );
  const rows = new Map<string, TrendRow>();
  series.forEach((points, i) => {
    for (const p of points) {
      const row = rows.get(p.day) ?? { day: p.day };
      row[frameworks[i]!.slug] = shownScorePercent(p.score);
      rows.set(p.day, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const NOT_PASSING: ScoredStatus[] = ["FAIL", "ERROR", "EXCEPTED"];
/** Recovery points whose resources are counted for one control; more are counted as "at least". */
const POINTS_READ = 20_000;

export interface ControlFailure {
  controlId: ControlId;
  title: string;
  counts: StatusCounts;
  /** Failing (and erroring) checks, and their share of the applicable ones. */
  failing: number;
  applicable: number;
  share: number;
  /** What one check is about, e.g. "recovery point". */
  subject: string;
  /** Distinct resources with a failing check (through their recovery points); null when the control judges no resource. */
  resources: { count: number; exact: boolean } | null;
}

const SUBJECT_WORDS: Record<SubjectType, string> = {
  resource: "resource",
  plan: "plan",
  "plan-rule": "plan rule",
  vault: "vault",
  "recovery-point": "recovery point",
  "account-region": "account-region",
  "account-resource-type": "resource type per account",
};

/** Resources a control fails: its failing resource findings, or the resources of its failing recovery points. */
async function resourcesAffected(
  db: Db,
  tenantId: string,
  asOf: Date | null,
  controlId: ControlId,
): Promise<ControlFailure["resources"]> {
  const types = CONTROLS[controlId].subjectTypes;
  if (types.includes("resource")) {
    const r = await listFindings(db, {
      tenantId,
      asOf,
      controlId,
      subjectType: "resource",
      status: NOT_PASSING,
      limit: 1,
    });
    return { count: r.total, exact: true };
  }
  if (!types.includes("recovery-point")) return null;
  const points = await listFindings(db, {
    tenantId,
    asOf,
    controlId,
    subjectType: "recovery-point",
    status: NOT_PASSING,
    limit: POINTS_READ,
  });
  if (points.total === 0) return { count: 0, exact: true };
  const res = await poolOf(db).query(
    `select count(distinct resource_arn)::int as n from recovery_points where tenant_id = $1 and recovery_point_arn = any($2::text[])`,
    [tenantId, points.findings.map((f) => f.subjectId)],
  );
  return { count: res.rows[0]?.n ?? 0, exact: points.total <= POINTS_READ };
}

/**
 * Controls failing most, as of `asOf`: by the share of their checks that fail, then by resources
 * affected. A raw count would put a control judging every recovery point (941 failing of 20,000)
 * above one failing 54 of 58 resources.
 */
export async function getTopFailingControls(
  db: Db,
  tenantId: string,
  asOf: Date | null,
  limit = 6,
): Promise<ControlFailure[]> {
  const { controls } = await getControlCounts(db, { tenantId, asOf });
  const failing = Object.entries(controls)
    .map(([id, c]) => {
      const controlId = id as ControlId;
      const applicable = c.PASS + c.FAIL + c.ERROR + c.EXCEPTED;
      const types = CONTROLS[controlId]?.subjectTypes ?? [];
      return {
        controlId,
        title: CONTROLS[controlId]?.title ?? id,
        counts: { PASS: c.PASS, FAIL: c.FAIL, NOT_APPLICABLE: c.NOT_APPLICABLE, ERROR: c.ERROR, EXCEPTED: c.EXCEPTED },
        failing: c.FAIL + c.ERROR,
        applicable,
        share: applicable ? (c.FAIL + c.ERROR) / applicable : 0,
        subject: types.length === 1 ? SUBJECT_WORDS[types[0]!] : "check",
      };
    })
    .filter((c) => c.failing > 0);
  const withResources: ControlFailure[] = await Promise.all(
    failing.map(async (c) => ({ ...c, resources: await resourcesAffected(db, tenantId, asOf, c.controlId) })),
  );
  return rankFailingControls(withResources).slice(0, limit);
}

/** Highest share failing first; then more resources affected; then more failing checks. */
export function rankFailingControls<T extends Pick<ControlFailure, "share" | "resources" | "failing" | "controlId">>(
  controls: T[],
): T[] {
  return [...controls].sort(
    (a, b) =>
      b.share - a.share ||
      (b.resources?.count ?? 0) - (a.resources?.count ?? 0) ||
      b.failing - a.failing ||
      a.controlId.localeCompare(b.controlId),
  );
}

export interface AccountScore {
  accountId: string;
  name: string;
  /** Headline score in the account; null when nothing applies or there is no data. */
  score: number | null;
  requirementsPassing: number;
  requirementsApplicable: number;
  /** The sync has no data for the account: it reads "no data", never a score. */
  noData: boolean;
  /** An operator acknowledged that it is not read. */
  acknowledged: boolean;
}

/**
 * Accounts by one framework's headline score, worst first, as of `asOf`. Accounts with no data
 * lead (nothing about them is known), unless acknowledged, which go last.
 */
export async function getAccountScores(
  db: Db,
  tenantId: string,
  slug: string,
  asOf: Date | null,
): Promise<AccountScore[]> {
  const [slices, tree] = await Promise.all([
    getScoreSlices(db, { tenantId, templateSlug: slug, asOf }),
    getOrgTree(db, tenantId),
  ]);
  if (!slices) return [];
  return rankAccountScores(
    tree.accounts.map((a) => {
      const s = a.unread ? undefined : slices.byAccount[a.accountId];
      return {
        accountId: a.accountId,
        name: a.name,
        score: s?.score ?? null,
        requirementsPassing: s?.requirementsPassing ?? 0,
        requirementsApplicable: s?.requirementsApplicable ?? 0,
        noData: a.unread,
        acknowledged: a.ack !== null,
      };
    }),
  );
}

/** No data (unacknowledged) first, then lowest score, then nothing applicable, then acknowledged. */
export function rankAccountScores<T extends Pick<AccountScore, "score" | "noData" | "acknowledged" | "name">>(
  accounts: T[],
): T[] {
  const rank = (a: T) => (a.noData ? (a.acknowledged ? 3 : 0) : a.score === null ? 2 : 1);
  return [...accounts].sort(
    (a, b) => rank(a) - rank(b) || (a.score ?? 0) - (b.score ?? 0) || a.name.localeCompare(b.name),
  );
}

/** OU scores of one framework, keyed by OU id. */
export async function getOuScores(db: Db, tenantId: string, slug: string, asOf: Date | null) {
  const slices = await getScoreSlices(db, { tenantId, templateSlug: slug, asOf });
  return slices?.byOu ?? {};
}

export interface SliceScores {
  frameworks: Array<{ slug: string; name: string }>;
  /** Per account (or OU) id: each framework's headline score, in the frameworks' order. */
  byAccount: Record<string, Array<number | null>>;
  byOu: Record<string, Array<number | null>>;
}

/** Every framework's score per account and per OU, as of `asOf` (for the accounts tree). */
export function getSliceScores(db: Db, tenantId: string, asOf: Date | null): Promise<SliceScores> {
  return bySnapshot(db, tenantId, "compliance.slice-scores", { asOf: asOf?.toISOString() ?? null }, async () => {
    const summary = await getComplianceSummary(db, tenantId, asOf);
    const frameworks = summary.frameworks.map((f) => ({ slug: f.slug, name: f.name }));
    const slices = await Promise.all(
      frameworks.map((f) => getScoreSlices(db, { tenantId, templateSlug: f.slug, asOf })),
    );
    const byAccount: SliceScores["byAccount"] = {};
    const byOu: SliceScores["byOu"] = {};
    slices.forEach((s, i) => {
      for (const [id, v] of Object.entries(s?.byAccount ?? {}))
        (byAccount[id] ??= frameworks.map(() => null))[i] = v.score;
      for (const [id, v] of Object.entries(s?.byOu ?? {})) (byOu[id] ??= frameworks.map(() => null))[i] = v.score;
    });
    return { frameworks, byAccount, byOu };
  });
}
