import { createHash } from "node:crypto";
import type { ColumnType, TableSpec, Value } from "./table-specs";

// Set-based writes for the sync: upsert that only touches changed rows, delete what a complete
// read no longer saw, and staging for units too big to hold in memory. Values travel as one array
// per column (unnest), so the parameter count is the column count whatever the batch size.
// Statements are built first and then run alone or, for a publish, as ONE statement whose parts
// are data-modifying CTEs: one round trip per unit instead of ~25, each of which cost more
// waiting on a busy event loop than PostgreSQL spent running it.

export interface Queryable {
  query(
    text: string | { name?: string; text: string; values?: unknown[] },
    values?: unknown[],
  ): Promise<{ rowCount: number | null; rows: Array<Record<string, unknown>> }>;
}

/** A statement whose placeholders are numbered by `p` (so several can share one parameter list). */
export interface Statement {
  text(p: (i: number) => string): string;
  values: unknown[];
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

export async function execute(db: Queryable, s: Statement): Promise<number> {
  return (
    (
      await prepared(
        db,
        s.text((i) => `$${i}`),
        s.values,
      )
    ).rowCount ?? 0
  );
}

/**
 * Runs every statement in one: `with s1 as (… returning 1), s2 as (…) select count(s1) + …`.
 * The parts see the same snapshot, so they must touch disjoint rows (an upsert of the keys read
 * and a delete of the keys not read do). Returns the rows the parts changed.
 */
export async function executeAll(db: Queryable, statements: ReadonlyArray<Statement | null>): Promise<number> {
  const parts = statements.filter((s): s is Statement => s !== null);
  if (parts.length === 0) return 0;
  if (parts.length === 1) return execute(db, parts[0]!);
  const values: unknown[] = [];
  const ctes = parts.map((s, k) => {
    const base = values.length;
    values.push(...s.values);
    return `s${k} as (${s.text((i) => `$${base + i}`)} returning 1)`;
  });
  const sum = parts.map((_, k) => `(select count(*) from s${k})`).join(" + ");
  const res = await prepared(db, `with ${ctes.join(",\n")} select (${sum})::int as n`, values);
  return (res.rows[0]?.n as number | undefined) ?? 0;
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
}

const q = (name: string) => `"${name}"`;
const SCOPE_TYPES: Record<string, string> = { tenant_id: "uuid", account_id: "text", region: "text" };

/** Array-valued columns travel as JSON text and are unpacked in SQL (unnest would flatten them). */
const paramType = (t: ColumnType) => (t === "text[]" || t === "int4[]" ? "jsonb" : t);
const selectExpr = (alias: string, name: string, t: ColumnType) =>
  t === "text[]"
    ? `coalesce(array(select jsonb_array_elements_text(${alias}.${q(name)})), '{}')`
    : t === "int4[]"
      ? `coalesce(array(select jsonb_array_elements_text(${alias}.${q(name)})::int4), '{}')`
      : `${alias}.${q(name)}`;

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

const scopeWhere = (scope: readonly string[], p: (i: number) => string, alias = "") =>
  scope.map((s, i) => `${alias}${q(s)} = ${p(i + 1)}`).join(" and ");
const scopeSelect = (scope: readonly string[], p: (i: number) => string, offset = 0) =>
  scope.map((s, i) => `${p(offset + i + 1)}::${SCOPE_TYPES[s] ?? "text"}`);

/** Keeps the last row per key (a duplicated page must not make one statement touch a row twice). */
export function dedupeByKey<T>(spec: TableSpec<T>, buf: ColumnBuffer): ColumnBuffer {
  const k = spec.key.length;
  const seen = new Map<string, number>();
  for (let r = 0; r < buf.length; r++) {
    let key = "";
    for (let i = 0; i < k; i++) key += `${String(buf.cols[i]![r])}\u0000`;
    seen.set(key, r);
  }
  if (seen.size === buf.length) return buf;
  const out = new ColumnBuffer(buf.width);
  for (const r of [...seen.values()].sort((a, b) => a - b)) out.push(buf.cols.map((c) => c[r] ?? null));
  return out;
}

/**
 * Upsert of in-memory rows of one unit (null when there are none). `fresh`: the unit has never
 * been published, so it has no rows and a plain insert (no speculative insertion) is enough.
 */
export function upsertStatement<T>(
  spec: TableSpec<T>,
  scope: readonly string[],
  rows: ColumnBuffer,
  fresh = false,
): Statement | null {
  if (rows.length === 0) return null;
  const buf = dedupeByKey(spec, rows);
  const cols = allColumns(spec);
  const n = spec.scope.length;
  return {
    values: [...scope, ...buf.cols],
    text: (p) => {
      const unnest = cols.map(([, t], i) => `${p(n + i + 1)}::${paramType(t)}[]`).join(", ");
      const select = [...scopeSelect(spec.scope, p), ...cols.map(([c, t]) => selectExpr("u", c, t))].join(", ");
      return `insert into ${q(spec.table)} (${[...spec.scope, ...cols.map(([c]) => c)].map(q).join(", ")})
        select ${select} from unnest(${unnest}) as u(${cols.map(([c]) => q(c)).join(", ")}) ${fresh ? "" : conflictClause(spec)}`;
    },
  };
}

/**
 * A further condition on the rows a delete may touch, over the table aliased `t`; its
 * placeholders are numbered from 1 by `p` and its values appended after the statement's own.
 */
export interface DeleteFilter {
  values: unknown[];
  sql(p: (i: number) => string): string;
}

const filterSql = (f: DeleteFilter | undefined, p: (i: number) => string, offset: number) =>
  f ? ` and (${f.sql((i) => p(offset + i))})` : "";

/** Delete of the unit's rows whose key is not among `rows` (a complete read no longer saw them). */
export function deleteMissingStatement<T>(
  spec: TableSpec<T>,
  scope: readonly string[],
  rows: ColumnBuffer,
  filter?: DeleteFilter,
): Statement {
  const n = spec.scope.length;
  const k = spec.key.length;
  return {
    values: [...scope, ...rows.cols.slice(0, k), ...(filter?.values ?? [])],
    text: (p) =>
      `delete from ${q(spec.table)} t where ${scopeWhere(spec.scope, p, "t.")} and (${spec.key.map(([c]) => `t.${q(c)}`).join(", ")}) not in (select * from unnest(${spec.key.map(([, t], i) => `${p(n + i + 1)}::${t}[]`).join(", ")}))${filterSql(filter, p, n + k)}`,
  };
}

/** Delete of the unit's rows, optionally keeping those whose `column` is in `notIn`. */
export function deleteWhereStatement<T>(
  spec: TableSpec<T>,
  scope: readonly string[],
  extra?: { column: string; notIn: string[] },
): Statement {
  return {
    values: extra ? [...scope, extra.notIn] : [...scope],
    text: (p) =>
      `delete from ${q(spec.table)} where ${scopeWhere(spec.scope, p)}${extra ? ` and not (${q(extra.column)} = any(${p(spec.scope.length + 1)}::text[]))` : ""}`,
  };
}

export function stageStatement<T>(
  spec: TableSpec<T>,
  attemptId: string,
  scope: readonly string[],
  rows: ColumnBuffer,
): Statement {
  if (!spec.staging) throw new Error(`${spec.table} has no staging table`);
  const cols = allColumns(spec);
  const n = spec.scope.length + 1;
  return {
    values: [attemptId, ...scope, ...rows.cols],
    text: (p) => {
      const unnest = cols.map(([, t], i) => `${p(n + i + 1)}::${paramType(t)}[]`).join(", ");
      const select = [
        `${p(1)}::bigint`,
        ...scopeSelect(spec.scope, p, 1),
        ...cols.map(([c, t]) => selectExpr("u", c, t)),
      ].join(", ");
      return `insert into ${q(spec.staging!)} ("attempt_id", ${[...spec.scope, ...cols.map(([c]) => c)].map(q).join(", ")})
        select ${select} from unnest(${unnest}) as u(${cols.map(([c]) => q(c)).join(", ")})`;
    },
  };
}

/** Upsert of a staged attempt into the current table (the staging rows must be committed or earlier statements). */
export function mergeStagedStatement<T>(spec: TableSpec<T>, attemptId: string, fresh = false): Statement {
  const cols = [...spec.scope, ...allColumns(spec).map(([c]) => c)].map(q).join(", ");
  const keys = spec.key.map(([c]) => q(c)).join(", ");
  return {
    values: [attemptId],
    text: (p) =>
      `insert into ${q(spec.table)} (${cols}) select distinct on (${keys}) ${cols} from ${q(spec.staging!)} where attempt_id = ${p(1)} order by ${keys} ${fresh ? "" : conflictClause(spec)}`,
  };
}

/** Delete of the unit's rows that the staged (complete) read did not contain. */
export function deleteMissingStagedStatement<T>(
  spec: TableSpec<T>,
  attemptId: string,
  scope: readonly string[],
  filter?: DeleteFilter,
): Statement {
  const match = spec.key.map(([c]) => `s.${q(c)} = t.${q(c)}`).join(" and ");
  return {
    values: [...scope, attemptId, ...(filter?.values ?? [])],
    text: (p) =>
      `delete from ${q(spec.table)} t where ${scopeWhere(spec.scope, p, "t.")} and not exists (select 1 from ${q(spec.staging!)} s where s.attempt_id = ${p(spec.scope.length + 1)} and ${match})${filterSql(filter, p, spec.scope.length + 1)}`,
  };
}

/** Appends rows to the staging table under an attempt id. */
export async function stageRows<T>(
  db: Queryable,
  spec: TableSpec<T>,
  attemptId: string,
  scope: readonly string[],
  rows: ColumnBuffer,
): Promise<void> {
  if (rows.length === 0) return;
  await execute(db, stageStatement(spec, attemptId, scope, rows));
  spilledAttempts.add(attemptId);
}

export const STAGING_TABLES = [
  "stg_recovery_points",
  "stg_protected_resources",
  "stg_resources",
  "stg_backup_jobs",
  "stg_copy_jobs",
  "stg_restore_jobs",
  "stg_scan_jobs",
] as const;

/** Attempts of this process that wrote staging rows (the others need no clean-up). */
const spilledAttempts = new Set<string>();

/** Statements deleting an attempt's staging rows; `force` for another process's attempt (a dead worker's). */
export function clearStagingStatements(attemptId: string, force = false): Statement[] {
  if (!force && !spilledAttempts.has(attemptId)) return [];
  spilledAttempts.delete(attemptId);
  return STAGING_TABLES.map((t) => ({
    values: [attemptId],
    text: (p: (i: number) => string) => `delete from ${q(t)} where attempt_id = ${p(1)}`,
  }));
}

export async function clearStaging(db: Queryable, attemptId: string, force = false): Promise<void> {
  await executeAll(db, clearStagingStatements(attemptId, force));
}
