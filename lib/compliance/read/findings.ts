// Findings as of any past evaluation, filtered and paged, with EXCEPTED applied for exceptions
// that were in force at that time. Totals come from stored per-panel counts; only the panels a
// page shows (and those holding an excepted finding, when FAIL and EXCEPTED must be told apart)
// are decoded.
import type { Db } from "@/db";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId, Evidence, FindingStatus, ScoredStatus, SubjectType } from "@/lib/compliance/model/finding";
import type { PanelEntry } from "@/lib/compliance/store/panel-codec";
import { listExceptionsAt, type ExceptionView } from "./exceptions-at";
import { evaluationTimes, getEvaluationRuns, resolveEvaluation, type EvaluationRef } from "./evaluations";
import { listPanelsAt, readPanelAt, readPanelsAt, type PanelAt } from "./panels";
import { clock } from "@/lib/clock";

export interface FindingFilter {
  tenantId: string;
  /** Default: the newest evaluation, and exceptions in force now. */
  asOf?: Date | null;
  evaluationId?: number | null;
  controlId?: ControlId;
  runIds?: number[];
  templateSlug?: string;
  requirementId?: string;
  status?: ScoredStatus | ScoredStatus[];
  subjectType?: SubjectType;
  accountId?: string;
  /** Several accounts (an OU's); combined with accountId when both are given. */
  accountIds?: string[];
  region?: string;
  resourceType?: string;
  subjectId?: string;
  /** Read each finding's evidence too (costlier: only for a page's worth of rows). */
  evidence?: boolean;
  limit?: number;
  offset?: number;
}

export interface FindingRow {
  runId: number;
  controlId: ControlId;
  subjectType: SubjectType;
  subjectId: string;
  accountId: string;
  region: string | null;
  resourceType: string | null;
  status: ScoredStatus;
  /** What the control found, before exceptions. */
  findingStatus: FindingStatus;
  reason: string;
  /** Since when the status and reason hold. */
  since: { evaluationId: number; at: Date | null };
  exception: ExceptionView | null;
  evidence?: readonly Evidence[];
}

export interface FindingPage {
  evaluation: Pick<EvaluationRef, "id" | "evaluatedAt" | "snapshotAt"> | null;
  total: number;
  findings: FindingRow[];
}

const INDEX: Record<FindingStatus, number> = { PASS: 0, FAIL: 1, NOT_APPLICABLE: 2, ERROR: 3 };
export const findingKeyOf = (controlId: string, subjectType: string, subjectId: string) =>
  `${controlId}|${subjectType}|${subjectId}`;
const panelKey = (subjectType: string, accountId: string, region: string) => `${subjectType}|${accountId}|${region}`;

interface Scope {
  evaluation: EvaluationRef;
  runControl: Map<number, ControlId>;
  runs: Set<number>;
  statuses: Set<ScoredStatus> | null;
  exceptions: Map<string, ExceptionView>;
  exceptionPanels: Set<string>;
}

async function scopeOf(db: Db, f: FindingFilter): Promise<Scope | null> {
  const evaluation = await resolveEvaluation(db, f);
  if (!evaluation) return null;
  const er = await getEvaluationRuns(db, { tenantId: f.tenantId, evaluation });
  const runControl = new Map(er.runs.map((r) => [r.id, r.controlId]));
  let runs = new Set(er.runs.map((r) => r.id));
  if (f.controlId) runs = new Set([...runs].filter((id) => runControl.get(id) === f.controlId));
  if (f.runIds?.length) runs = new Set([...runs].filter((id) => f.runIds!.includes(id)));
  if (f.templateSlug) {
    const reqs = er.requirements[f.templateSlug] ?? [];
    const chosen = f.requirementId ? reqs.filter((r) => r.id === f.requirementId) : reqs;
    const wanted = new Set(chosen.flatMap((r) => r.runIds));
    runs = new Set([...runs].filter((id) => wanted.has(id)));
  }
  const statuses = f.status ? new Set([f.status].flat()) : null;
  const at = f.asOf ?? clock.now();
  const exceptions = new Map(
    (await listExceptionsAt(db, { tenantId: f.tenantId, at }))
      .filter((x) => x.state === "active")
      .map((x) => [x.findingKey, x]),
  );
  const exceptionPanels = new Set([...exceptions.values()].map((x) => panelKey(x.subjectType, x.accountId, x.region)));
  return { evaluation, runControl, runs, statuses, exceptions, exceptionPanels };
}

