// Which evaluation answers "as of" a time, and what its runs and requirements were.
import { createHash } from "node:crypto";
import type { Db } from "@/db";
import type { ControlId } from "@/lib/compliance/model/finding";
import { parseTemplate, templateRuns } from "@/lib/compliance/templates/template-schema";
import { poolOf } from "./panels";

export interface EvaluationRef {
  id: number;
  evaluatedAt: Date;
  finishedAt: Date | null;
  snapshotAt: Date | null;
  oldestDataAt: Date | null;
  syncRunId: string | null;
  trigger: string;
  templates: Array<{ slug: string; revision: number; version: string; templateId: string; name: string }>;
  runIds: number[];
  stats: Record<string, unknown> | null;
}

export interface RunRef {
  id: number;
  controlId: ControlId;
  params: unknown;
  scope: unknown;
}

export interface EvaluationRuns {
  runs: RunRef[];
  /** Per template slug and requirement id: the run ids it reads, with the requirement's title. */
  requirements: Record<
    string,
    Array<{ id: string; title: string; description: string; weight: number; runIds: number[] }>
  >;
}

/** The newest succeeded evaluation at or before `asOf` (default: the newest), or a given one. */
export async function resolveEvaluation(
  db: Db,
  p: { tenantId: string; asOf?: Date | null; evaluationId?: number | null },
): Promise<EvaluationRef | null> {
  const values: unknown[] = [p.tenantId];
  let cond = "";
  if (p.evaluationId) {
    values.push(p.evaluationId);
    cond = `and id = $2`;
  } else if (p.asOf) {
    values.push(p.asOf);
    cond = `and evaluated_at <= $2`;
  }
  const res = await poolOf(db).query(
    `select id, evaluated_at, finished_at, snapshot_at, oldest_data_at, sync_run_id, trigger, templates, run_ids, stats from compliance_evaluations
      where tenant_id = $1 and status = 'succeeded' ${cond} order by evaluated_at desc, id desc limit 1`,
    values,
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    id: r.id,
    evaluatedAt: r.evaluated_at,
    finishedAt: r.finished_at,
    snapshotAt: r.snapshot_at,
    oldestDataAt: r.oldest_data_at,
    syncRunId: r.sync_run_id,
    trigger: r.trigger,
    templates: r.templates,
    runIds: r.run_ids,
    stats: r.stats,
  };
}

export async function getEvaluationRuns(
  db: Db,
  p: { tenantId: string; evaluation: EvaluationRef },
): Promise<EvaluationRuns> {
  const pool = poolOf(db);
  const runs = await pool.query(
    `select id, control_id, params, scope, key_digest from compliance_runs where tenant_id = $1 and id = any($2::int[]) order by control_id, id`,
    [p.tenantId, p.evaluation.runIds],
  );
  const byDigest = new Map(runs.rows.map((r) => [r.key_digest as string, r.id as number]));
  const ids = p.evaluation.templates.map((t) => t.templateId);
  const defs = ids.length
    ? await pool.query(`select id, slug, definition from compliance_templates where id = any($1::uuid[])`, [ids])
    : { rows: [] };
  const requirements: EvaluationRuns["requirements"] = {};
  for (const row of defs.rows) {
    const parsed = parseTemplate(row.definition);
    if (!parsed.ok) continue;
    const { requirementRuns } = templateRuns(parsed.template);
    requirements[row.slug as string] = parsed.template.requirements.map((req) => ({
      id: req.id,
      title: req.title,
      description: req.description,
      weight: req.weight,
      runIds: (requirementRuns.get(req.id) ?? [])
        .map((key) => byDigest.get(createHash("sha256").update(key).digest("hex")))
        .filter((x): x is number => x !== undefined),
    }));
  }
  return {
    runs: runs.rows.map((r) => ({ id: r.id, controlId: r.control_id, params: r.params, scope: r.scope })),
    requirements,
  };
}

export async function evaluationTimes(db: Db, ids: readonly number[]): Promise<Map<number, Date>> {
  if (ids.length === 0) return new Map();
  const res = await poolOf(db).query(`select id, evaluated_at from compliance_evaluations where id = any($1::int[])`, [
    [...new Set(ids)],
  ]);
  return new Map(res.rows.map((r) => [r.id as number, r.evaluated_at as Date]));
}
