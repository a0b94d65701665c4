// RFC 4180 CSV with one rule for every cell the product writes: preamble, header and data alike
// (OWASP "CSV injection"). Every cell is quoted, so a `,`, `;` (the list separator of many
// locales), tab, CR or LF inside a value never splits it into cells a spreadsheet would read on
// their own; inner quotes are doubled; and a cell starting with = + - @ tab or CR gets a leading
// apostrophe, so a spreadsheet shows it as text and never runs it as a formula. Exported evidence
// must never execute, whatever a filter, a tenant's name or a tenant's AWS data holds.

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

/**
 * Leading rows saying what the file holds, two cells each: `# key` and the value. Readers skip the
 * records whose first cell starts with `#`.
 */
export function csvPreamble(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => csvRow([`# ${k}`, v]))
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
