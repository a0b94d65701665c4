// Retention of compliance history, per tenant: evaluations (with their scores and slices) and the
// reverse deltas older than `keepDays` go, and so do daily roll-up rows (compliance scores and
// resilience scores); at least 400 days stay.
import type pg from "pg";
import type { Db } from "@/db";
import { clock } from "@/lib/clock";

const poolOf = (db: Db) => (db as Db & { $client: pg.Pool }).$client;
export const MIN_KEEP_DAYS = 400;

/**
 * Retention: evaluations (with their scores and slices) and finding history older than
 * `keepDays` go; the daily roll-up keeps `keepDays` too (at least 400). Findings as of a date
 * before the cut can no longer be rebuilt; scores by day remain for the kept window.
 */
export async function pruneComplianceHistory(
  db: Db,
  p: { tenantId: string; keepDays?: number; now?: Date },
): Promise<{ evaluations: number; history: number; days: number }> {
  const keep = Math.max(MIN_KEEP_DAYS, p.keepDays ?? MIN_KEEP_DAYS);
  const cutoff = new Date((p.now ?? clock.now()).getTime() - keep * 86_400_000);
  const pool = poolOf(db);
  // The newest evaluation before the cut stays: the state from the cut onwards is rebuilt from it.
  const pivot = await pool.query(
    `select max(id) as id from compliance_evaluations where tenant_id = $1 and status = 'succeeded' and evaluated_at < $2`,
    [p.tenantId, cutoff],
  );
  const pivotId = (pivot.rows[0]?.id as number | null) ?? null;
  if (pivotId === null) return { evaluations: 0, history: 0, days: 0 };
  const h = await pool.query(`delete from compliance_panel_history where tenant_id = $1 and evaluation_id <= $2`, [
    p.tenantId,
    pivotId,
  ]);
  const e = await pool.query(`delete from compliance_evaluations where tenant_id = $1 and id < $2`, [
    p.tenantId,
    pivotId,
  ]);
  const d = await pool.query(
    `delete from compliance_score_days where tenant_id = $1 and day < ($2::timestamptz at time zone 'UTC')::date`,
    [p.tenantId, cutoff],
  );
  const r = await pool.query(
    `delete from resilience_score_days where tenant_id = $1 and day < ($2::timestamptz at time zone 'UTC')::date`,
    [p.tenantId, cutoff],
  );
  return { evaluations: e.rowCount ?? 0, history: h.rowCount ?? 0, days: (d.rowCount ?? 0) + (r.rowCount ?? 0) };
}
