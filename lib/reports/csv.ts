// RFC 4180 CSV. Cells that a spreadsheet would run as a formula (= + - @ tab CR at the start) get a
// leading apostrophe: exported evidence must never execute (OWASP "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text =
    value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Leading `# key: value` lines saying what the file holds; readers skip lines starting with #. */
export function csvPreamble(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `# ${k}: ${v.replace(/[\r\n]+/g, " ")}\r\n`)
    .join("");
}

/** Streams rows from an async source as a CSV response body, never holding the whole file. */
export function csvStream(
  preamble: string,
  header: string[],
  rows: AsyncIterable<unknown[][]>,
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
      controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
