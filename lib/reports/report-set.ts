import { createWriteStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import type { Db } from "@/db";
import { iterateFindings } from "@/lib/compliance/read/findings";
import { eq } from "drizzle-orm";
import { tenants } from "@/db/schema";
import { AUDIT_MANAGER_REPORTS, type AuditManagerTemplate } from "@/lib/reports/audit-manager/columns";
import { writeAuditManagerReport } from "@/lib/reports/audit-manager/write-report";
import { writeAuditLogExtract } from "@/lib/reports/evidence/audit-extract";
import { AUDIT_EXTRACT } from "@/lib/reports/evidence/bundle-layout";
import { writeEvidenceBundle } from "@/lib/reports/evidence/bundle-write";
import {
  frameworkReportScore,
  loadFrameworkReport,
  writeFrameworkReportHtml,
  writeFrameworkReportPdf,
} from "@/lib/reports/framework";
import { periodAsOf, periodDays, type ReportPeriod } from "@/lib/reports/period";
import type { ReportProducer } from "@/lib/reports/schedules/run";
import { clock } from "@/lib/clock";

// One framework's reports over one period, as a set: the PDF, the HTML, the five Audit-Manager
// CSVs, and the evidence bundle that holds them with the findings (and their evidence) and the
// audit log of the period. The report CLI, the bundle download and scheduled delivery all make it
// here, so what an auditor downloads and what a pipeline receives are the same files.

export interface ReportSetRequest {
  tenantId: string;
  tenantName: string;
  templateSlug: string;
  period: ReportPeriod;
  /** Who asked, as the cover and the manifest name them. */
  generatedBy: string;
  accountIds?: string[];
  regions?: string[];
}

export interface ReportSet {
  pdf: string;
  html: string;
  csv: string[];
  bundle: string;
  /** The framework's headline score as the report shows it (0..1), or null when nothing applies. */
  score: number | null;
}

/** Writes into `out` and resolves once the file is complete on disk. */
export async function toFile(file: string, write: (out: NodeJS.WritableStream) => Promise<unknown>): Promise<void> {
  const out = createWriteStream(file);
  try {
    await write(out);
  } finally {
    out.end();
  }
  await finished(out);
}

/** The findings of the framework as of the period's end, each with the evidence that decided it. */
async function writeFindings(db: Db, req: ReportSetRequest, file: string): Promise<number> {
  const asOf = periodAsOf(req.period, clock.now());
  let written = 0;
  await toFile(file, async (out) => {
    const findings = iterateFindings(db, {
      tenantId: req.tenantId,
      asOf,
      templateSlug: req.templateSlug,
      evidence: true,
    });
    for await (const rows of findings) {
      for (const f of rows) {
        if (!out.write(`${JSON.stringify(f)}\n`)) await new Promise((r) => out.once("drain", r));
        written++;
      }
    }
  });
  return written;
}

/** The reports alone (no bundle), into `dir`; returns their names relative to it. */
async function writeReports(db: Db, req: ReportSetRequest, dir: string) {
  const report = await loadFrameworkReport(db, {
    tenantId: req.tenantId,
    templateSlug: req.templateSlug,
    period: req.period,
    generatedBy: req.generatedBy,
  });
  const { from, to } = periodDays(req.period);
  const stem = `${req.templateSlug}-${from}-to-${to}`;
  await mkdir(dir, { recursive: true });
  const pdf = `${stem}.pdf`;
  const html = `${stem}.html`;
  await toFile(path.join(dir, pdf), (out) => writeFrameworkReportPdf(db, report, out));
  await toFile(path.join(dir, html), (out) => writeFrameworkReportHtml(db, report, out));
  const csv: string[] = [];
  for (const template of AUDIT_MANAGER_REPORTS) {
    const name = `${template}-${from}-to-${to}.csv`;
    await toFile(path.join(dir, name), (out) =>
      writeAuditManagerReport(
        db,
        {
          tenantId: req.tenantId,
          template,
          period: req.period,
          accountIds: req.accountIds,
          regions: req.regions,
          format: "csv",
        },
        out,
      ),
    );
    csv.push(name);
  }
  return { report, pdf, html, csv };
}

/** Writes the whole set into `outDir` (created when missing) and returns the files' paths. */
export async function writeReportSet(db: Db, req: ReportSetRequest, outDir: string): Promise<ReportSet> {
  const staging = await mkdtemp(path.join(tmpdir(), "report-set-"));
  try {
    const { report, pdf, html, csv } = await writeReports(db, req, path.join(staging, "reports"));
    await mkdir(path.join(staging, "findings"));
    const findings = await writeFindings(db, req, path.join(staging, "findings", "findings.jsonl"));
    await mkdir(path.join(staging, "audit-log"));
    await writeAuditLogExtract(
      db,
      { period: req.period, tenantId: req.tenantId },
      path.join(staging, "audit-log", AUDIT_EXTRACT),
    );
    const reportFiles = [pdf, html, ...csv].map((f) => `reports/${f}`);
    const files = [...reportFiles, "findings/findings.jsonl", `audit-log/${AUDIT_EXTRACT}`];
    await mkdir(outDir, { recursive: true });
    const { from, to } = periodDays(req.period);
    const bundle = path.join(outDir, `evidence-${req.templateSlug}-${from}-to-${to}.zip`);
    const score = frameworkReportScore(report);
    await writeEvidenceBundle({
      sourceDir: staging,
      files,
      outFile: bundle,
      meta: {
        tenant: req.tenantName,
        framework: req.templateSlug,
        period: { from, to },
        asOf: periodAsOf(req.period, clock.now()).toISOString(),
        generatedAt: clock.now().toISOString(),
        generatedBy: req.generatedBy,
        score,
        findings,
      },
    });
    for (const f of reportFiles) await copyFile(path.join(staging, f), path.join(outDir, path.basename(f)));
    return {
      pdf: path.join(outDir, pdf),
      html: path.join(outDir, html),
      csv: csv.map((f) => path.join(outDir, f)),
      bundle,
      score,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * What a report schedule delivers (lib/reports/schedules): a framework report as PDF or HTML, one
 * Audit-Manager layout as CSV or JSON, or the whole set with its signed evidence bundle, written
 * into `dir` by the same code as the downloads.
 */
export function scheduledReportProducer(db: Db): ReportProducer {
  return async (spec, dir, { tenantId, period }) => {
    const [tenant] = await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
    if (!tenant) throw new Error("the organization no longer exists");
    const req: ReportSetRequest = {
      tenantId,
      tenantName: tenant.name,
      templateSlug: spec.templateSlug ?? "",
      period,
      generatedBy: "scheduled delivery",
    };
    const { from, to } = periodDays(period);
    if (spec.kind === "bundle") {
      const set = await writeReportSet(db, req, dir);
      return { files: [set.pdf, set.html, ...set.csv, set.bundle].map((f) => path.basename(f)) };
    }
    if (spec.kind === "framework") {
      const format = spec.format === "html" ? "html" : "pdf";
      const report = await loadFrameworkReport(db, req);
      const name = `${req.templateSlug}-${from}-to-${to}.${format}`;
      await toFile(path.join(dir, name), (out) =>
        (format === "pdf" ? writeFrameworkReportPdf : writeFrameworkReportHtml)(db, report, out),
      );
      return { files: [name] };
    }
    const format = spec.format === "json" ? "json" : "csv";
    const name = `${spec.amTemplate}-${from}-to-${to}.${format}`;
    await toFile(path.join(dir, name), (out) =>
      writeAuditManagerReport(db, { tenantId, template: spec.amTemplate as AuditManagerTemplate, period, format }, out),
    );
    return { files: [name] };
  };
}
