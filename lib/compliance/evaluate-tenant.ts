// Evaluates a tenant's published snapshot against the templates it uses and stores the result:
// findings (as changed panels), scores per requirement, framework, account, OU, region and
// tenant, the resilience score per tenant, OU and account, and the daily roll-ups, in one
// transaction. Reads run in a REPEATABLE READ transaction of
// their own, so a unit a sync publishes meanwhile is seen whole or not at all.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Db } from "@/db";
import type { ControlId } from "@/lib/compliance/model/finding";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import { makeControlRun, type ControlRun } from "@/lib/compliance/engine/evaluate";
import { evaluateStream } from "@/lib/compliance/engine/evaluate-stream";
import { loadSnapshot } from "@/lib/compliance/load/load-snapshot";
import { streamRecoveryPoints } from "@/lib/compliance/load/recovery-point-cursor";
import { addJobFactsFromSql } from "@/lib/compliance/load/job-facts";
import { ScoreAccumulator, type StatusCounts, type TemplateScore } from "@/lib/compliance/scoring/score";
import { templateRuns } from "@/lib/compliance/templates/template-schema";
import { listEvaluationTemplates, type StoredTemplate } from "@/lib/compliance/templates/template-store";
import { PanelCollector, PanelStore, type PanelStoreStats } from "@/lib/compliance/store/panel-store";
import { activeExceptionKeys } from "./read/exceptions-at";
import { storeScores } from "./store/score-store";
import { storeResilienceScores } from "./store/resilience-store";
import { foldResilienceCounts, resilienceRuns } from "./resilience/score";
import { clock } from "@/lib/clock";
import { env } from "@/lib/env";

export interface EvaluateTenantOptions {
  /** The controls' clock (default: now). */
  now?: Date;
  trigger?: string;
  /** The sync run that asked for this evaluation, when known. */
  syncRunId?: string | null;
  maxDataAgeHours?: number;
  log?: (message: string) => void;
  /**
   * Evaluate and score, then roll everything back: nothing is stored. An evaluation at a time
   * before the tenant's last one may only run so (stored evaluations move forward in time).
   */
  dryRun?: boolean;
  /** How long the evaluation may compute once it holds the tenant's lock (default: EVALUATION_TIME_BUDGET_SECONDS). */
  timeBudgetMs?: number;
}

/**
 * An evaluation that ran past its time budget. It stopped where it was: nothing of it was
 * published and the tenant's previous evaluation stays in force.
 */
export class EvaluationTimeBudgetExceeded extends Error {
  constructor(
    readonly budgetMs: number,
    readonly spentMs: number,
  ) {
    super(
      `evaluation stopped after ${(spentMs / 1000).toFixed(1)} s: over its time budget of ${(budgetMs / 1000).toFixed(1)} s (EVALUATION_TIME_BUDGET_SECONDS); nothing of it was published, the previous evaluation stays in force`,
    );
    this.name = "EvaluationTimeBudgetExceeded";
  }
}

export interface RunSummary {
  runId: number;
  controlId: ControlId;
  key: string;
  counts: StatusCounts;
}

export interface EvaluationResult {
  evaluationId: number;
  tenantId: string;
  evaluatedAt: Date;
  templates: Array<{ slug: string; revision: number; version: string; name: string }>;
  runs: RunSummary[];
  scores: TemplateScore[];
  requirementRuns: Record<string, Record<string, number[]>>;
  stats: {
    findings: number;
    recoveryPoints: number;
    resources: number;
    panels: PanelStoreStats;
    millis: Record<string, number>;
  };
}

const digestOf = (key: string) => createHash("sha256").update(key).digest("hex");
const poolOf = (db: Db) => (db as Db & { $client: pg.Pool }).$client;

/**
 * Runs of the templates, plus every control at its defaults so each control is always reported,
 * plus the resilience score's runs (its controls at their defaults over the whole organization;
 * shared with any template run that has the same parameters and scope).
 */
export function evaluationRuns(templates: readonly StoredTemplate[]): {
  runs: ControlRun[];
  perTemplate: Array<{ t: StoredTemplate; requirementRuns: Map<string, string[]> }>;
} {
  const all = new Map<string, ControlRun>();
  const perTemplate = templates.map((t) => {
    const r = templateRuns(t.template);
    for (const run of r.runs) all.set(run.key, run);
    return { t, requirementRuns: r.requirementRuns };
  });
  for (const id of CONTROL_IDS) {
    const run = makeControlRun(id, {}, EMPTY_SCOPE);
    if (![...all.values()].some((r) => r.controlId === id)) all.set(run.key, run);
  }
  for (const run of resilienceRuns()) all.set(run.key, run);
  return { runs: [...all.values()], perTemplate };
}

