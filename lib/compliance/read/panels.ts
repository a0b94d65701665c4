// Panels as they were after a given evaluation: the current blob if it has not changed since,
// otherwise the current blob with the reverse deltas of every later change applied, newest first.
// Counts as of an evaluation come from SQL alone (the first later change stores the counts
// before it), so pages of findings decode only the panels they show.
import type pg from "pg";
import type { Db } from "@/db";
import type { SubjectType } from "@/lib/compliance/model/finding";
import { decodeDelta, decodePanel, type PanelEntry, type StatusCounts4 } from "@/lib/compliance/store/panel-codec";
import { applyReverse } from "@/lib/compliance/store/panel-diff";

export interface PanelAt {
  id: number;
  subjectType: SubjectType;
  accountId: string;
  region: string;
  bucket: string;
  /** Per run id: [PASS, FAIL, NOT_APPLICABLE, ERROR] after the evaluation. */
  counts: Record<string, StatusCounts4>;
}

export interface PanelFilter {
  subjectTypes?: readonly string[];
  accountIds?: readonly string[];
  regions?: readonly string[];
}

export const poolOf = (db: Db) => (db as Db & { $client: pg.Pool }).$client;

export async function listPanelsAt(
  db: Db,
  p: { tenantId: string; evaluationId: number } & PanelFilter,
): Promise<PanelAt[]> {
  const where: string[] = ["p.tenant_id = $1"];
  const values: unknown[] = [p.tenantId, p.evaluationId];
  const add = (column: string, list: readonly string[] | undefined) => {
    if (!list || list.length === 0) return;
    values.push(list);
    where.push(`p.${column} = any($${values.length}::text[])`);
  };
  add("subject_type", p.subjectTypes);
  add("account_id", p.accountIds);
  add("region", p.regions);
  const res = await poolOf(db).query(
    `select p.id, p.subject_type, p.account_id, p.region, p.bucket, p.counts, h.counts as before_counts, h.prev_version, h.evaluation_id as next_change
       from compliance_panels p
       left join lateral (select counts, prev_version, evaluation_id from compliance_panel_history h
                           where h.panel_id = p.id and h.evaluation_id > $2 order by h.evaluation_id limit 1) h on true
      where ${where.join(" and ")}
      order by p.account_id, p.region, p.subject_type, p.bucket`,
    values,
  );
  const out: PanelAt[] = [];
  for (const r of res.rows) {
    // A panel first written after the evaluation did not exist then.
    if (r.next_change !== null && r.prev_version === null) continue;
    out.push({
      id: r.id,
      subjectType: r.subject_type,
      accountId: r.account_id,
      region: r.region,
      bucket: r.bucket,
      counts: (r.next_change !== null ? r.before_counts : r.counts) as Record<string, StatusCounts4>,
    });
  }
  return out;
}

/** The entries of one panel after evaluation `evaluationId` (with evidence when asked). */
export async function readPanelAt(
  db: Db,
  p: { tenantId: string; panelId: number; evaluationId: number; evidence?: boolean },
): Promise<PanelEntry[]> {
  const read = await readPanelsAt(db, { ...p, panelIds: [p.panelId] });
  return read.get(p.panelId) ?? [];
}

/**
 * The entries of several panels after evaluation `evaluationId`, in two queries for all of them:
 * a report reading every panel of an evaluation one by one spent a sixth of its time sending
 * queries. Panels that do not exist are absent from the map.
 */
export async function readPanelsAt(
  db: Db,
  p: { tenantId: string; panelIds: readonly number[]; evaluationId: number; evidence?: boolean },
): Promise<Map<number, PanelEntry[]>> {
  const out = new Map<number, PanelEntry[]>();
  if (p.panelIds.length === 0) return out;
  const pool = poolOf(db);
  const [cur, later] = await Promise.all([
    pool.query(
      `select id, state, ${p.evidence ? "evidence" : "null as evidence"} from compliance_panels where id = any($1::int[]) and tenant_id = $2`,
      [p.panelIds, p.tenantId],
    ),
    pool.query(
      `select panel_id, delta, prev_version from compliance_panel_history where panel_id = any($1::int[]) and evaluation_id > $2 order by panel_id, evaluation_id desc`,
      [p.panelIds, p.evaluationId],
    ),
  ]);
  for (const r of cur.rows) out.set(Number(r.id), decodePanel(r.state as Buffer, r.evidence as Buffer | null));
  for (const r of later.rows) {
    const id = Number(r.panel_id);
    const entries = out.get(id);
    if (entries === undefined) continue;
    out.set(id, r.prev_version === null ? [] : applyReverse(entries, decodeDelta(r.delta as Buffer)));
  }
  for (const [id, entries] of out)
    out.set(
      id,
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.runId - b.runId)),
    );
  return out;
}
