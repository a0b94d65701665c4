// Scores and counts for the dashboard and reports, as of any past evaluation: per framework and
// requirement (tenant-wide rows), per account/OU/region (the evaluation's slices), per control
// (the evaluation's per-run counts), and daily trend series from the roll-up.
import "server-only";
import type { Db } from "@/db";
import type { ControlId } from "@/lib/compliance/model/finding";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { decodeSlices, type ScoreSlices } from "@/lib/compliance/store/score-store";
import { getEvaluationRuns, resolveEvaluation, type EvaluationRef } from "./evaluations";
import { poolOf } from "./panels";

export interface RequirementScoreView {
  id: string;
  title: string;
  description: string;
  controls: ControlId[];
  status: string;
  score: number | null;
  counts: StatusCounts;
}

export interface FrameworkScoreView {
  slug: string;
  name: string;
  version: string;
  revision: number;
  status: string;
  score: number | null;
  counts: StatusCounts;
  requirements: RequirementScoreView[];
}

export interface ScoresAsOf {
  evaluation: Pick<EvaluationRef, "id" | "evaluatedAt" | "snapshotAt" | "oldestDataAt" | "syncRunId"> | null;
  frameworks: FrameworkScoreView[];
}

const countsOf = (r: Record<string, number>): StatusCounts => ({
  PASS: r.pass!,
  FAIL: r.fail!,
  NOT_APPLICABLE: r.not_applicable!,
  ERROR: r.error!,
  EXCEPTED: r.excepted!,
});

/** Framework and requirement scores of the evaluation in force at `asOf` (default: the newest). */
export async function getScores(
  db: Db,
  p: { tenantId: string; asOf?: Date | null; evaluationId?: number | null },
): Promise<ScoresAsOf> {
  const evaluation = await resolveEvaluation(db, p);
  if (!evaluation) return { evaluation: null, frameworks: [] };
  const runs = await getEvaluationRuns(db, { tenantId: p.tenantId, evaluation });
  const controlOf = new Map(runs.runs.map((r) => [r.id, r.controlId]));
  const res = await poolOf(db).query(`select * from compliance_scores where evaluation_id = $1 and tenant_id = $2`, [
    evaluation.id,
    p.tenantId,
  ]);
  const frameworks = evaluation.templates.map((t): FrameworkScoreView => {
    const rows = res.rows.filter((r) => r.template_slug === t.slug);
    const total = rows.find((r) => r.requirement_id === "");
    const reqs = runs.requirements[t.slug] ?? [];
    return {
      slug: t.slug,
      name: t.name,
      version: t.version,
      revision: t.revision,
      status: total?.status ?? "NOT_APPLICABLE",
      score: total?.score ?? null,
      counts: total ? countsOf(total) : { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 },
      requirements: reqs.map((q) => {
        const row = rows.find((r) => r.requirement_id === q.id);
        return {
          id: q.id,
          title: q.title,
          description: q.description,
          controls: [...new Set(q.runIds.map((id) => controlOf.get(id)!).filter(Boolean))],
          status: row?.status ?? "NOT_APPLICABLE",
          score: row?.score ?? null,
          counts: row ? countsOf(row) : { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 },
        };
      }),
    };
  });
  const { id, evaluatedAt, snapshotAt, oldestDataAt, syncRunId } = evaluation;
  return { evaluation: { id, evaluatedAt, snapshotAt, oldestDataAt, syncRunId }, frameworks };
}

/** Scores per account, OU and region of one framework, as of `asOf`. */
export async function getScoreSlices(
  db: Db,
  p: { tenantId: string; templateSlug: string; asOf?: Date | null; evaluationId?: number | null },
): Promise<ScoreSlices | null> {
  const evaluation = await resolveEvaluation(db, p);
  if (!evaluation) return null;
  const res = await poolOf(db).query(
    `select slices from compliance_score_slices where evaluation_id = $1 and tenant_id = $2 and template_slug = $3`,
    [evaluation.id, p.tenantId, p.templateSlug],
  );
  return res.rows[0] ? decodeSlices(res.rows[0].slices as Buffer) : null;
}

