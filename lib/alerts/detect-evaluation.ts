import type { Db } from "@/db";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId } from "@/lib/compliance/model/finding";
import { activeExceptionKeys } from "@/lib/compliance/read/exceptions-at";
import { findingKeyOf } from "@/lib/compliance/read/findings";
import { poolOf, readPanelsAt } from "@/lib/compliance/read/panels";
import { decodeDelta, statusOf } from "@/lib/compliance/store/panel-codec";
import { findingHref } from "@/lib/dashboard/links";
import { activeRules, recordAlertEvents, tenantSlug, type AlertCandidate } from "./events";

// Detection after an evaluation, from what the evaluation stored (lib/compliance/store):
//
// control_failed: only panels the evaluation changed have a history row at it, and their reverse
// delta holds exactly the findings that changed with their status before. A finding FAIL now,
// `since` this evaluation, whose previous status was not FAIL (or which did not exist) turned
// FAIL here. Unchanged FAIL findings are in no delta, so they alert never again; one that recovers
// and fails again has a new `since`, so a new dedup key (control, subject, evaluation). A tenant's
// first evaluation is the baseline and alerts nothing (else every existing failure would alert).
// Findings under an exception in force are left out.
//
// score_dropped: each framework's headline (compliance_scores, requirement "") and the tenant's
// resilience score of this evaluation against the previous one (resilience: the newest earlier
// daily row, as only each day's last evaluation is kept).

export interface EvaluationRef {
  tenantId: string;
  evaluationId: number;
}

/** Runs every evaluation rule for one stored evaluation; returns how many events are new. */
export async function detectEvaluationAlerts(db: Db, p: EvaluationRef): Promise<number> {
  return (await detectControlFailures(db, p)) + (await detectScoreDrops(db, p));
}

async function previousEvaluation(db: Db, p: EvaluationRef): Promise<number | null> {
  const r = await poolOf(db).query(
    `select max(id) as id from compliance_evaluations where tenant_id = $1 and status = 'succeeded' and id < $2`,
    [p.tenantId, p.evaluationId],
  );
  return (r.rows[0]?.id as number | null) ?? null;
}

interface Transition {
  controlId: ControlId;
  subjectType: string;
  subjectId: string;
  accountId: string;
  region: string | null;
  resourceType: string | null;
  reason: string;
  before: string;
}

/** Findings that turned FAIL at the evaluation (each control and subject once, whatever the runs). */
export async function findFailTransitions(db: Db, p: EvaluationRef): Promise<Transition[]> {
  const pool = poolOf(db);
  const [changed, runs] = await Promise.all([
    pool.query(
      `select h.panel_id, h.delta, pn.subject_type, pn.account_id, pn.region
         from compliance_panel_history h join compliance_panels pn on pn.id = h.panel_id
        where h.tenant_id = $1 and h.evaluation_id = $2`,
      [p.tenantId, p.evaluationId],
    ),
    pool.query(
      `select r.id, r.control_id from compliance_runs r join compliance_evaluations e on r.id = any(e.run_ids)
        where e.id = $2 and r.tenant_id = $1`,
      [p.tenantId, p.evaluationId],
    ),
  ]);
  if (changed.rows.length === 0) return [];
  const controlOf = new Map(runs.rows.map((r) => [r.id as number, r.control_id as ControlId]));
  const entries = await readPanelsAt(db, {
    tenantId: p.tenantId,
    panelIds: changed.rows.map((r) => r.panel_id as number),
    evaluationId: p.evaluationId,
  });
  const out = new Map<string, Transition>();
  for (const row of changed.rows) {
    const before = new Map<string, string>();
    for (const [runId, key, , code] of decodeDelta(row.delta as Buffer))
      before.set(`${runId}\u0000${key}`, statusOf(code) ?? "ABSENT");
    for (const e of entries.get(row.panel_id as number) ?? []) {
      if (e.status !== "FAIL" || e.since !== p.evaluationId) continue;
      const was = before.get(`${e.runId}\u0000${e.key}`) ?? "ABSENT";
      const controlId = controlOf.get(e.runId);
      if (was === "FAIL" || !controlId) continue;
      const id = findingKeyOf(controlId, row.subject_type as string, e.key);
      if (!out.has(id))
        out.set(id, {
          controlId,
          subjectType: row.subject_type as string,
          subjectId: e.key,
          accountId: row.account_id as string,
          region: (row.region as string) || null,
          resourceType: e.resourceType,
          reason: e.reason,
          before: was,
        });
    }
  }
  return [...out.values()];
}

async function evaluatedAt(db: Db, evaluationId: number): Promise<Date> {
  const r = await poolOf(db).query(`select evaluated_at from compliance_evaluations where id = $1`, [evaluationId]);
  return r.rows[0]!.evaluated_at as Date;
}

