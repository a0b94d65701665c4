// The framework report as a PDF (pdfkit, its built-in Helvetica; vector chart; selectable text;
// "Page N of M" on every page; contents with page numbers and links; bookmarks).
//
// Contents and "of M" need numbers known only once everything is laid out. pdfkit's bufferPages
// would keep every page in memory until the end, and the failing checks can fill tens of
// thousands of pages; laying out twice would read every finding twice. So the PDF is written in
// one pass, each page flushed as the next starts, and what is known only at the end goes where
// PDF lets it be filled in late:
// - the contents' length is known before any layout (one line per entry, the entries come from
//   the model), so its pages are numbered 2 to T+1 and the body from T+2 on; the contents pages
//   are drawn last, when every section's page is known, and moved to their place in the page
//   tree (a PDF's page order is its page tree's, not the order pages are written in);
// - M, the page count, is one small form XObject that every footer draws after "Page N of " and
//   whose content (the number) is written at the end.
// The long lists are laid out with pdfkit's font metrics but without its line wrapper (lines
// broken by wrapLines, drawn one line each): the wrapper costs most of the time per row.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import PDFDocument from "pdfkit";
import type { Db } from "@/db";
import type { FindingRow } from "@/lib/compliance/read/findings";
import type { ExceptionView } from "@/lib/compliance/read/exceptions-at";
import { formatScore, SCORE_EXPLAINED } from "@/lib/compliance/scoring/score-text";
import { periodDays } from "@/lib/reports/period";
import {
  checkStatusText,
  COLORS,
  coverFacts,
  countsParts,
  evidenceText,
  FACT_SAMPLE_TEXT,
  formatCount,
  fullyMetText,
  pageLabel,
  reportTime,
  requirementStatusText,
  scoreColor,
  tocPageCount,
  trendGeometry,
  trendSentence,
  wrapLines,
} from "./layout";
import { failingPages, sampleFacts, type FrameworkReport, type ReportControl, type ReportRequirement } from "./model";

const PAGE_W = 595.28; // A4
const PAGE_H = 841.89;
const MARGIN = { top: 64, bottom: 64, left: 50, right: 50 };
const WIDTH = PAGE_W - MARGIN.left - MARGIN.right;
const BOTTOM = PAGE_H - MARGIN.bottom;
const TOC_LINE = 16;
const TOC_TOP = MARGIN.top + 40;
const TOC_LINES = Math.floor((BOTTOM - TOC_TOP) / TOC_LINE);
/** Bytes of PDF waiting for a slow reader before rendering pauses for it. */
const HIGH_WATER = 4 * 1024 * 1024;

const REGULAR = "Helvetica";
const BOLD = "Helvetica-Bold";

/** pdfkit's internals this file relies on: its page tree and the current font (see the header). */
interface PdfInternals {
  _root: { data: { Pages: { data: { Kids: unknown[] } } } };
  _font: { id: string; ascender: number; ref(): unknown; encode(text: string): [string[], unknown] };
  page: { fonts: Record<string, unknown> };
}

const rgb = (hex: string) => [1, 3, 5].map((i) => (parseInt(hex.slice(i, i + 2), 16) / 255).toFixed(3)).join(" ");

interface TocEntry {
  anchor: string;
  title: string;
  level: number;
}

const requirementAnchor = (id: string) => `req:${id}`;
const controlAnchor = (requirementId: string, controlId: string) => `ctl:${requirementId}:${controlId}`;

/** Sections listed in the contents, in page order: known from the model before any layout. */
function tocEntries(report: FrameworkReport): TocEntry[] {
  const entries: TocEntry[] = [{ anchor: "summary", title: "Executive summary", level: 0 }];
  for (const r of report.requirements) {
    entries.push({ anchor: requirementAnchor(r.id), title: `${r.id} ${r.title}`, level: 0 });
    for (const c of r.controls)
      if (c.notPassing > 0 && !c.listedUnder)
        entries.push({
          anchor: controlAnchor(r.id, c.controlId),
          title: `${c.controlId} ${c.title}: ${formatCount(c.notPassing)} not passing`,
          level: 1,
        });
  }
  entries.push({ anchor: "exceptions", title: "Exceptions", level: 0 });
  return entries;
}

