import { writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { clock } from "@/lib/clock";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { createException } from "@/lib/compliance/exceptions";
import type { ExceptionView } from "@/lib/compliance/read/exceptions-at";
import { listFindings, type FindingRow } from "@/lib/compliance/read/findings";
import { getScores } from "@/lib/compliance/read/scores";
import { formatScore } from "@/lib/compliance/scoring/score-text";
import {
  frameworkReportScore,
  loadFrameworkReport,
  writeFrameworkReportHtml,
  writeFrameworkReportPdf,
  type FrameworkReport,
} from "@/lib/reports/framework";
import { countsParts } from "@/lib/reports/framework/layout";
import { failingPages, NOT_PASSING } from "@/lib/reports/framework/model";
import { parsePeriod } from "@/lib/reports/period";
import { benchWorld } from "@/sim/world/bench";
import { testDb } from "@/tests/helpers/db";
import { makeUser } from "@/tests/helpers/fixtures";
import { syncWorld, type SyncedWorld } from "../compliance/sync-world";

// A framework report of a synced and evaluated world, rendered to PDF and HTML, read back (the
// PDF's text through pdfjs) and held against the readers the dashboard uses: the same score, the
// same counts per requirement, every not-passing check by its ARN (more than one page of the
// findings reader), the exception with its reason, owner, approver and expiry; page numbers on
// every page and a table of contents whose numbers are the pages the sections start on.

const SLUG = "iso-27001-2022";
/** listFindings' largest page. */
const READER_PAGE = 1000;
const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
let now: Date;
let report: FrameworkReport;
let exception: ExceptionView;
/** Each page's text items, the footer's three (drawn first: title, "Page N of", M) apart. */
let pages: Array<{ items: string[]; footer: string[]; text: string }>;
let pdfOutline: Array<{ title: string; items: Array<{ title: string }> }>;
let html: string;
let notPassing: FindingRow[];

async function collect(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await write(out);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  const world = benchWorld({ accounts: 6, resourcesPerUnit: 100, seed: 11 });
  synced = await syncWorld(handle, inject("databaseUrl"), world, { name: "Report World" });
  const t0 = new Date(synced.sim.runtime.state.now * 1000);
  await evaluateTenant(db, synced.tenantId, { trigger: "test", now: t0, maxDataAgeHours: 24 * 365 });
  // An exception on a failing check of the framework, then an evaluation that applies it.
  const failing = (await listFindings(db, { tenantId: synced.tenantId, templateSlug: SLUG, status: "FAIL", limit: 1 }))
    .findings[0]!;
  const user = await makeUser(db, "compliance", [{ tenantId: synced.tenantId }]);
  exception = await createException(
    db,
    { userId: user.userId, email: user.email, ip: null },
    {
      tenantId: synced.tenantId,
      controlId: failing.controlId,
      subjectType: failing.subjectType,
      subjectId: failing.subjectId,
      accountId: failing.accountId,
      region: failing.region ?? "",
      reason: "Decommissioned in the next release; data kept elsewhere",
      owner: "owner.of.risk@example.com",
      expiresAt: new Date(clock.nowMs() + 30 * 86_400_000),
    },
  );
  await evaluateTenant(db, synced.tenantId, {
    trigger: "test",
    now: new Date(Math.max(t0.getTime(), clock.nowMs()) + 60_000),
    maxDataAgeHours: 24 * 365,
  });
  now = new Date(Math.max(t0.getTime(), clock.nowMs()) + 120_000);
  const day = now.toISOString().slice(0, 10);
  report = await loadFrameworkReport(db, {
    tenantId: synced.tenantId,
    templateSlug: SLUG,
    period: parsePeriod(`${day.slice(0, 8)}01`, day),
    generatedBy: "auditor@example.com",
    now,
  });
  notPassing = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listFindings(db, {
      tenantId: synced.tenantId,
      asOf: report.asOf,
      templateSlug: SLUG,
      status: NOT_PASSING,
      limit: 1000,
      offset,
    });
    notPassing.push(...page.findings);
    if (page.findings.length < 1000) break;
  }

  const pdf = await collect((out) => writeFrameworkReportPdf(db, report, out));
  if (process.env.REPORT_PDF_OUT) writeFileSync(process.env.REPORT_PDF_OUT, pdf);
  const task = getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: `${path.resolve("node_modules/pdfjs-dist/standard_fonts")}/`,
  });
  const doc = await task.promise;
  pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    // The footer is drawn first on each page; the body follows it.
    const items = content.items.map((x) => ("str" in x ? x.str : "")).filter((s) => s.trim() !== "");
    pages.push({ footer: items.slice(0, 3), items: items.slice(3), text: items.join("\n") });
  }
  pdfOutline = ((await doc.getOutline()) ?? []) as typeof pdfOutline;
  await task.destroy();
  html = (await collect((out) => writeFrameworkReportHtml(db, report, out))).toString("utf8");
}, 600_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

