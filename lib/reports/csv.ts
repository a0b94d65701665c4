// RFC 4180 CSV with one rule for every cell the product writes: preamble, header and data alike
// (OWASP "CSV injection"). Every cell is quoted, so a `,`, `;` (the list separator of many
// locales), tab, CR or LF inside a value never splits it into cells a spreadsheet would read on
// their own; inner quotes are doubled; and a cell starting with = + - @ tab or CR gets a leading
// apostrophe, so a spreadsheet shows it as text and never runs it as a formula. Exported evidence
// must never execute, whatever a filter, a tenant's name or a tenant's AWS data holds.

import { sql, type SQL } from "drizzle-orm";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  let text =
    value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** What a column holds, for csvCellSql: each kind is written as csvCell writes its JavaScript value. */
export type CsvSqlKind = "text" | "integer" | "boolean" | "timestamp";

/**
 * csvCell computed by PostgreSQL, for exports too large to format row by row in JavaScript (a
 * million recovery points: reading each row into an object and formatting it in the server cost
 * about 40 µs a row). The same bytes as csvCell of the value node-postgres reads: a timestamp as
 * Date#toISOString (UTC, milliseconds truncated), a boolean as true/false, an integer as its
 * digits, null as an empty cell, and text under the same formula and quote rules.
 */
export function csvCellSql(value: SQL | { getSQL(): SQL }, kind: CsvSqlKind): SQL {
  const text =
    kind === "timestamp"
      ? sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : kind === "boolean"
        ? sql`case when ${value} then 'true' else 'false' end`
        : sql`(${value})::text`;
  const safe =
    kind === "text"
      ? sql`case when left(${text}, 1) in ('=', '+', '-', '@', chr(9), chr(13)) then '''' || ${text} else ${text} end`
      : text;
  return sql`coalesce('"' || replace(${safe}, '"', '""') || '"', '""')`;
}

/** csvRow computed by PostgreSQL: the cells of csvCellSql, comma-separated, ending in CRLF. */
export function csvRowSql(cells: SQL[]): SQL {
  return sql`concat_ws(',', ${sql.join(cells, sql`, `)}) || chr(13) || chr(10)`;
}

/**
 * Leading rows saying what the file holds, two cells each: `# key` and the value. Readers skip the
 * records whose first cell starts with `#`.
 */
export function csvPreamble(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => csvRow([`# ${k}`, v]))
    .join("");
}

/**
 * Streams rows from an async source as a CSV response body, never holding the whole file: pages
 * of values, or text already formatted by csvRowSql. Reading the next page waits until the client
 * took the last (pull), so memory holds a page whatever the file's size. A source that fails
 * mid-way errors the stream, and the server aborts the response (no final chunk): a client sees
 * a failed download, never a shorter file that looks complete.
 */
export function csvStream(
  preamble: string,
  header: string[],
  rows: AsyncIterable<unknown[][] | string>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(preamble + csvRow(header)));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) return controller.close();
      const text = typeof next.value === "string" ? next.value : next.value.map(csvRow).join("");
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