/** Counts per control (all its runs) and per run, as of `asOf`. */
export async function getControlCounts(
  db: Db,
  p: { tenantId: string; asOf?: Date | null },
): Promise<{ evaluationId: number | null; controls: Record<string, StatusCounts & { runs: number[] }> }> {
  const evaluation = await resolveEvaluation(db, p);
  if (!evaluation) return { evaluationId: null, controls: {} };
  const runs = await getEvaluationRuns(db, { tenantId: p.tenantId, evaluation });
  const perRun = ((evaluation.stats?.runs ?? {}) as Record<string, StatusCounts>) ?? {};
  const controls: Record<string, StatusCounts & { runs: number[] }> = {};
  for (const r of runs.runs) {
    const c = (controls[r.controlId] ??= { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0, runs: [] });
    c.runs.push(r.id);
    const n = perRun[r.id];
    if (n) for (const k of ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR", "EXCEPTED"] as const) c[k] += n[k];
  }
  return { evaluationId: evaluation.id, controls };
}

export interface TrendPoint {
  day: string;
  score: number | null;
  status: string;
  counts: StatusCounts;
  evaluationId: number;
}

/** Daily series of a framework's score (requirementId "" or omitted) or of one requirement. */
export async function getScoreTrend(
  db: Db,
  p: { tenantId: string; templateSlug: string; requirementId?: string; from?: Date; to?: Date },
): Promise<TrendPoint[]> {
  const res = await poolOf(db).query(
    `select to_char(day, 'YYYY-MM-DD') as day, score, status, pass, fail, not_applicable, error, excepted, evaluation_id from compliance_score_days
      where tenant_id = $1 and template_slug = $2 and requirement_id = $3 and ($4::date is null or day >= $4::date) and ($5::date is null or day <= $5::date)
      order by day`,
    [p.tenantId, p.templateSlug, p.requirementId ?? "", p.from ?? null, p.to ?? null],
  );
  return res.rows.map((r) => ({
    day: r.day,
    score: r.score,
    status: r.status,
    counts: countsOf(r),
    evaluationId: r.evaluation_id,
  }));
}

export interface EvaluationSummary {
  id: number;
  status: string;
  trigger: string;
  evaluatedAt: Date;
  finishedAt: Date | null;
  snapshotAt: Date | null;
  syncRunId: string | null;
  templates: Array<{ slug: string; revision: number; version: string; name: string }>;
  findings: number | null;
  panelsWritten: number | null;
  error: string | null;
}

export async function listEvaluations(db: Db, p: { tenantId: string; limit?: number }): Promise<EvaluationSummary[]> {
  const res = await poolOf(db).query(
    `select id, status, trigger, evaluated_at, finished_at, snapshot_at, sync_run_id, templates, stats, error from compliance_evaluations where tenant_id = $1 order by id desc limit $2`,
    [p.tenantId, Math.min(p.limit ?? 20, 500)],
  );
  return res.rows.map((r) => {
    const panels = r.stats?.panels as { created: number; changed: number; vanished: number } | undefined;
    return {
      id: r.id,
      status: r.status,
      trigger: r.trigger,
      evaluatedAt: r.evaluated_at,
      finishedAt: r.finished_at,
      snapshotAt: r.snapshot_at,
      syncRunId: r.sync_run_id,
      templates: (r.templates ?? []).map((t: { slug: string; revision: number; version: string; name: string }) => ({
        slug: t.slug,
        revision: t.revision,
        version: t.version,
        name: t.name,
      })),
      findings: (r.stats?.findings as number | undefined) ?? null,
      panelsWritten: panels ? panels.created + panels.changed + panels.vanished : null,
      error: r.error,
    };
  });
}
