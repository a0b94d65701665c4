import { z } from "zod";
import type { Db } from "@/db";

// A table the dashboard shows and exports. The page and the export share one definition (filters,
// columns, the same WHERE), so an export holds exactly the rows of the filtered view.

export interface TableColumn<Row> {
  key: string;
  label: string;
  /** The value written to CSV/JSON (the page may render it differently). */
  value: (row: Row) => unknown;
}

export interface TablePage<Row> {
  rows: Row[];
  /** Opaque cursor of the next page (keyset), or null at the end. */
  next: string | null;
  /** Exact count when cheap, otherwise an estimate flagged as such. */
  total: { count: number; exact: boolean } | null;
}

export interface TableScope {
  tenantId: string;
  /** For tables read from history ("as of" a past date); null means current. */
  asOf: Date | null;
}

export interface TableDefinition<Filters extends Record<string, unknown>, Row> {
  name: string;
  title: string;
  /**
   * Whether the rows are history as of a date (findings, exceptions) rather than the current state:
   * an auditor's grant pins the first to its period and refuses the second outside it.
   */
  history?: boolean;
  /** Parses URL search params into filters; invalid values become a clear error. */
  filters: z.ZodType<Filters>;
  columns: TableColumn<Row>[];
  page(db: Db, scope: TableScope, filters: Filters, cursor: string | null, limit: number): Promise<TablePage<Row>>;
  /** Every matching row, in pages, for streamed exports (never the whole table in memory). */
  iterate(db: Db, scope: TableScope, filters: Filters): AsyncIterable<Row[]>;
  /**
   * The CSV export's records (the same rows and bytes as `iterate` through the columns and
   * csvRow), formatted by PostgreSQL in pages: for tables whose exports are too large for that.
   */
  csvText?(db: Db, scope: TableScope, filters: Filters): AsyncIterable<string>;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** A cursor this table did not make (edited, truncated, or from another table or sort). */
export class CursorError extends Error {
  constructor() {
    super("This page link is not valid (it may be from another table or view): start again from the first page.");
    this.name = "CursorError";
  }
}

/** Cursor parts: a keyset position's timestamp, and a row offset. */
export const cursorTime = z.iso.datetime().transform((v) => new Date(v));
export const cursorOffset = z.number().int().min(0).max(1_000_000_000);

/**
 * The position a cursor holds, checked against `shape` (what this table's encodeCursor writes);
 * null for the first page. Anything else is a CursorError, never a query with a forged value.
 */
export function decodeCursor<S extends z.ZodType>(cursor: string | null, shape: S): z.output<S> | null {
  if (!cursor) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new CursorError();
  }
  const parsed = shape.safeParse(value);
  if (!parsed.success) throw new CursorError();
  return parsed.data;
}

/** Drives `page` until the end: the shared implementation of `iterate`. */
export async function* iterateByPages<F extends Record<string, unknown>, Row>(
  page: TableDefinition<F, Row>["page"],
  db: Db,
  scope: TableScope,
  filters: F,
  pageSize = 5_000,
): AsyncIterable<Row[]> {
  let cursor: string | null = null;
  for (;;) {
    const result: TablePage<Row> = await page(db, scope, filters, cursor, pageSize);
    if (result.rows.length) yield result.rows;
    if (!result.next) return;
    cursor = result.next;
  }
}
