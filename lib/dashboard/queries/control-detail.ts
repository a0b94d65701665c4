import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db";
import { backupPlans, backupRules } from "@/db/schema";
import type { ControlId, ScoredStatus } from "@/lib/compliance/model/finding";
import { SCORED_STATUSES } from "@/lib/compliance/model/finding";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { groupByCause, type FindingGroup } from "../finding-groups";

// A control's findings within one framework, counted by status and (those not passing) grouped
// by cause. Grouping reads each finding's evidence, so it stops at a bound and says so.

const GROUPED_AT_MOST = 20_000;
const PAGE = 1000;
const NOT_PASSING: ScoredStatus[] = ["FAIL", "ERROR", "EXCEPTED", "NOT_APPLICABLE"];

export interface ControlDetail {
  counts: Record<ScoredStatus, number>;
  groups: FindingGroup<FindingRow>[];
  /** Findings grouped (all of them unless the bound was reached). */
  grouped: number;
  notPassing: number;
}

export async function getControlDetail(
  db: Db,
  p: { tenantId: string; framework: string; controlId: ControlId; asOf: Date | null },
): Promise<ControlDetail> {
  const base = { tenantId: p.tenantId, asOf: p.asOf, templateSlug: p.framework, controlId: p.controlId };
  const totals = await Promise.all(
    SCORED_STATUSES.map((status) => listFindings(db, { ...base, status, limit: 1 }).then((r) => r.total)),
  );
  const counts = Object.fromEntries(SCORED_STATUSES.map((s, i) => [s, totals[i]!])) as Record<ScoredStatus, number>;
  const rows: FindingRow[] = [];
  const notPassing = NOT_PASSING.reduce((n, s) => n + counts[s], 0);
  while (rows.length < Math.min(notPassing, GROUPED_AT_MOST)) {
    const page = await listFindings(db, {
      ...base,
      status: NOT_PASSING,
      evidence: true,
      limit: PAGE,
      offset: rows.length,
    });
    if (page.findings.length === 0) break;
    rows.push(...page.findings);
  }
  const groups = groupByCause(rows);
  // Recovery points name their plan and rule by id: show their names.
  const ids = (pick: (g: FindingGroup<FindingRow>) => string | null) =>
    [...new Set(groups.map(pick).filter((x): x is string => x !== null))].slice(0, 1000);
  const [planIds, ruleIds] = [ids((g) => g.cause.plan), ids((g) => g.cause.rule)];
  const [plans, rules] = await Promise.all([
    planIds.length
      ? db
          .select({ id: backupPlans.planId, name: backupPlans.planName })
          .from(backupPlans)
          .where(and(eq(backupPlans.tenantId, p.tenantId), inArray(backupPlans.planId, planIds)))
      : [],
    ruleIds.length
      ? db
          .selectDistinct({ id: backupRules.ruleId, name: backupRules.ruleName })
          .from(backupRules)
          .where(and(eq(backupRules.tenantId, p.tenantId), inArray(backupRules.ruleId, ruleIds)))
      : [],
  ]);
  const planName = new Map(plans.map((n) => [n.id, n.name]));
  const ruleName = new Map(rules.map((n) => [n.id, n.name]));
  for (const g of groups) {
    if (g.cause.plan) g.cause.plan = planName.get(g.cause.plan) ?? g.cause.plan;
    if (g.cause.rule) g.cause.rule = ruleName.get(g.cause.rule) ?? g.cause.rule;
  }
  return { counts, groups, grouped: rows.length, notPassing };
}
