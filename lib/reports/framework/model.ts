// What a framework report says: one framework template of one tenant over an audit period, read
// through the same functions as the compliance pages, so every figure equals the screen's for the
// same as-of. The model holds the summary (scores, counts, parameters, trend, exceptions); the
// failing checks, which can run to hundreds of thousands, are paged from the findings reader by
// the renderers (failingPages), never all held at once.
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { tenants } from "@/db/schema";
import { clock } from "@/lib/clock";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId, Evidence, ScoredStatus } from "@/lib/compliance/model/finding";
import { getEvaluationRuns, resolveEvaluation } from "@/lib/compliance/read/evaluations";
import { listExceptionsAt, type ExceptionView } from "@/lib/compliance/read/exceptions-at";
import { getFinding, iterateFindings, listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getScores, getScoreTrend } from "@/lib/compliance/read/scores";
import { emptyCounts, type StatusCounts } from "@/lib/compliance/scoring/score";
import { paramsLine } from "@/lib/compliance/templates/parameter-form";
import { listTemplates } from "@/lib/compliance/templates/template-store";
import { periodAsOf, periodLabel, type ReportPeriod } from "@/lib/reports/period";

/** The statuses a report lists as not passing, each finding with its own status. */
export const NOT_PASSING: ScoredStatus[] = ["FAIL", "ERROR", "EXCEPTED"];
/** Failing checks per control whose facts (evidence) the report shows. */
export const FACT_SAMPLE = 3;

export interface ReportControl {
  controlId: ControlId;
  title: string;
  /** Each distinct parameter set the control ran with for this requirement, as one line. */
  parameters: string[];
  /** The screen's counts of this control within the requirement. */
  counts: StatusCounts;
  /** FAIL + ERROR + EXCEPTED: the checks listed one by one. */
  notPassing: number;
  /**
   * The requirement that already lists these same checks (same runs), when an earlier one does:
   * they are listed once and referred to.
   */
  listedUnder: string | null;
}

export interface ReportRequirement {
  id: string;
  title: string;
  description: string;
  weight: number;
  status: string;
  score: number | null;
  counts: StatusCounts;
  controls: ReportControl[];
}

export interface FrameworkReport {
  tenant: { id: string; name: string; slug: string };
  framework: { slug: string; name: string; version: string; revision: number };
  period: ReportPeriod;
  periodLabel: string;
  /** The instant the report describes: the period's end, or the generation time while it runs. */
  asOf: Date;
  generatedAt: Date;
  generatedBy: string;
  evaluation: { id: number; evaluatedAt: Date; snapshotAt: Date | null };
  /** The headline, exactly as the compliance pages show it for this as-of. */
  score: number | null;
  status: string;
  requirementsPassing: number;
  requirementsApplicable: number;
  counts: StatusCounts;
  requirements: ReportRequirement[];
  /** The framework's daily headline over the period (the day's last evaluation). */
  trend: Array<{ day: string; score: number | null }>;
  /** Exceptions on the framework's controls in force at any time in the period, as they stood at asOf. */
  exceptions: ExceptionView[];
  /** Not-passing checks listed in the report (each once). */
  notPassingListed: number;
}

export class ReportInputError extends Error {
  override name = "ReportInputError";
}