function toRow(s: Scope, p: PanelAt, e: PanelEntry): FindingRow {
  const controlId = s.runControl.get(e.runId)!;
  const exception =
    e.status === "FAIL" ? (s.exceptions.get(findingKeyOf(controlId, p.subjectType, e.key)) ?? null) : null;
  return {
    runId: e.runId,
    controlId,
    subjectType: p.subjectType,
    subjectId: e.key,
    accountId: p.accountId,
    region: p.region || null,
    resourceType: e.resourceType,
    status: exception ? "EXCEPTED" : e.status,
    findingStatus: e.status,
    reason: e.reason,
    since: { evaluationId: e.since, at: null },
    exception,
    ...(e.evidence ? { evidence: e.evidence } : {}),
  };
}

function accountFilter(f: FindingFilter): string[] | undefined {
  if (f.accountIds && f.accountId) return f.accountIds.filter((a) => a === f.accountId);
  return f.accountIds ?? (f.accountId ? [f.accountId] : undefined);
}

/** The panels a filter reads, in the order findings are listed. */
function panelsOf(db: Db, f: FindingFilter, s: Scope): Promise<PanelAt[]> {
  const subjectTypes = f.subjectType
    ? [f.subjectType]
    : f.controlId
      ? [...CONTROLS[f.controlId].subjectTypes]
      : undefined;
  return listPanelsAt(db, {
    tenantId: f.tenantId,
    evaluationId: s.evaluation.id,
    subjectTypes,
    accountIds: accountFilter(f),
    regions: f.region !== undefined ? [f.region] : undefined,
  });
}

const wantsOf = (s: Scope) => (st: ScoredStatus) => !s.statuses || s.statuses.has(st);

/** One panel's findings that the filter selects, decoded. */
async function panelRows(db: Db, f: FindingFilter, s: Scope, p: PanelAt): Promise<FindingRow[]> {
  const entries = await readPanelAt(db, {
    tenantId: f.tenantId,
    panelId: p.id,
    evaluationId: s.evaluation.id,
    evidence: f.evidence,
  });
  return selectedRows(f, s, p, entries);
}

/** The findings of a panel's entries that the filter selects. */
function selectedRows(f: FindingFilter, s: Scope, p: PanelAt, entries: PanelEntry[]): FindingRow[] {
  const wants = wantsOf(s);
  return entries
    .filter(
      (e) =>
        s.runs.has(e.runId) &&
        (!f.resourceType || e.resourceType === f.resourceType) &&
        (!f.subjectId || e.key === f.subjectId),
    )
    .map((e) => toRow(s, p, e))
    .filter((r) => wants(r.status));
}

/**
 * How many of a panel's findings the filter selects, from its stored counts; null when only its
 * rows can tell: filters on a finding's fields, or an exception in this panel that turns a FAIL
 * into EXCEPTED when only one of the two is asked for.
 */
function panelCount(f: FindingFilter, s: Scope, p: PanelAt): number | null {
  const wants = wantsOf(s);
  const hasExceptions = s.exceptionPanels.has(panelKey(p.subjectType, p.accountId, p.region));
  const splitsFail = hasExceptions && wants("FAIL") !== wants("EXCEPTED");
  if (f.resourceType || f.subjectId || splitsFail) return null;
  // Without an exception in the panel every FAIL stays FAIL; with one, both are wanted here.
  const countsFail = hasExceptions ? wants("FAIL") || wants("EXCEPTED") : wants("FAIL");
  let n = 0;
  for (const [run, c] of Object.entries(p.counts)) {
    if (!s.runs.has(Number(run))) continue;
    for (const st of ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR"] as FindingStatus[]) {
      if (st === "FAIL" ? countsFail : wants(st)) n += c[INDEX[st]]!;
    }
  }
  return n;
}

/** Fills in when each finding's status began; `known` keeps the times read so far. */
async function withSince(db: Db, rows: FindingRow[], known = new Map<number, Date>()): Promise<FindingRow[]> {
  const missing = rows.map((r) => r.since.evaluationId).filter((id) => !known.has(id));
  if (missing.length) for (const [id, at] of await evaluationTimes(db, missing)) known.set(id, at);
  for (const r of rows) r.since.at = known.get(r.since.evaluationId) ?? null;
  return rows;
}

