// Scores and counts for the dashboard and reports, as of any past evaluation: per framework and
// requirement (tenant-wide rows), per account/OU/region (the evaluation's slices), per control
// (the evaluation's per-run counts), and daily trend series from the roll-up.
import type { Db } from "@/db";
import type { ControlId } from "@/lib/compliance/model/finding";
import {
  emptyCounts,
  rescoreSlice,
  scoreRequirement,
  scoreSlice,
  type StatusCounts,
} from "@/lib/compliance/scoring/score";
import { decodeSlices, type ScoreSlices } from "@/lib/compliance/store/score-store";
import { getEvaluationRuns, resolveEvaluation, type EvaluationRef } from "./evaluations";
import { poolOf } from "./panels";

export interface RequirementScoreView {
  id: string;
  title: string;
  description: string;
  weight: number;
  controls: ControlId[];
  /** Checks of each of its controls (the runs this requirement reads), by status. */
  controlCounts: Partial<Record<ControlId, StatusCounts>>;
  status: string;
  /** Share of its applicable checks that pass. */
  score: number | null;
  counts: StatusCounts;
}

export interface FrameworkScoreView {
  slug: string;
  name: string;
  version: string;
  revision: number;
  /** PASS only when every applicable requirement is fully met. */
  status: string;
  /** Headline: the requirements' scores, weighted as the template says. */
  score: number | null;
  /** Strict: requirements fully met, of those applicable. */
  requirementsPassing: number;
  requirementsApplicable: number;
  counts: StatusCounts;
  requirements: RequirementScoreView[];
}

export interface ScoresAsOf {
  evaluation: Pick<EvaluationRef, "id" | "evaluatedAt" | "snapshotAt" | "oldestDataAt" | "syncRunId"> | null;
  frameworks: FrameworkScoreView[];
}

const STATUSES = ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR", "EXCEPTED"] as const;

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
  const perRun = (evaluation.stats?.runs ?? {}) as Record<string, StatusCounts>;
  const frameworks = evaluation.templates.map((t): FrameworkScoreView => {
    const rows = res.rows.filter((r) => r.template_slug === t.slug);
    const total = rows.find((r) => r.requirement_id === "");
    const requirements = (runs.requirements[t.slug] ?? []).map((q): RequirementScoreView => {
      const row = rows.find((r) => r.requirement_id === q.id);
      const controlCounts: Partial<Record<ControlId, StatusCounts>> = {};
      for (const id of new Set(q.runIds)) {
        const control = controlOf.get(id);
        if (!control) continue;
        const c = (controlCounts[control] ??= emptyCounts());
        const n = perRun[id];
        if (n) for (const k of STATUSES) c[k] += n[k];
      }
      const scored = scoreRequirement(q.id, q.title, row ? countsOf(row) : emptyCounts(), q.weight);
      return {
        id: q.id,
        title: q.title,
        description: q.description,
        weight: q.weight,
        controls: Object.keys(controlCounts) as ControlId[],
        controlCounts,
        status: scored.status,
        score: scored.score,
        counts: scored.counts,
      };
    });
    // Scored from the requirement rows by today's rules, so an evaluation stored before a rule
    // changed reads the same as a new one.
    const slice = scoreSlice(requirements.map((r) => scoreRequirement(r.id, r.title, r.counts, r.weight)));
    return {
      slug: t.slug,
      name: t.name,
      version: t.version,
      revision: t.revision,
      status:
        slice.score === null
          ? "NOT_APPLICABLE"
          : slice.requirementsPassing === slice.requirementsApplicable
            ? "PASS"
            : "FAIL",
      score: slice.score,
      requirementsPassing: slice.requirementsPassing,
      requirementsApplicable: slice.requirementsApplicable,
      counts: total ? countsOf(total) : emptyCounts(),
      requirements,
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
  if (!res.rows[0]) return null;
  const runs = await getEvaluationRuns(db, { tenantId: p.tenantId, evaluation });
  const weights = new Map((runs.requirements[p.templateSlug] ?? []).map((r) => [r.id, r.weight]));
  const weightOf = (id: string) => weights.get(id) ?? 1;
  const stored = decodeSlices(res.rows[0].slices as Buffer);
  const rescore = (m: ScoreSlices["byAccount"]) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, rescoreSlice(v, weightOf)]));
  return { byAccount: rescore(stored.byAccount), byOu: rescore(stored.byOu), byRegion: rescore(stored.byRegion) };
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
    if (n) for (const k of STATUSES) c[k] += n[k];
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

/**
 * Daily series of one requirement's score, or of a framework's (requirementId "" or omitted): its
 * headline scored from the day's requirement rows, with `weights` per requirement (default 1).
 */
export async function getScoreTrend(
  db: Db,
  p: {
    tenantId: string;
    templateSlug: string;
    requirementId?: string;
    from?: Date;
    to?: Date;
    weights?: Record<string, number>;
  },
): Promise<TrendPoint[]> {
  const framework = !p.requirementId;
  const res = await poolOf(db).query(
    `select to_char(day, 'YYYY-MM-DD') as day, requirement_id, score, status, pass, fail, not_applicable, error, excepted, evaluation_id from compliance_score_days
      where tenant_id = $1 and template_slug = $2 and ($3::text is null or requirement_id = $3) and ($4::date is null or day >= $4::date) and ($5::date is null or day <= $5::date)
      order by day, requirement_id`,
    [p.tenantId, p.templateSlug, framework ? null : p.requirementId, p.from ?? null, p.to ?? null],
  );
  const byDay = new Map<string, typeof res.rows>();
  for (const r of res.rows) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  const points: TrendPoint[] = [];
  for (const [day, rows] of byDay) {
    const own = rows.find((r) => r.requirement_id === (framework ? "" : p.requirementId));
    if (!own) continue;
    const score = framework
      ? scoreSlice(
          rows
            .filter((r) => r.requirement_id !== "")
            .map((r) => scoreRequirement(r.requirement_id, "", countsOf(r), p.weights?.[r.requirement_id] ?? 1)),
        ).score
      : own.score;
    points.push({ day, score, status: own.status, counts: countsOf(own), evaluationId: own.evaluation_id });
  }
  return points;
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