export async function loadFrameworkReport(
  db: Db,
  p: { tenantId: string; templateSlug: string; period: ReportPeriod; generatedBy: string; now?: Date },
): Promise<FrameworkReport> {
  const now = p.now ?? clock.now();
  const label = periodLabel(p.period);
  if (p.period.from > now) throw new ReportInputError(`the period ${label} has not started yet`);
  const asOf = periodAsOf(p.period, now);
  const [tenant] = await db
    .select({ id: tenants.id, name: tenants.name, slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.id, p.tenantId));
  if (!tenant) throw new ReportInputError(`no organization with id ${p.tenantId}`);
  const known = (await listTemplates(db, { tenantId: p.tenantId })).some((t) => t.slug === p.templateSlug);
  if (!known) throw new ReportInputError(`"${p.templateSlug}" is not a framework template of ${tenant.name}`);
  const evaluation = await resolveEvaluation(db, { tenantId: p.tenantId, asOf });
  if (!evaluation)
    throw new ReportInputError(
      `${tenant.name} has no evaluation at or before ${asOf.toISOString()} (the end of ${label}): nothing to report for that period`,
    );
  // The screen's figures: the compliance pages read getScores for the same as-of.
  const scores = await getScores(db, { tenantId: p.tenantId, evaluationId: evaluation.id });
  const f = scores.frameworks.find((x) => x.slug === p.templateSlug);
  if (!f)
    throw new ReportInputError(
      `${tenant.name} was not evaluated against "${p.templateSlug}" as of ${asOf.toISOString()} (evaluation ${evaluation.id} covers ${evaluation.templates.map((t) => t.slug).join(", ") || "no framework"})`,
    );

  const runs = await getEvaluationRuns(db, { tenantId: p.tenantId, evaluation });
  const runById = new Map(runs.runs.map((r) => [r.id, r]));
  const runIdsOf = new Map((runs.requirements[p.templateSlug] ?? []).map((q) => [q.id, q.runIds]));
  const listed = new Map<string, string>();
  let notPassingListed = 0;
  const requirements = f.requirements.map((q): ReportRequirement => {
    const ids = runIdsOf.get(q.id) ?? [];
    const controls = q.controls.map((controlId): ReportControl => {
      const own = [...new Set(ids)].filter((id) => runById.get(id)?.controlId === controlId).sort((a, b) => a - b);
      const counts = q.controlCounts[controlId] ?? emptyCounts();
      const notPassing = counts.FAIL + counts.ERROR + counts.EXCEPTED;
      const key = `${controlId}|${own.join(",")}`;
      const listedUnder = listed.get(key) ?? null;
      if (!listedUnder) {
        listed.set(key, q.id);
        notPassingListed += notPassing;
      }
      const parse = (raw: unknown) => CONTROLS[controlId].params.safeParse(raw);
      return {
        controlId,
        title: CONTROLS[controlId].title,
        parameters: [
          ...new Set(own.map((id) => paramsLine(controlId, runById.get(id)!.params as Record<string, unknown>, parse))),
        ],
        counts,
        notPassing,
        listedUnder,
      };
    });
    return {
      id: q.id,
      title: q.title,
      description: q.description,
      weight: q.weight,
      status: q.status,
      score: q.score,
      counts: q.counts,
      controls,
    };
  });

  const trend = await getScoreTrend(db, {
    tenantId: p.tenantId,
    templateSlug: p.templateSlug,
    from: p.period.from,
    to: asOf,
    weights: Object.fromEntries(f.requirements.map((r) => [r.id, r.weight])),
  });
  const controlIds = new Set<string>(f.requirements.flatMap((r) => r.controls));
  const exceptions = (await listExceptionsAt(db, { tenantId: p.tenantId, at: asOf }))
    .filter(
      (x) =>
        controlIds.has(x.controlId) &&
        x.expiresAt > p.period.from &&
        (x.revokedAt === null || x.revokedAt > p.period.from),
    )
    .sort((a, b) => a.controlId.localeCompare(b.controlId) || a.subjectId.localeCompare(b.subjectId));

  return {
    tenant,
    framework: { slug: f.slug, name: f.name, version: f.version, revision: f.revision },
    period: p.period,
    periodLabel: label,
    asOf,
    generatedAt: now,
    generatedBy: p.generatedBy,
    evaluation: { id: evaluation.id, evaluatedAt: evaluation.evaluatedAt, snapshotAt: evaluation.snapshotAt },
    score: f.score,
    status: f.status,
    requirementsPassing: f.requirementsPassing,
    requirementsApplicable: f.requirementsApplicable,
    counts: f.counts,
    requirements,
    trend: trend.map((t) => ({ day: t.day, score: t.score })),
    exceptions,
    notPassingListed,
  };
}

/** The headline score as the report shows it: the compliance pages' score for the same as-of. */
export function frameworkReportScore(report: FrameworkReport): number | null {
  return report.score;
}

/**
 * The not-passing checks of one control within one requirement, a panel of the findings reader
 * at a time, from the report's evaluation with the exceptions in force at its as-of: the same
 * rows, in the same order, as listFindings pages through.
 */
export function failingPages(
  db: Db,
  report: FrameworkReport,
  requirementId: string,
  controlId: ControlId,
): AsyncGenerator<FindingRow[]> {
  return iterateFindings(db, {
    tenantId: report.tenant.id,
    evaluationId: report.evaluation.id,
    asOf: report.asOf,
    templateSlug: report.framework.slug,
    requirementId,
    controlId,
    status: NOT_PASSING,
  });
}

export interface FindingFacts {
  finding: FindingRow;
  evidence: readonly Evidence[];
}

/** The facts (evidence) behind the first FACT_SAMPLE not-passing checks of a control in a requirement. */
export async function sampleFacts(
  db: Db,
  report: FrameworkReport,
  requirementId: string,
  controlId: ControlId,
): Promise<FindingFacts[]> {
  const first = await listFindings(db, {
    tenantId: report.tenant.id,
    evaluationId: report.evaluation.id,
    asOf: report.asOf,
    templateSlug: report.framework.slug,
    requirementId,
    controlId,
    status: NOT_PASSING,
    limit: FACT_SAMPLE,
  });
  const out: FindingFacts[] = [];
  for (const row of first.findings) {
    const detail = await getFinding(db, {
      tenantId: report.tenant.id,
      evaluationId: report.evaluation.id,
      asOf: report.asOf,
      controlId,
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      accountId: row.accountId,
      region: row.region,
    });
    const own = detail.findings.find((d) => d.runId === row.runId) ?? detail.findings[0];
    out.push({ finding: row, evidence: own?.evidence ?? [] });
  }
  return out;
}