class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  /** The number printed on the current page; pages are numbered as they will be read. */
  page = 0;
  /** The number the next page gets. */
  next = 1;
  /** Pages made so far: M at the end. */
  made = 0;
  y = MARGIN.top;
  readonly sections = new Map<string, number>();
  /** "M" of "Page N of M": drawn by every footer, filled in at the end. */
  private readonly total: PDFKit.PDFKitReference;
  private readonly charWidths = new Map<string, Map<string, number>>();

  constructor(private readonly report: FrameworkReport) {
    this.doc = new PDFDocument({
      size: "A4",
      margins: MARGIN,
      autoFirstPage: false,
      bufferPages: false,
      displayTitle: true,
      lang: "en",
      info: {
        Title: `${report.framework.name}: ${report.tenant.name}, ${report.periodLabel}`,
        Author: report.generatedBy,
        Subject: "Framework compliance report",
        Creator: "Backup Governance",
        CreationDate: report.generatedAt,
      },
    });
    this.doc.font(REGULAR);
    const font = this.internals._font;
    this.total = this.doc.ref({
      Type: "XObject",
      Subtype: "Form",
      BBox: [0, -4, 120, 12],
      Resources: { Font: { [font.id]: font.ref() } },
    });
    this.doc.on("pageAdded", () => {
      this.page = this.next++;
      this.made++;
      this.y = MARGIN.top;
      this.footer();
    });
  }

  private get internals(): PdfInternals {
    return this.doc as unknown as PdfInternals;
  }

  private footer(): void {
    const d = this.doc;
    // Below the bottom margin: lift it while writing, so pdfkit does not start another page.
    const bottom = d.page.margins.bottom;
    d.page.margins.bottom = 0;
    const y = PAGE_H - 40;
    d.moveTo(MARGIN.left, y - 8)
      .lineTo(PAGE_W - MARGIN.right, y - 8)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
    d.font(REGULAR).fontSize(7.5).fillColor(COLORS.muted);
    d.text(`${this.report.tenant.name} · ${this.report.framework.name} · ${this.report.periodLabel}`, MARGIN.left, y, {
      width: WIDTH - 100,
      lineBreak: false,
    });
    const label = `${pageLabel(this.page, 0).replace(/ 0$/, "")} `;
    const x = PAGE_W - MARGIN.right - 90;
    d.text(label, x, y, { lineBreak: false });
    const font = this.internals._font;
    const baseline = y + (font.ascender / 1000) * 7.5;
    // pdfkit draws with y growing downwards; the form is drawn upright with its baseline there.
    d.page.xobjects.PageCount = this.total;
    d.addContent(`q 1 0 0 -1 ${(x + d.widthOfString(label)).toFixed(2)} ${baseline.toFixed(2)} cm /PageCount Do Q`);
    d.page.margins.bottom = bottom;
  }

  /** Writes M into the footers' form: call once, after the last page. */
  finishTotal(): void {
    const d = this.doc;
    d.font(REGULAR);
    const font = this.internals._font;
    const [encoded] = font.encode(String(this.made));
    this.total.end(`${rgb(COLORS.muted)} rg BT /${font.id} 7.5 Tf 0 0 Td <${encoded.join("")}> Tj ET`);
  }

  /** Moves the last `count` pages made to follow the first (the contents after the cover). */
  movePagesAfterCover(count: number): void {
    const kids = this.internals._root.data.Pages.data.Kids;
    kids.splice(1, 0, ...kids.splice(kids.length - count, count));
  }

  /** Width of `text` in `font` at `size`, summed from per-character widths kept per font. */
  widthOf(font: string, size: number, text: string): number {
    let table = this.charWidths.get(font);
    if (!table) this.charWidths.set(font, (table = new Map()));
    let w = 0;
    for (const ch of text) {
      let cw = table.get(ch);
      if (cw === undefined) {
        cw = this.doc.font(font).fontSize(1000).widthOfString(ch);
        table.set(ch, cw);
      }
      w += cw;
    }
    return (w * size) / 1000;
  }

  lines(text: string, font: string, size: number, width: number): string[] {
    return wrapLines(text, width, (t) => this.widthOf(font, size, t));
  }

  /**
   * Lines already broken, written as PDF text operators directly: pdfkit's text() measures and
   * kerns every call, which is most of the time per row of the long lists. Same font program,
   * same WinAnsi codes, no kerning (as widthOf measures). `y` is the top of the first line, as
   * for text(); returns the top of the line after the last.
   */
  drawLines(lines: string[], x: number, y: number, font: string, size: number, color: string, step: number): number {
    this.doc.font(font);
    const f = this.internals._font;
    this.internals.page.fonts[f.id] ??= f.ref();
    const ascent = (f.ascender / 1000) * size;
    let ops = `q 1 0 0 -1 0 ${PAGE_H} cm ${rgb(color)} rg BT /${f.id} ${size} Tf`;
    for (const line of lines) {
      if (line) ops += ` 1 0 0 1 ${x.toFixed(2)} ${(PAGE_H - y - ascent).toFixed(2)} Tm <${this.hex(line)}> Tj`;
      y += step;
    }
    this.doc.addContent(`${ops} ET Q`);
    return y;
  }

  private readonly codes = new Map<string, string>();
  /** The text's WinAnsi codes in hex, as pdfkit encodes for its standard fonts. */
  private hex(text: string): string {
    let out = "";
    for (const ch of text) {
      let code = this.codes.get(ch);
      if (code === undefined) {
        code = this.internals._font
          .encode(ch)[0]
          .map((c) => c.padStart(2, "0"))
          .join("");
        this.codes.set(ch, code);
      }
      out += code;
    }
    return out;
  }

  newPage(): void {
    this.doc.addPage();
  }

  /** Starts a new page unless `height` more fits on this one. */
  ensure(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }

  mark(anchor: string): void {
    this.sections.set(anchor, this.page);
    this.doc.addNamedDestination(anchor, "XYZ", 0, this.y, null);
  }

  height(text: string, font: string, size: number, width = WIDTH): number {
    return this.doc.font(font).fontSize(size).heightOfString(text, { width });
  }

  /** Text at the current line, wrapped to `width`; moves below it. Fits on the page (ensure first). */
  write(
    text: string,
    o: { font?: string; size?: number; color?: string; x?: number; width?: number; gap?: number } = {},
  ): void {
    const d = this.doc;
    const font = o.font ?? REGULAR;
    const size = o.size ?? 9;
    const width = o.width ?? WIDTH - ((o.x ?? MARGIN.left) - MARGIN.left);
    this.ensure(this.height(text, font, size, width));
    d.font(font)
      .fontSize(size)
      .fillColor(o.color ?? COLORS.text)
      .text(text, o.x ?? MARGIN.left, this.y, { width });
    this.y = d.y + (o.gap ?? 2);
  }

  /** Coloured runs on a line, separated by dots; a run that does not fit starts the next line. */
  runs(parts: Array<{ text: string; color: string }>, size = 8.5): void {
    const d = this.doc;
    const separator = "  ·  ";
    d.font(REGULAR).fontSize(size);
    const line = d.currentLineHeight(true);
    const gap = d.widthOfString(separator);
    this.ensure(line);
    let x = MARGIN.left;
    parts.forEach((p, i) => {
      const width = d.widthOfString(p.text);
      if (i > 0 && x + gap + width > MARGIN.left + WIDTH) {
        this.y += line;
        this.ensure(line);
        x = MARGIN.left;
      } else if (i > 0) {
        d.fillColor(COLORS.faint).text(separator, x, this.y, { lineBreak: false });
        x += gap;
      }
      d.fillColor(p.color).text(p.text, x, this.y, { lineBreak: false });
      x += width;
    });
    this.y += line + 3;
  }

  heading(text: string, size: number, anchor?: string, gapBefore = 10): void {
    this.ensure(gapBefore + this.height(text, BOLD, size) + 40);
    this.y += gapBefore;
    if (anchor) this.mark(anchor);
    this.write(text, { font: BOLD, size, color: COLORS.ink, gap: 5 });
  }

  /** Waits while `out` holds more than HIGH_WATER of unread PDF. */
  async drain(out: NodeJS.WritableStream): Promise<void> {
    while (this.doc.readableLength > HIGH_WATER) await once(out as Writable, "drain");
  }
}