export async function listFindings(db: Db, f: FindingFilter): Promise<FindingPage> {
  const s = await scopeOf(db, f);
  if (!s) return { evaluation: null, total: 0, findings: [] };
  const panels = await panelsOf(db, f, s);
  const decoded = new Map<number, FindingRow[]>();
  const rowsOf = async (p: PanelAt) => {
    let rows = decoded.get(p.id);
    if (!rows) decoded.set(p.id, (rows = await panelRows(db, f, s, p)));
    return rows;
  };
  const counts: number[] = [];
  for (const p of panels) counts.push(panelCount(f, s, p) ?? (await rowsOf(p)).length);
  const total = counts.reduce((a, b) => a + b, 0);
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 1000);
  let skip = Math.max(f.offset ?? 0, 0);
  const findings: FindingRow[] = [];
  for (let i = 0; i < panels.length && findings.length < limit; i++) {
    if (skip >= counts[i]!) {
      skip -= counts[i]!;
      continue;
    }
    const rows = await rowsOf(panels[i]!);
    findings.push(...rows.slice(skip, skip + limit - findings.length));
    skip = 0;
  }
  await withSince(db, findings);
  return {
    evaluation: { id: s.evaluation.id, evaluatedAt: s.evaluation.evaluatedAt, snapshotAt: s.evaluation.snapshotAt },
    total,
    findings,
  };
}

/**
 * Every finding the filter selects (limit and offset aside), a panel's worth at a time, in the
 * order listFindings pages through them: for reading all of them (reports), where paging would
 * list and count the evaluation's panels again for every page. Panels whose counts say they hold
 * none are not decoded.
 */
export async function* iterateFindings(db: Db, f: FindingFilter): AsyncGenerator<FindingRow[]> {
  const s = await scopeOf(db, f);
  if (!s) return;
  const since = new Map<number, Date>();
  const panels = (await panelsOf(db, f, s)).filter((p) => panelCount(f, s, p) !== 0);
  for (let i = 0; i < panels.length; i += PANELS_AT_ONCE) {
    const batch = panels.slice(i, i + PANELS_AT_ONCE);
    const read = await readPanelsAt(db, {
      tenantId: f.tenantId,
      panelIds: batch.map((p) => p.id),
      evaluationId: s.evaluation.id,
      evidence: f.evidence,
    });
    for (const p of batch) {
      const rows = selectedRows(f, s, p, read.get(p.id) ?? []);
      if (rows.length) yield await withSince(db, rows, since);
    }
  }
}
/** Panels read per query by iterateFindings: few queries, and a bounded number of panels in memory. */
const PANELS_AT_ONCE = 32;

/** One subject's findings of a control (every run), with evidence, as of the evaluation. */
export async function getFinding(
  db: Db,
  p: {
    tenantId: string;
    asOf?: Date | null;
    evaluationId?: number | null;
    controlId: ControlId;
    subjectType: SubjectType;
    subjectId: string;
    accountId: string;
    region: string | null;
  },
): Promise<{ evaluation: FindingPage["evaluation"]; findings: FindingRow[] }> {
  const s = await scopeOf(db, {
    tenantId: p.tenantId,
    asOf: p.asOf,
    evaluationId: p.evaluationId,
    controlId: p.controlId,
  });
  if (!s) return { evaluation: null, findings: [] };
  // The subject's panel: one per (type, account, region), or one of its buckets.
  const panels = await listPanelsAt(db, {
    tenantId: p.tenantId,
    evaluationId: s.evaluation.id,
    subjectTypes: [p.subjectType],
    accountIds: [p.accountId],
    regions: [p.region ?? ""],
  });
  let findings: FindingRow[] = [];
  for (const panel of panels) {
    const entries = await readPanelAt(db, {
      tenantId: p.tenantId,
      panelId: panel.id,
      evaluationId: s.evaluation.id,
      evidence: true,
    });
    findings = entries.filter((e) => e.key === p.subjectId && s.runs.has(e.runId)).map((e) => toRow(s, panel, e));
    if (findings.length) break;
  }
  const times = await evaluationTimes(
    db,
    findings.map((r) => r.since.evaluationId),
  );
  for (const r of findings) r.since.at = times.get(r.since.evaluationId) ?? null;
  return {
    evaluation: { id: s.evaluation.id, evaluatedAt: s.evaluation.evaluatedAt, snapshotAt: s.evaluation.snapshotAt },
    findings,
  };
}
