import "server-only";
import { cache } from "react";
import type { Db } from "@/db";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId } from "@/lib/compliance/model/finding";
import {
  getControlCounts,
  getScoreSlices,
  getScores,
  getScoreTrend,
  type FrameworkScoreView,
} from "@/lib/compliance/read/scores";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import { bySnapshot } from "../snapshot-cache";
import { getOrgTree } from "./accounts";
import { clock } from "@/lib/clock";

/** Share of applicable checks that pass (EXCEPTED and ERROR count as not passing). */
export function checksPassing(c: StatusCounts): number | null {
  const applicable = c.PASS + c.FAIL + c.ERROR + c.EXCEPTED;
  return applicable ? c.PASS / applicable : null;
}

export interface FrameworkSummary extends FrameworkScoreView {
  requirementsPassing: number;
  requirementsApplicable: number;
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
    const applicable = f.requirements.filter((r) => r.status !== "NOT_APPLICABLE");
    const t = templates.find((x) => x.slug === f.slug);
    return {
      ...f,
      requirementsPassing: applicable.filter((r) => r.status === "PASS").length,
      requirementsApplicable: applicable.length,
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

/** Daily framework scores (share of requirements passing, in %) for every framework, last `days` days. */
export async function getFrameworkTrends(
  db: Db,
  tenantId: string,
  slugs: string[],
  days = 90,
  to: Date | null = null,
): Promise<TrendRow[]> {
  const end = to ?? clock.now();
  const from = new Date(end.getTime() - (days - 1) * 86_400_000);
  const series = await Promise.all(
    slugs.map((slug) => getScoreTrend(db, { tenantId, templateSlug: slug, from, to: end })),
  );
  const rows = new Map<string, TrendRow>();
  series.forEach((points, i) => {
    for (const p of points) {
      const row = rows.get(p.day) ?? { day: p.day };
      row[slugs[i]!] = p.score === null ? null : Math.round(p.score * 1000) / 10;
      row[`${slugs[i]}:checks`] = (() => {
        const c = checksPassing(p.counts);
        return c === null ? null : Math.round(c * 1000) / 10;
      })();
      rows.set(p.day, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export interface ControlFailure {
  controlId: ControlId;
  title: string;
  counts: StatusCounts;
}

/** Controls with the most failing (and erroring) findings, as of `asOf`. */
export async function getTopFailingControls(
  db: Db,
  tenantId: string,
  asOf: Date | null,
  limit = 6,
): Promise<ControlFailure[]> {
  const { controls } = await getControlCounts(db, { tenantId, asOf });
  return Object.entries(controls)
    .map(([id, c]) => ({ controlId: id as ControlId, title: CONTROLS[id as ControlId]?.title ?? id, counts: c }))
    .filter((c) => c.counts.FAIL + c.counts.ERROR > 0)
    .sort((a, b) => b.counts.FAIL + b.counts.ERROR - (a.counts.FAIL + a.counts.ERROR))
    .slice(0, limit);
}

export interface AccountScore {
  accountId: string;
  name: string;
  score: number | null;
  requirementsPassing: number;
  requirementsApplicable: number;
}

/** Accounts by one framework's score (worst first), as of `asOf`. */
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
  const names = new Map(tree.accounts.map((a) => [a.accountId, a.name]));
  return Object.entries(slices.byAccount)
    .map(([accountId, s]) => ({
      accountId,
      name: names.get(accountId) ?? accountId,
      score: s.score,
      requirementsPassing: s.requirementsPassing,
      requirementsApplicable: s.requirementsApplicable,
    }))
    .sort((a, b) => (a.score ?? 2) - (b.score ?? 2) || a.name.localeCompare(b.name));
}

/** OU scores of one framework, keyed by OU id. */
export async function getOuScores(db: Db, tenantId: string, slug: string, asOf: Date | null) {
  const slices = await getScoreSlices(db, { tenantId, templateSlug: slug, asOf });
  return slices?.byOu ?? {};
}

export interface SliceScores {
  frameworks: Array<{ slug: string; name: string }>;
  /** Per account (or OU) id: each framework's score, in the frameworks' order. */
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