function cover(w: PdfWriter, report: FrameworkReport): void {
  const d = w.doc;
  w.newPage();
  d.rect(0, 0, PAGE_W, 170).fill(COLORS.brand);
  d.font(BOLD).fontSize(11).fillColor("#dbe6fe").text("Backup Governance", MARGIN.left, 56, { width: WIDTH });
  d.font(BOLD).fontSize(26).fillColor("#ffffff").text("Framework compliance report", MARGIN.left, 78, {
    width: WIDTH,
  });
  d.font(REGULAR)
    .fontSize(11)
    .fillColor("#dbe6fe")
    .text(`Audit period ${report.periodLabel}`, MARGIN.left, 118, { width: WIDTH });
  w.y = 210;
  w.write(report.framework.name, { font: BOLD, size: 22, color: COLORS.ink, gap: 4 });
  w.write(`Template version ${report.framework.version}, revision ${report.framework.revision}`, {
    size: 11,
    color: COLORS.muted,
    gap: 24,
  });
  const rows = coverFacts(report);
  for (const [k, v] of rows) {
    const y = w.y;
    d.font(BOLD).fontSize(10).fillColor(COLORS.muted).text(k, MARGIN.left, y, { width: 110 });
    d.font(REGULAR)
      .fontSize(10)
      .fillColor(COLORS.ink)
      .text(v, MARGIN.left + 120, y, { width: WIDTH - 120 });
    w.y = Math.max(d.y, y + 12) + 8;
  }
  w.y += 20;
  w.write("Score", { font: BOLD, size: 10, color: COLORS.muted, gap: 2 });
  w.write(formatScore(report.score), { font: BOLD, size: 40, color: scoreColor(report.score), gap: 2 });
  w.write(fullyMetText(report.requirementsPassing, report.requirementsApplicable), { size: 11, gap: 4 });
  w.write(SCORE_EXPLAINED, { size: 8, color: COLORS.muted });
}