async function detectControlFailures(db: Db, p: EvaluationRef): Promise<number> {
  const rules = await activeRules(db, p.tenantId, "control_failed");
  if (rules.length === 0 || (await previousEvaluation(db, p)) === null) return 0;
  const [transitions, slug, at] = await Promise.all([
    findFailTransitions(db, p),
    tenantSlug(db, p.tenantId),
    evaluatedAt(db, p.evaluationId),
  ]);
  if (transitions.length === 0 || !slug) return 0;
  const excepted = await activeExceptionKeys(poolOf(db), { tenantId: p.tenantId, at });
  let created = 0;
  for (const rule of rules) {
    const { controlIds, accountIds } = rule.params;
    const candidates: AlertCandidate[] = transitions
      .filter(
        (t) =>
          (controlIds.length === 0 || controlIds.includes(t.controlId)) &&
          (accountIds.length === 0 || accountIds.includes(t.accountId)) &&
          !excepted.has(findingKeyOf(t.controlId, t.subjectType, t.subjectId)),
      )
      .map((t) => ({
        dedupKey: `${findingKeyOf(t.controlId, t.subjectType, t.subjectId)}|${p.evaluationId}`,
        title: `${t.controlId} failed: ${t.subjectId}`,
        summary: `${CONTROLS[t.controlId]?.title ?? t.controlId} now fails for ${t.subjectId} (account ${t.accountId}${t.region ? `, ${t.region}` : ""}): ${t.reason}`,
        path: findingHref(slug, t),
        payload: { ...t, evaluationId: p.evaluationId },
        occurredAt: at,
      }));
    created += await recordAlertEvents(db, rule.row, candidates);
  }
  return created;
}

const pct = (s: number | null) => (s === null ? null : Math.round(s * 1000) / 10);

async function detectScoreDrops(db: Db, p: EvaluationRef): Promise<number> {
  const rules = await activeRules(db, p.tenantId, "score_dropped");
  if (rules.length === 0) return 0;
  const prev = await previousEvaluation(db, p);
  if (prev === null) return 0;
  const pool = poolOf(db);
  const [compliance, resilience, slug, at] = await Promise.all([
    pool.query(
      `select c.template_slug, c.score, b.score as before from compliance_scores c
         join compliance_scores b on b.evaluation_id = $3 and b.template_slug = c.template_slug and b.requirement_id = ''
        where c.evaluation_id = $2 and c.tenant_id = $1 and c.requirement_id = ''`,
      [p.tenantId, p.evaluationId, prev],
    ),
    pool.query(
      `select c.score, (select b.score from resilience_score_days b where b.tenant_id = $1 and b.scope = 'tenant'
                          and b.scope_id = '' and b.evaluation_id < $2 order by b.day desc limit 1) as before
         from resilience_score_days c where c.tenant_id = $1 and c.scope = 'tenant' and c.scope_id = '' and c.evaluation_id = $2`,
      [p.tenantId, p.evaluationId],
    ),
    tenantSlug(db, p.tenantId),
    evaluatedAt(db, p.evaluationId),
  ]);
  if (!slug) return 0;
  let created = 0;
  for (const rule of rules) {
    const { source, templateSlug, below, dropPoints } = rule.params;
    const scores =
      source === "resilience"
        ? resilience.rows.map((r) => ({ name: "resilience", score: pct(r.score), before: pct(r.before) }))
        : compliance.rows
            .filter((r) => !templateSlug || r.template_slug === templateSlug)
            .map((r) => ({ name: r.template_slug as string, score: pct(r.score), before: pct(r.before) }));
    const candidates: AlertCandidate[] = [];
    for (const s of scores) {
      if (s.score === null || s.before === null) continue;
      const crossed = below !== null && s.before >= below && s.score < below;
      const fell = dropPoints !== null && s.before - s.score >= dropPoints;
      if (!crossed && !fell) continue;
      const label = source === "resilience" ? "Resilience score" : `${s.name} score`;
      candidates.push({
        dedupKey: `${source}|${s.name}|${p.evaluationId}`,
        title: `${label} dropped to ${s.score}%`,
        summary: `${label} fell from ${s.before}% to ${s.score}%${crossed ? `, below the threshold of ${below}%` : ""}.`,
        path: source === "resilience" ? `/t/${slug}/resilience` : `/t/${slug}/compliance/${s.name}`,
        payload: {
          source,
          framework: source === "resilience" ? null : s.name,
          score: s.score,
          before: s.before,
          evaluationId: p.evaluationId,
        },
        occurredAt: at,
      });
    }
    created += await recordAlertEvents(db, rule.row, candidates);
  }
  return created;
}
