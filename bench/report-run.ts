// One measured framework report in a process of its own, so its peak RSS is the report's alone:
// tsx --conditions=react-server bench/report-run.ts --db <url> --tenant <id> --template <slug>
//   --from YYYY-MM-DD --to YYYY-MM-DD --now <epoch ms> --format pdf|html
// Loads the model and renders it to a temporary file (removed after), then prints one JSON line.
import { createReadStream, createWriteStream } from "node:fs";
import { stat, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDb } from "@/db";
import { parseArgs } from "@/lib/cli/runtime";
import {
  frameworkReportScore,
  loadFrameworkReport,
  writeFrameworkReportHtml,
  writeFrameworkReportPdf,
} from "@/lib/reports/framework";
import { parsePeriod } from "@/lib/reports/period";

/** Pages of a pdfkit PDF: its page objects, counted as the file streams by. */
async function countPages(file: string): Promise<number> {
  let n = 0;
  let tail = "";
  for await (const chunk of createReadStream(file, { encoding: "latin1" })) {
    const text = tail + (chunk as string);
    n += text.match(/\/Type \/Page\n/g)?.length ?? 0;
    // Keep a tail shorter than the marker, so a marker split across chunks is counted once.
    tail = text.slice(-11);
  }
  return n;
}

const args = parseArgs(process.argv.slice(2));
const format = String(args.format ?? "pdf");
if (format !== "pdf" && format !== "html") throw new Error(`--format must be pdf or html, not ${format}`);
const handle = createDb(String(args.db), { max: 4, applicationName: "bench-report-run" });
const file = path.join(tmpdir(), `bench-report-${process.pid}.${format}`);
try {
  const t0 = performance.now();
  const report = await loadFrameworkReport(handle.db, {
    tenantId: String(args.tenant),
    templateSlug: String(args.template),
    period: parsePeriod(String(args.from), String(args.to)),
    generatedBy: "bench@example.com",
    now: new Date(Number(args.now)),
  });
  const t1 = performance.now();
  const out = createWriteStream(file);
  await (format === "pdf" ? writeFrameworkReportPdf : writeFrameworkReportHtml)(handle.db, report, out);
  const t2 = performance.now();
  const bytes = (await stat(file)).size;
  const pages = format === "pdf" ? await countPages(file) : null;
  process.stdout.write(
    `${JSON.stringify({
      format,
      wall_s: Math.round((t2 - t0) / 10) / 100,
      load_s: Math.round((t1 - t0) / 10) / 100,
      render_s: Math.round((t2 - t1) / 10) / 100,
      cpu_s: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      bytes,
      pages,
      not_passing: report.notPassingListed,
      trend_days: report.trend.length,
      score: frameworkReportScore(report),
    })}\n`,
  );
} finally {
  await unlink(file).catch(() => undefined);
  await handle.close();
}