/** The contents pages, drawn last (every section's page known), numbered 2 to T+1. */
function contents(w: PdfWriter, entries: TocEntry[]): void {
  const d = w.doc;
  const pages = tocPageCount(entries.length, TOC_LINES);
  w.next = 2;
  for (let p = 0; p < pages; p++) {
    w.newPage();
    d.font(BOLD)
      .fontSize(18)
      .fillColor(COLORS.ink)
      .text(p === 0 ? "Contents" : "Contents (continued)", MARGIN.left, MARGIN.top, { width: WIDTH });
    let y = TOC_TOP;
    for (const e of entries.slice(p * TOC_LINES, (p + 1) * TOC_LINES)) {
      const page = w.sections.get(e.anchor);
      const indent = e.level * 16;
      const font = e.level === 0 ? BOLD : REGULAR;
      const size = e.level === 0 ? 10 : 9;
      const number = page === undefined ? "" : String(page);
      d.font(font).fontSize(size);
      const room = WIDTH - indent - 40;
      let title = e.title;
      while (title.length > 1 && d.widthOfString(title) > room) title = `${title.slice(0, -2)}…`;
      d.fillColor(e.level === 0 ? COLORS.ink : COLORS.text).text(title, MARGIN.left + indent, y, {
        width: room,
        lineBreak: false,
      });
      d.fillColor(COLORS.muted).text(number, PAGE_W - MARGIN.right - 40, y, {
        width: 40,
        align: "right",
        lineBreak: false,
      });
      d.goTo(MARGIN.left, y - 2, WIDTH, TOC_LINE - 2, e.anchor);
      y += TOC_LINE;
    }
  }
}

function trendChart(w: PdfWriter, report: FrameworkReport): void {
  const d = w.doc;
  const height = 150;
  w.ensure(height + 40);
  const box = { x: MARGIN.left + 34, y: w.y + 6, width: WIDTH - 44, height };
  const days = periodDays(report.period);
  const g = trendGeometry(report.trend, days.from, report.asOf.toISOString().slice(0, 10), box);
  d.rect(box.x, box.y, box.width, box.height).fill(COLORS.panel);
  for (const t of g.yTicks) {
    d.moveTo(box.x, t.y)
      .lineTo(box.x + box.width, t.y)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
    d.font(REGULAR)
      .fontSize(7)
      .fillColor(COLORS.muted)
      .text(t.label, MARGIN.left, t.y - 3, { width: 30, align: "right", lineBreak: false });
  }
  for (const t of g.xTicks)
    d.font(REGULAR)
      .fontSize(7)
      .fillColor(COLORS.muted)
      .text(t.label, t.x - 30, box.y + box.height + 6, { width: 60, align: "center", lineBreak: false });
  for (const seg of g.segments) {
    if (seg.length === 1) {
      d.circle(seg[0]![0], seg[0]![1], 1.8).fill(COLORS.brand);
      continue;
    }
    d.moveTo(seg[0]![0], seg[0]![1]);
    for (const [x, y] of seg.slice(1)) d.lineTo(x, y);
    d.lineWidth(1.5).lineJoin("round").strokeColor(COLORS.brand).stroke();
  }
  w.y = box.y + box.height + 18;
}

