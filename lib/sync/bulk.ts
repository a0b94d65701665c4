import type { ColumnType, TableSpec, Value } from "./table-specs";

// Set-based writes for the sync: upsert that only touches changed rows, delete what a complete
// read no longer saw, and staging for units too big to hold in memory. Values travel as one array
// per column (unnest), so the parameter count is the column count whatever the batch size.

import { createHash } from "node:crypto";

export interface Queryable {
  query(text: string | { name?: string; text: string; values?: unknown[] }, values?: unknown[]): Promise<{ rowCount: number | null; rows: Array<Record<string, unknown>> }>;
}

/**
 * Runs a statement as a named prepared statement: the sync sends the same few statement texts
 * thousands of times (one array per column, whatever the row count), so each connection parses
 * and plans each text once.
 */
export function prepared(db: Queryable, text: string, values: unknown[]) {
  const name = `bg_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
  return db.query({ name, text, values });
}

/** Rows of one table held column by column (less memory than objects, and what unnest wants). */
export class ColumnBuffer {
  readonly cols: Value[][];
  length = 0;
  constructor(readonly width: number) {
    this.cols = Array.from({ length: width }, () => []);
  }
  push(values: Value[]): void {
    for (let i = 0; i < this.width; i++) {
      const v = values[i] ?? null;
      // ISO text is what PostgreSQL parses anyway; pg's own Date formatting costs more.
      this.cols[i]!.push(v instanceof Date ? v.toISOString() : v);
    }
    this.length++;
  }
  clear(): void {
    for (const c of this.cols) c.length = 0;
    this.length = 0;
  }
}

const q = (name: string) => `"${name}"`;
const SCOPE_TYPES: Record<string, string> = { tenant_id: "uuid", account_id: "text", region: "text" };

/** Array-valued columns travel as JSON text and are unpacked in SQL (unnest would flatten them). */
const paramType = (t: ColumnType) => (t === "text[]" ? "jsonb" : t);
const selectExpr = (alias: string, name: string, t: ColumnType) => (t === "text[]" ? `coalesce(array(select jsonb_array_elements_text(${alias}.${q(name)})), '{}')` : `${alias}.${q(name)}`);

function allColumns<T>(spec: TableSpec<T>) {
  return [...spec.key, ...spec.columns];
}

function conflictClause<T>(spec: TableSpec<T>): string {
  const target = [...spec.scope, ...spec.key.map(([n]) => n)].map(q).join(", ");
  const set = spec.columns.map(([n]) => `${q(n)} = excluded.${q(n)}`).join(", ");
  const cmp = spec.columns.map(([n]) => `${q(spec.table)}.${q(n)}`).join(", ");
  const ex = spec.columns.map(([n]) => `excluded.${q(n)}`).join(", ");
  // Unchanged rows are not rewritten (no dead tuples, no WAL) and not counted as changes.
  return spec.columns.length
    ? `on conflict (${target}) do update set ${set} where (${cmp}) is distinct from (${ex})`
    : `on conflict (${target}) do nothing`;
}

function scopeParams<T>(spec: TableSpec<T>, offset: number): string[] {
  return spec.scope.map((s, i) => `$${offset + i + 1}::${SCOPE_TYPES[s] ?? "text"}`);
}

/** Keeps the last row per key (a duplicated page must not make one statement touch a row twice). */
export function dedupeByKey<T>(spec: TableSpec<T>, buf: ColumnBuffer): ColumnBuffer {
  const k = spec.key.length;
  const seen = new Map<string, number>();
  for (let r = 0; r < buf.length; r++) {
    let key = "";
    for (let i = 0; i < k; i++) {
      const v = buf.cols[i]![r];
      key += (v instanceof Date ? v.toISOString() : String(v)) + "\u0000";
    }
    seen.set(key, r);
  }
  if (seen.size === buf.length) return buf;
  const out = new ColumnBuffer(buf.width);
  const keep = [...seen.values()].sort((a, b) => a - b);
  for (const r of keep) out.push(buf.cols.map((c) => c[r] ?? null));
  return out;
}

/**
 * Upserts in-memory rows of one unit; returns how many rows were inserted or changed. `fresh`:
 * the unit has never been published, so it has no rows and a plain insert (no conflict checks,
 * PostgreSQL's speculative insertion skipped) is enough.
 */
export async function upsertRows<T>(db: Queryable, spec: TableSpec<T>, scope: readonly string[], rows: ColumnBuffer, fresh = false): Promise<number> {
  if (rows.length === 0) return 0;
  const buf = dedupeByKey(spec, rows);
  const cols = allColumns(spec);
  const n = spec.scope.length;
  const unnest = cols.map(([, t], i) => `$${n + i + 1}::${paramType(t)}[]`).join(", ");
  const alias = cols.map(([c]) => q(c)).join(", ");
  const select = [...scopeParams(spec, 0), ...cols.map(([c, t]) => selectExpr("u", c, t))].join(", ");
  const text = `insert into ${q(spec.table)} (${[...spec.scope, ...cols.map(([c]) => c)].map(q).join(", ")})
    select ${select} from unnest(${unnest}) as u(${alias}) ${fresh ? "" : conflictClause(spec)}`;
  const res = await prepared(db, text, [...scope, ...buf.cols]);
  return res.rowCount ?? 0;
}

/** Deletes the unit's rows whose key is not among `rows` (a complete read no longer saw them). */
export async function deleteMissing<T>(db: Queryable, spec: TableSpec<T>, scope: readonly string[], rows: ColumnBuffer): Promise<number> {
  const n = spec.scope.length;
  const where = spec.scope.map((s, i) => `${q(s)} = $${i + 1}`).join(" and ");
  const keys = spec.key.map(([c]) => q(c)).join(", ");
  const unnest = spec.key.map(([, t], i) => `$${n + i + 1}::${t}[]`).join(", ");
  const res = await prepared(db, `delete from ${q(spec.table)} where ${where} and (${keys}) not in (select * from unnest(${unnest}))`, [...scope, ...rows.cols.slice(0, spec.key.length)]);
  return res.rowCount ?? 0;
}

/** Deletes every row of the unit in this table (e.g. a vault that is gone takes its points along). */
export async function deleteWhere<T>(db: Queryable, spec: TableSpec<T>, scope: readonly string[], extra?: { column: string; notIn: string[] }): Promise<number> {
  const n = spec.scope.length;
  const where = spec.scope.map((s, i) => `${q(s)} = $${i + 1}`).join(" and ");
  const text = extra ? `delete from ${q(spec.table)} where ${where} and not (${q(extra.column)} = any($${n + 1}::text[]))` : `delete from ${q(spec.table)} where ${where}`;
  const res = await prepared(db, text, extra ? [...scope, extra.notIn] : [...scope]);
  return res.rowCount ?? 0;
}

/** Appends rows to the staging table under an attempt id. */
export async function stageRows<T>(db: Queryable, spec: TableSpec<T>, attemptId: string, scope: readonly string[], rows: ColumnBuffer): Promise<void> {
  if (!spec.staging) throw new Error(`${spec.table} has no staging table`);
  if (rows.length === 0) return;
  const cols = allColumns(spec);
  const n = spec.scope.length + 1;
  const unnest = cols.map(([, t], i) => `$${n + i + 1}::${paramType(t)}[]`).join(", ");
  const alias = cols.map(([c]) => q(c)).join(", ");
  const select = ["$1::bigint", ...scopeParams(spec, 1), ...cols.map(([c, t]) => selectExpr("u", c, t))].join(", ");
  await prepared(
    db,
    `insert into ${q(spec.staging)} ("attempt_id", ${[...spec.scope, ...cols.map(([c]) => c)].map(q).join(", ")})
     select ${select} from unnest(${unnest}) as u(${alias})`,
    [attemptId, ...scope, ...rows.cols],
  );
  spilledAttempts.add(attemptId);
}

/** Upserts a staged attempt into the current table; returns rows inserted or changed. */
export async function mergeStaged<T>(db: Queryable, spec: TableSpec<T>, attemptId: string, fresh = false): Promise<number> {
  const cols = [...spec.scope, ...allColumns(spec).map(([c]) => c)].map(q).join(", ");
  const keys = spec.key.map(([c]) => q(c)).join(", ");
  const res = await prepared(
    db,
    `insert into ${q(spec.table)} (${cols})
     select distinct on (${keys}) ${cols} from ${q(spec.staging!)} where attempt_id = $1 order by ${keys}
     ${fresh ? "" : conflictClause(spec)}`,
    [attemptId],
  );
  return res.rowCount ?? 0;
}

/** Deletes the unit's rows that the staged (complete) read did not contain. */
export async function deleteMissingStaged<T>(db: Queryable, spec: TableSpec<T>, attemptId: string, scope: readonly string[]): Promise<number> {
  const n = spec.scope.length;
  const where = spec.scope.map((s, i) => `t.${q(s)} = $${i + 1}`).join(" and ");
  const match = spec.key.map(([c]) => `s.${q(c)} = t.${q(c)}`).join(" and ");
  const res = await prepared(
    db,
    `delete from ${q(spec.table)} t where ${where} and not exists (select 1 from ${q(spec.staging!)} s where s.attempt_id = $${n + 1} and ${match})`,
    [...scope, attemptId],
  );
  return res.rowCount ?? 0;
}

export const STAGING_TABLES = ["stg_recovery_points", "stg_protected_resources", "stg_resources", "stg_backup_jobs", "stg_copy_jobs", "stg_restore_jobs"] as const;

/** Attempts of this process that wrote staging rows (the others need no clean-up). */
const spilledAttempts = new Set<string>();

/** Deletes an attempt's staging rows; `force` when the attempt was another process's (a dead worker's). */
export async function clearStaging(db: Queryable, attemptId: string, force = false): Promise<void> {
  if (!force && !spilledAttempts.has(attemptId)) return;
  for (const t of STAGING_TABLES) await prepared(db, `delete from ${q(t)} where attempt_id = $1`, [attemptId]);
  spilledAttempts.delete(attemptId);
}
