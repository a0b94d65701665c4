// The report bench's baseline, in a process of its own: the same not-passing checks of the
// framework streamed to CSV by the product's findings export (the findings table's pages through
// csvStream, as GET /t/<tenant>/export/findings does), one export per status, into a sink.
// tsx --conditions=react-server bench/report-baseline.ts --db <url> --tenant <id> --template <slug> --as-of <ISO>
import { createDb } from "@/db";
import { parseArgs } from "@/lib/cli/runtime";
import { findingsTable } from "@/lib/dashboard/tables/findings";
import { csvPreamble, csvStream } from "@/lib/reports/csv";
import { NOT_PASSING } from "@/lib/reports/framework/model";

const args = parseArgs(process.argv.slice(2));
const handle = createDb(String(args.db), { max: 4, applicationName: "bench-report-baseline" });
try {
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  const scope = { tenantId: String(args.tenant), asOf: new Date(String(args["as-of"])) };
  for (const status of NOT_PASSING) {
    const filters = findingsTable.filters.parse({ framework: String(args.template), status });
    async function* pages() {
      for await (const page of findingsTable.iterate(handle.db, scope, filters)) {
        rows += page.length;
        yield page.map((row) => findingsTable.columns.map((c) => c.value(row)));
      }
    }
    const body = csvStream(
      csvPreamble({ tenant: scope.tenantId, table: "findings" }),
      findingsTable.columns.map((c) => c.key),
      pages(),
    );
    const reader = body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  }
  const wall = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      wall_s: Math.round(wall * 100) / 100,
      cpu_s: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      rows,
      bytes,
    })}\n`,
  );
} finally {
  await handle.close();
}