function summary(w: PdfWriter, report: FrameworkReport): void {
  w.newPage();
  w.doc.outline.addItem("Executive summary");
  w.heading("Executive summary", 18, "summary", 0);
  w.write(`Score as of ${reportTime(report.asOf)}`, { font: BOLD, size: 9, color: COLORS.muted });
  w.write(formatScore(report.score), { font: BOLD, size: 32, color: scoreColor(report.score), gap: 2 });
  w.write(
    `${fullyMetText(report.requirementsPassing, report.requirementsApplicable)} · framework ${requirementStatusText(report.status)}`,
    { size: 10, gap: 4 },
  );
  w.runs(countsParts(report.counts));
  w.write(SCORE_EXPLAINED, { size: 8, color: COLORS.muted, gap: 8 });
  w.heading("Trend over the period", 12);
  w.write(trendSentence(report.trend), { size: 9 });
  trendChart(w, report);
  w.heading("Requirements", 12);
  for (const r of report.requirements) {
    const d = w.doc;
    const score =
      r.status === "NOT_APPLICABLE" ? "n/a" : `${formatScore(r.score)} · ${requirementStatusText(r.status)}`;
    const counts = countsParts(r.counts)
      .map((p) => p.text)
      .join(" · ");
    const h = w.height(`${r.id} ${r.title}`, BOLD, 9, WIDTH - 150) + w.height(counts, REGULAR, 7.5);
    w.ensure(h + 6);
    const y = w.y;
    d.font(BOLD)
      .fontSize(9)
      .fillColor(COLORS.ink)
      .text(`${r.id} ${r.title}`, MARGIN.left, y, { width: WIDTH - 150 });
    d.font(REGULAR).fontSize(7.5).fillColor(COLORS.muted).text(counts, MARGIN.left, d.y, { width: WIDTH });
    const below = d.y;
    d.font(BOLD)
      .fontSize(9)
      .fillColor(r.status === "NOT_APPLICABLE" ? COLORS.faint : scoreColor(r.score))
      .text(score, PAGE_W - MARGIN.right - 145, y, { width: 145, align: "right" });
    w.y = Math.max(below, d.y) + 6;
  }
}

function controlTable(w: PdfWriter, r: ReportRequirement): void {
  const d = w.doc;
  for (const c of r.controls) {
    const applicable = c.counts.PASS + c.counts.FAIL + c.counts.ERROR + c.counts.EXCEPTED;
    const share = applicable ? `${formatScore(c.counts.PASS / applicable)} pass` : "n/a";
    const params = c.parameters.join("\n") || "no parameters";
    const left = 46;
    const right = 150;
    const mid = WIDTH - left - right - 8;
    const h =
      Math.max(w.height(c.title, BOLD, 8.5, mid) + w.height(params, REGULAR, 7.5, mid), 24) +
      (c.parameters.length > 1 ? 2 : 0);
    w.ensure(h + 6);
    const y = w.y;
    d.moveTo(MARGIN.left, y - 3)
      .lineTo(PAGE_W - MARGIN.right, y - 3)
      .lineWidth(0.5)
      .strokeColor(COLORS.rule)
      .stroke();
    d.font(BOLD).fontSize(8.5).fillColor(COLORS.muted).text(c.controlId, MARGIN.left, y, { width: left });
    d.font(BOLD)
      .fontSize(8.5)
      .fillColor(COLORS.ink)
      .text(c.title, MARGIN.left + left, y, { width: mid });
    d.font(REGULAR).fontSize(7.5).fillColor(COLORS.muted).text(params, { width: mid });
    d.font(BOLD)
      .fontSize(8.5)
      .fillColor(COLORS.text)
      .text(share, PAGE_W - MARGIN.right - right, y, { width: right, align: "right" });
    d.font(REGULAR)
      .fontSize(7.5)
      .fillColor(COLORS.muted)
      .text(
        countsParts(c.counts)
          .map((p) => p.text)
          .join(" · "),
        { width: right, align: "right" },
      );
    w.y = y + h + 6;
  }
}