describe("framework report", () => {
  it("has a control with more than one page of the findings reader to list, and an exception", () => {
    const controls = report.requirements.flatMap((r) => r.controls);
    expect(Math.max(...controls.map((c) => c.notPassing))).toBeGreaterThan(READER_PAGE);
    expect(report.exceptions.map((x) => x.id)).toEqual([exception.id]);
    expect(notPassing.some((f) => f.status === "EXCEPTED" && f.subjectId === exception.subjectId)).toBe(true);
  });

  it("reads a control's checks whole, as listFindings pages through them", async () => {
    const r = report.requirements.find((q) => q.controls.some((c) => c.notPassing > READER_PAGE))!;
    const c = r.controls.find((x) => x.notPassing > READER_PAGE)!;
    const key = (f: FindingRow) => `${f.runId}|${f.subjectId}|${f.status}|${f.since.at?.toISOString()}`;
    const paged: string[] = [];
    for (let offset = 0; ; offset += READER_PAGE) {
      const page = await listFindings(db, {
        tenantId: synced.tenantId,
        asOf: report.asOf,
        templateSlug: SLUG,
        requirementId: r.id,
        controlId: c.controlId,
        status: NOT_PASSING,
        limit: READER_PAGE,
        offset,
      });
      paged.push(...page.findings.map(key));
      if (page.findings.length < READER_PAGE) break;
    }
    const whole: string[] = [];
    for await (const rows of failingPages(db, report, r.id, c.controlId)) whole.push(...rows.map(key));
    expect(whole).toEqual(paged);
    expect(whole).toHaveLength(c.notPassing);
  });

  it("shows the score the compliance pages show for the same as-of", async () => {
    const screen = (await getScores(db, { tenantId: synced.tenantId, asOf: report.asOf })).frameworks.find(
      (f) => f.slug === SLUG,
    )!;
    expect(frameworkReportScore(report)).toBe(screen.score);
    expect(report.requirements.map((r) => [r.id, r.counts])).toEqual(screen.requirements.map((r) => [r.id, r.counts]));
    expect(pages[0]!.text).toContain(formatScore(screen.score));
    expect(html).toContain(`data-score>${formatScore(screen.score)}<`);
  });

  it("gives each requirement's counts on its first page", () => {
    for (const r of report.requirements) {
      const start = pages.findIndex((p, i) => i > 1 && p.items[0] === `${r.id} ${r.title}`);
      expect(start, r.id).toBeGreaterThan(1);
      for (const part of countsParts(r.counts)) expect(pages[start]!.text, `${r.id} ${part.text}`).toContain(part.text);
    }
  });

  it("lists every not-passing check, each once, in the PDF and the HTML", () => {
    const text = pages.map((p) => p.text).join("\n");
    const listed = new Set(report.requirements.flatMap((r) => r.controls).map((c) => c.controlId));
    expect(notPassing.length).toBeGreaterThan(0);
    for (const f of notPassing) {
      expect(listed.has(f.controlId)).toBe(true);
      expect(text.includes(f.subjectId), f.subjectId).toBe(true);
      expect(html.includes(f.subjectId), f.subjectId).toBe(true);
    }
    const total = report.requirements
      .flatMap((r) => r.controls)
      .filter((c) => !c.listedUnder)
      .reduce((n, c) => n + c.notPassing, 0);
    expect(report.notPassingListed).toBe(total);
  });

  it("shows the exception with its reason, owner, approver and expiry", () => {
    const text = pages.map((p) => p.text).join("\n");
    for (const s of [exception.subjectId, exception.reason, exception.owner, exception.createdByEmail!])
      expect(text).toContain(s);
    expect(text).toContain(exception.expiresAt.toISOString().slice(0, 16).replace("T", " "));
    expect(html).toContain(exception.reason);
  });

  it("numbers every page and lists the sections with the pages they start on", () => {
    pages.forEach((p, i) =>
      expect(p.footer).toEqual([
        `${report.tenant.name} · ${report.framework.name} · ${report.periodLabel}`,
        `Page ${i + 1} of`,
        String(pages.length),
      ]),
    );
    expect(pages[1]!.items[0]).toBe("Contents");
    const toc = pages[1]!.items;
    for (const r of report.requirements) {
      const title = `${r.id} ${r.title}`;
      const start = pages.findIndex((p, i) => i > 1 && p.items[0] === title) + 1;
      const at = toc.indexOf(title);
      expect(at, title).toBeGreaterThan(0);
      expect(toc[at + 1]).toBe(String(start));
    }
    expect(pdfOutline.map((o) => o.title)).toEqual(["Contents", "Executive summary", "Requirements", "Exceptions"]);
    expect(pdfOutline[2]!.items.map((o) => o.title)).toEqual(report.requirements.map((r) => `${r.id} ${r.title}`));
  });

  it("writes one self-contained HTML file: no script, nothing fetched", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|@import/i);
    expect(html).toContain("<svg");
    for (const r of report.requirements) expect(html).toContain(`href="#req-${r.id}"`);
  });
});

describe("bad input", () => {
  const period = parsePeriod("2026-01-01", "2026-03-31");
  it("refuses an unknown template", async () => {
    await expect(
      loadFrameworkReport(db, { tenantId: synced.tenantId, templateSlug: "no-such", period, generatedBy: "x", now }),
    ).rejects.toThrow(/"no-such" is not a framework template of Report World/);
  });
  it("refuses a period that ends before the first evaluation", async () => {
    await expect(
      loadFrameworkReport(db, {
        tenantId: synced.tenantId,
        templateSlug: SLUG,
        period: parsePeriod("2020-01-01", "2020-03-31"),
        generatedBy: "x",
        now,
      }),
    ).rejects.toThrow(
      /Report World has no evaluation at or before 2020-03-31T23:59:59.999Z \(the end of 2020-01-01 to 2020-03-31\)/,
    );
  });
  it("refuses a period that has not started", async () => {
    const later = new Date(now.getTime() + 40 * 86_400_000).toISOString().slice(0, 10);
    await expect(
      loadFrameworkReport(db, {
        tenantId: synced.tenantId,
        templateSlug: SLUG,
        period: parsePeriod(later, later),
        generatedBy: "x",
        now,
      }),
    ).rejects.toThrow(/has not started yet/);
  });
  it("refuses an unknown organization", async () => {
    await expect(
      loadFrameworkReport(db, {
        tenantId: "00000000-0000-4000-8000-000000000000",
        templateSlug: SLUG,
        period,
        generatedBy: "x",
        now,
      }),
    ).rejects.toThrow(/no organization with id/);
  });
});