async function registerRuns(
  tx: pg.PoolClient,
  tenantId: string,
  runs: readonly ControlRun[],
): Promise<Map<string, number>> {
  const digests = runs.map((r) => digestOf(r.key));
  const res = await tx.query(
    `insert into compliance_runs (tenant_id, key_digest, control_id, params, scope)
     select $1, u.d, u.c, u.p, u.s from unnest($2::text[], $3::text[], $4::jsonb[], $5::jsonb[]) as u(d, c, p, s)
     on conflict (tenant_id, key_digest) do update set control_id = excluded.control_id
     returning id, key_digest`,
    [
      tenantId,
      digests,
      runs.map((r) => r.controlId),
      runs.map((r) => JSON.stringify(r.params)),
      runs.map((r) => JSON.stringify(r.scope)),
    ],
  );
  const byDigest = new Map(res.rows.map((r) => [r.key_digest as string, r.id as number]));
  return new Map(runs.map((r, i) => [r.key, byDigest.get(digests[i]!)!]));
}

export async function evaluateTenant(
  db: Db,
  tenantId: string,
  options: EvaluateTenantOptions = {},
): Promise<EvaluationResult> {
  const t0 = performance.now();
  // Without a given clock, "now" is read once the tenant's lock is held, so that evaluations that
  // queued behind each other get increasing times.
  let now = options.now ?? clock.now();
  const log = options.log ?? (() => undefined);
  const templates = await listEvaluationTemplates(db, { tenantId });
  const { runs, perTemplate } = evaluationRuns(templates);
  const pool = poolOf(db);
  const writer = await pool.connect();
  const reader = await pool.connect();
  let evaluationId: number | null = null;
  let store: PanelStore | null = null;
  try {
    await writer.query("begin");
    // One evaluation per tenant at a time; the second waits and then sees the first's panels.
    await writer.query(`select pg_advisory_xact_lock(hashtext('compliance-evaluation:' || $1))`, [tenantId]);
    if (!options.now) now = clock.now();
    // The budget counts from here: waiting behind another evaluation of the tenant is not its own work.
    const budgetMs = options.timeBudgetMs ?? env.EVALUATION_TIME_BUDGET_SECONDS * 1000;
    const started = performance.now();
    const checkpoint = () => {
      const spent = performance.now() - started;
      if (spent > budgetMs) throw new EvaluationTimeBudgetExceeded(budgetMs, spent);
    };
    // Versions are chained in evaluation order, and "as of" picks by time: the two must agree.
    const last = await writer.query(
      `select max(evaluated_at) as at from compliance_evaluations where tenant_id = $1 and status = 'succeeded'`,
      [tenantId],
    );
    const lastAt = last.rows[0]?.at as Date | null;
    if (lastAt && lastAt.getTime() > now.getTime() && !options.dryRun)
      throw new Error(
        `evaluations of a tenant move forward in time: the last one is of ${lastAt.toISOString()}, this one of ${now.toISOString()}`,
      );
    const runIdOf = await registerRuns(writer, tenantId, runs);
    const templateRefs = templates.map((t) => ({
      slug: t.slug,
      revision: t.revision,
      version: t.version,
      templateId: t.templateId,
      name: t.name,
    }));
    const ev = await writer.query(
      `insert into compliance_evaluations (tenant_id, status, trigger, sync_run_id, evaluated_at, templates, run_ids) values ($1, 'running', $2, $3, $4, $5, $6) returning id`,
      [
        tenantId,
        options.trigger ?? "manual",
        options.syncRunId ?? null,
        now,
        JSON.stringify(templateRefs),
        [...new Set(runIdOf.values())],
      ],
    );
    evaluationId = ev.rows[0].id as number;
    const E = evaluationId;

    await reader.query("begin isolation level repeatable read read only");
    const { snapshot, meta } = await loadSnapshot(reader, tenantId);
    checkpoint();
    const t1 = performance.now();
    log(
      `loaded ${snapshot.resources.length} resources, ${snapshot.plans.length} plans, ${snapshot.vaults.length} vaults in ${Math.round(t1 - t0)} ms`,
    );

    const index = await PanelStore.loadIndex(writer, tenantId);
    const excepted = await activeExceptionKeys(writer, { tenantId, at: now });
    const runById = new Map(
      [...runIdOf].map(([key, id]) => [id, { key, controlId: runs.find((r) => r.key === key)!.controlId }]),
    );
    const ouPath = new Map(snapshot.accounts.map((a) => [a.accountId, a.ouPath]));
    const scoring = new ScoreAccumulator(
      perTemplate.map(({ t, requirementRuns }) => ({
        templateId: t.slug,
        requirements: t.template.requirements.map((r) => ({
          id: r.id,
          title: r.title,
          weight: r.weight,
          runKeys: requirementRuns.get(r.id) ?? [],
        })),
      })),
      (a) => ouPath.get(a) ?? [],
    );
    const collector = new PanelCollector(runIdOf);
    const panels = new PanelStore(
      writer,
      tenantId,
      E,
      index,
      (panel, runId, c, x) =>
        scoring.addFolded(runById.get(runId)!.key, panel.accountId, panel.region || null, {
          PASS: c[0],
          FAIL: c[1],
          NOT_APPLICABLE: c[2],
          ERROR: c[3],
          EXCEPTED: x,
        }),
      (runId, panel, key) =>
        excepted.size > 0 && excepted.has(`${runById.get(runId)!.controlId}|${panel.subjectType}|${key}`),
    );
    store = panels;
    const stats = await evaluateStream(
      snapshot,
      {
        recoveryPoints: () => streamRecoveryPoints(reader, tenantId),
        addJobFacts: (facts, since) => addJobFactsFromSql(reader, tenantId, since, facts).then(() => undefined),
      },
      { now, maxDataAgeHours: options.maxDataAgeHours },
      runs,
      (key, f) => collector.add(key, f),
      {
        recoveryPointUnitDone: () => panels.submit(collector.take()),
        accountDone: () => panels.submit(collector.take()),
        checkpoint,
      },
    );
    await panels.submit(collector.take());
    const panelStats = await panels.finish();
    await reader.query("commit");
    const t2 = performance.now();

    const scores = scoring.result();
    const countsByRun = scoring.countsByRun();
    const runSummaries: RunSummary[] = [...runIdOf].map(([key, runId]) => ({
      runId,
      key,
      controlId: runById.get(runId)!.controlId,
      counts: countsByRun.get(key) ?? { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 },
    }));
    await storeScores(writer, { tenantId, evaluationId: E, evaluatedAt: now, scores });
    const resilience = foldResilienceCounts(
      resilienceRuns().flatMap((run) =>
        [...scoring.accountCounts(run.key)].map((c) => ({ controlId: run.controlId, ...c })),
      ),
      (a) => ouPath.get(a) ?? [],
    );
    await storeResilienceScores(writer, { tenantId, evaluationId: E, evaluatedAt: now, scopes: resilience });
    // The last look before anything becomes visible: past the budget, nothing is committed.
    checkpoint();
    const millis = {
      load: Math.round(t1 - t0),
      evaluateAndStore: Math.round(t2 - t1),
      scores: Math.round(performance.now() - t2),
    };
    const summary = {
      findings: stats.findings,
      recoveryPoints: stats.recoveryPoints,
      resources: stats.resources,
      panels: panelStats,
      millis,
      runs: Object.fromEntries(runSummaries.map((r) => [r.runId, r.counts])),
    };
    await writer.query(
      `update compliance_evaluations set status = 'succeeded', finished_at = $6, snapshot_at = $2, oldest_data_at = $3, sync_run_id = coalesce(sync_run_id, $4), stats = $5 where id = $1`,
      [E, meta.snapshotAt, meta.oldestDataAt, meta.syncRunId, JSON.stringify(summary), clock.now()],
    );
    await writer.query(options.dryRun ? "rollback" : "commit");
    log(
      `evaluation ${E}${options.dryRun ? " (dry run, not stored)" : ""}: ${stats.findings} findings, ${panelStats.changed + panelStats.created} panels written, ${panelStats.unchanged} unchanged`,
    );
    return {
      evaluationId: E,
      tenantId,
      evaluatedAt: now,
      templates: templateRefs.map(({ slug, revision, version, name }) => ({ slug, revision, version, name })),
      runs: runSummaries,
      scores,
      requirementRuns: Object.fromEntries(
        perTemplate.map(({ t, requirementRuns }) => [
          t.slug,
          Object.fromEntries([...requirementRuns].map(([req, keys]) => [req, keys.map((k) => runIdOf.get(k)!)])),
        ]),
      ),
      stats: {
        findings: stats.findings,
        recoveryPoints: stats.recoveryPoints,
        resources: stats.resources,
        panels: panelStats,
        millis: { ...millis, total: Math.round(performance.now() - t0) },
      },
    };
  } catch (error) {
    await writer.query("rollback").catch(() => undefined);
    await reader.query("rollback").catch(() => undefined);
    // The failure is recorded on its own: the evaluation's writes were rolled back.
    if (!options.dryRun)
      await pool
        .query(
          `insert into compliance_evaluations (tenant_id, status, trigger, sync_run_id, evaluated_at, finished_at, templates, run_ids, error) values ($1, 'failed', $2, $3, $4, $6, '[]', '{}', $5)`,
          [
            tenantId,
            options.trigger ?? "manual",
            options.syncRunId ?? null,
            now,
            error instanceof Error ? error.message : String(error),
            clock.now(),
          ],
        )
        .catch(() => undefined);
    throw error;
  } finally {
    await store?.close();
    writer.release();
    reader.release();
  }
}