const ARN_SIZE = 7.5;
const ARN_STEP = 9;
const DETAIL_SIZE = 6.5;
const DETAIL_STEP = 7.8;

function findingRow(w: PdfWriter, n: number, f: FindingRow): void {
  const x = MARGIN.left + 30;
  const width = WIDTH - 30;
  const detail = [
    `account ${f.accountId}`,
    f.region ?? "global",
    f.resourceType ?? f.subjectType,
    checkStatusText(f.status),
    ...(f.exception ? [`exception by ${f.exception.owner} until ${reportTime(f.exception.expiresAt)}`] : []),
    f.reason,
  ].join(" · ");
  const subject = w.lines(f.subjectId, REGULAR, ARN_SIZE, width);
  const details = w.lines(detail, REGULAR, DETAIL_SIZE, width);
  w.ensure(subject.length * ARN_STEP + details.length * DETAIL_STEP + 4);
  const y = w.y;
  const number = `${formatCount(n)}.`;
  const numberX = MARGIN.left + 27 - w.widthOf(REGULAR, DETAIL_SIZE, number);
  w.drawLines([number], numberX, y + 0.8, REGULAR, DETAIL_SIZE, COLORS.faint, DETAIL_STEP);
  const below = w.drawLines(subject, x, y, REGULAR, ARN_SIZE, COLORS.ink, ARN_STEP);
  const color = f.status === "EXCEPTED" ? COLORS.excepted : f.status === "ERROR" ? COLORS.error : COLORS.muted;
  w.y = w.drawLines(details, x, below, REGULAR, DETAIL_SIZE, color, DETAIL_STEP) + 4;
}

async function controlFindings(
  db: Db,
  w: PdfWriter,
  report: FrameworkReport,
  r: ReportRequirement,
  c: ReportControl,
  out: NodeJS.WritableStream,
  outline: PDFKit.PDFOutline,
): Promise<void> {
  w.heading(
    `${c.controlId} ${c.title}: ${formatCount(c.notPassing)} not passing`,
    11,
    controlAnchor(r.id, c.controlId),
  );
  outline.addItem(`${c.controlId} ${c.title}`);
  const facts = await sampleFacts(db, report, r.id, c.controlId);
  w.write(FACT_SAMPLE_TEXT(facts.length, c.notPassing), { font: BOLD, size: 8.5, color: COLORS.text, gap: 3 });
  for (const f of facts) {
    w.write(f.finding.subjectId, { size: 7.5, color: COLORS.ink, x: MARGIN.left + 10, gap: 1 });
    w.write(`${checkStatusText(f.finding.status)}: ${f.finding.reason}`, {
      size: 7,
      color: COLORS.muted,
      x: MARGIN.left + 10,
      gap: 1,
    });
    for (const e of f.evidence)
      w.write(evidenceText(e), { size: 6.5, color: COLORS.text, x: MARGIN.left + 20, gap: 1 });
    w.y += 4;
  }
  w.write(`All ${formatCount(c.notPassing)} not-passing checks`, {
    font: BOLD,
    size: 8.5,
    color: COLORS.text,
    gap: 4,
  });
  let n = 0;
  for await (const rows of failingPages(db, report, r.id, c.controlId)) {
    for (const f of rows) findingRow(w, ++n, f);
    await w.drain(out);
  }
  if (n !== c.notPassing)
    throw new Error(
      `${r.id} ${c.controlId}: the findings list ${n} not-passing checks, the scores count ${c.notPassing}`,
    );
}

