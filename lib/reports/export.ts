import { csvPreamble, csvStream } from "./csv";

// Streamed exports in CSV or JSON with a header saying what the file holds: tenant, filters, the
// "as of" time and when it was generated. Rows arrive in pages; the file is never held in memory.

export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportMeta {
  tenant: string;
  table: string;
  filters: Record<string, unknown>;
  /** The data's "as of" time (the snapshot or history date it was read from). */
  asOf: string;
  generatedAt: string;
}

function jsonStream(meta: ExportMeta, header: string[], rows: AsyncIterable<unknown[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  let first = true;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(`{"meta":${JSON.stringify({ ...meta, columns: header })},"rows":[`));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.enqueue(encoder.encode("]}\n"));
        return controller.close();
      }
      const chunk = next.value
        .map((values) => {
          const object = Object.fromEntries(
            header.map((key, i) => [
              key,
              values[i] instanceof Date ? (values[i] as Date).toISOString() : (values[i] ?? null),
            ]),
          );
          const text = JSON.stringify(object);
          const out = first ? `\n${text}` : `,\n${text}`;
          first = false;
          return out;
        })
        .join("");
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * `csvText`, when given, is the CSV body's records already formatted (csvRowSql): a CSV export
 * then reads it instead of `rows`, which only a JSON export reads.
 */
export function exportResponse(
  format: ExportFormat,
  meta: ExportMeta,
  header: string[],
  rows: AsyncIterable<unknown[][]>,
  csvText?: AsyncIterable<string>,
): Response {
  const stamp = meta.generatedAt.slice(0, 19).replace(/[:T]/g, "-");
  const filename = `${meta.tenant}-${meta.table}-${stamp}.${format}`.replace(/[^\w.-]+/g, "_");
  const body =
    format === "csv"
      ? csvStream(
          csvPreamble({
            tenant: meta.tenant,
            table: meta.table,
            filters: JSON.stringify(meta.filters),
            as_of: meta.asOf,
            generated_at: meta.generatedAt,
          }),
          header,
          csvText ?? rows,
        )
      : jsonStream(meta, header, rows);
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