function exceptionBlock(w: PdfWriter, x: ExceptionView): void {
  const lines: Array<[string, string]> = [
    ["Control", `${x.controlId} · account ${x.accountId} · ${x.region || "global"} · ${x.subjectType}`],
    ["State at as-of", x.state],
    ["Reason", x.reason],
    ["Owner", x.owner],
    ["Approved by", x.createdByEmail ?? "unknown"],
    ["Accepted", reportTime(x.createdAt)],
    ["Expires", reportTime(x.expiresAt)],
    ...(x.revokedAt
      ? ([
          [
            "Revoked",
            `${reportTime(x.revokedAt)} by ${x.revokedByEmail ?? "unknown"}${x.revokeReason ? `: ${x.revokeReason}` : ""}`,
          ],
        ] as Array<[string, string]>)
      : []),
  ];
  const d = w.doc;
  const label = 80;
  const h =
    w.height(x.subjectId, BOLD, 8, WIDTH) +
    lines.reduce((s, [, v]) => s + w.height(v, REGULAR, 8, WIDTH - label) + 1, 0) +
    10;
  w.ensure(h);
  w.write(x.subjectId, { font: BOLD, size: 8, color: COLORS.ink, gap: 2 });
  for (const [k, v] of lines) {
    const y = w.y;
    d.font(BOLD)
      .fontSize(7.5)
      .fillColor(COLORS.muted)
      .text(k, MARGIN.left, y, { width: label - 4 });
    d.font(REGULAR)
      .fontSize(8)
      .fillColor(COLORS.text)
      .text(v, MARGIN.left + label, y, { width: WIDTH - label });
    w.y = d.y + 1;
  }
  w.y += 8;
}

/** Writes the report as a PDF to `out` and ends it. */
export async function writeFrameworkReportPdf(
  db: Db,
  report: FrameworkReport,
  out: NodeJS.WritableStream,
): Promise<void> {
  const w = new PdfWriter(report);
  const d = w.doc;
  d.pipe(out);
  const done = finished(out);
  const entries = tocEntries(report);
  const tocPages = tocPageCount(entries.length, TOC_LINES);
  cover(w, report);
  w.next = 2 + tocPages;
  summary(w, report);
  const requirementsItem = d.outline.addItem("Requirements", { expanded: true });
  for (const r of report.requirements) {
    w.newPage();
    const item = requirementsItem.addItem(`${r.id} ${r.title}`);
    w.heading(`${r.id} ${r.title}`, 15, requirementAnchor(r.id), 0);
    if (r.description) w.write(r.description, { size: 9, gap: 6 });
    const scoreLine =
      r.status === "NOT_APPLICABLE"
        ? "Not applicable: no check of its controls applies"
        : `${formatScore(r.score)} of checks pass · ${requirementStatusText(r.status)}${r.weight !== 1 ? ` · weight ${r.weight}` : ""}`;
    w.write(scoreLine, {
      font: BOLD,
      size: 11,
      color: r.status === "NOT_APPLICABLE" ? COLORS.faint : scoreColor(r.score),
      gap: 3,
    });
    w.runs(countsParts(r.counts));
    w.heading("Controls and their parameters", 10, undefined, 6);
    controlTable(w, r);
    for (const c of r.controls) {
      if (c.notPassing === 0) continue;
      if (c.listedUnder) {
        const page = w.sections.get(controlAnchor(c.listedUnder, c.controlId));
        w.heading(`${c.controlId} ${c.title}: ${formatCount(c.notPassing)} not passing`, 11);
        w.write(
          `The same checks as under ${c.listedUnder}${page ? ` (page ${page})` : ""}, listed there once with their facts.`,
          { size: 8.5, color: COLORS.muted },
        );
        continue;
      }
      await controlFindings(db, w, report, r, c, out, item);
    }
  }
  w.newPage();
  d.outline.addItem("Exceptions");
  w.heading("Exceptions", 18, "exceptions", 0);
  w.write(
    report.exceptions.length
      ? `${formatCount(report.exceptions.length)} exception${report.exceptions.length === 1 ? "" : "s"} on this framework's controls in force at some time in the period, with their state as of ${reportTime(report.asOf)}. A failing check under an exception in force counts as excepted: not passing, reported on its own. The approver is the person who accepted the exception.`
      : "No exception on this framework's controls was in force during the period.",
    { size: 9, gap: 10 },
  );
  for (const x of report.exceptions) exceptionBlock(w, x);
  contents(w, entries);
  w.movePagesAfterCover(tocPages);
  // The contents' bookmark first, as its pages are.
  // pdfkit's addItem takes the page's index in the page tree (its types omit the option).
  const addItem = d.outline.addItem as (this: PDFKit.PDFOutline, title: string, o: { pageNumber: number }) => unknown;
  addItem.call(d.outline, "Contents", { pageNumber: 1 });
  d.outline.children.unshift(d.outline.children.pop()!);
  w.finishTotal();
  d.end();
  await done;
}
