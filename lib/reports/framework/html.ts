// The framework report as one self-contained HTML file: inline CSS in the dashboard's colours, the
// trend as inline SVG, no script and nothing fetched, printable (each requirement starts a page;
// the page's margin boxes carry "Page N of M" where the browser supports them). Every text from
// the database is escaped. Written as it is read: the failing checks a page of findings at a time.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Db } from "@/db";
import type { ExceptionView } from "@/lib/compliance/read/exceptions-at";
import type { FindingRow } from "@/lib/compliance/read/findings";
import type { StatusCounts } from "@/lib/compliance/scoring/score";
import { formatScore, SCORE_EXPLAINED } from "@/lib/compliance/scoring/score-text";
import { periodDays } from "@/lib/reports/period";
import {
  checkStatusText,
  COLORS,
  coverFacts,
  countsParts,
  escapeHtml,
  evidenceText,
  FACT_SAMPLE_TEXT,
  formatCount,
  fullyMetText,
  reportTime,
  requirementStatusText,
  scoreColor,
  trendGeometry,
  trendSentence,
} from "./layout";
import { failingPages, sampleFacts, type FrameworkReport, type ReportControl, type ReportRequirement } from "./model";

const e = escapeHtml;
const idOf = (text: string) => e(text.replace(/[^A-Za-z0-9_.:-]+/g, "-"));
const reqId = (id: string) => idOf(`req-${id}`);
const ctlId = (requirementId: string, controlId: string) => idOf(`ctl-${requirementId}-${controlId}`);

const CSS = `
@page { size: A4; margin: 18mm 16mm 20mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt Helvetica, Arial, sans-serif; color: ${COLORS.muted}; } }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, ui-sans-serif, system-ui, sans-serif; color: ${COLORS.text}; margin: 0; background: #f1f5f9; font-size: 10pt; line-height: 1.45; }
main { max-width: 900px; margin: 0 auto; background: #fff; padding: 0 40px 40px; }
h1, h2, h3 { color: ${COLORS.ink}; line-height: 1.25; }
h2 { font-size: 16pt; margin: 32px 0 8px; }
h3 { font-size: 11pt; margin: 20px 0 6px; }
.cover { background: ${COLORS.brand}; color: #fff; margin: 0 -40px; padding: 36px 40px 28px; }
.cover .product { color: #dbe6fe; font-weight: bold; font-size: 10pt; }
.cover h1 { color: #fff; font-size: 24pt; margin: 6px 0; }
.cover .period { color: #dbe6fe; }
dl.facts { display: grid; grid-template-columns: 9em 1fr; gap: 4px 16px; margin: 16px 0; }
dl.facts dt { color: ${COLORS.muted}; font-weight: bold; }
dl.facts dd { margin: 0; color: ${COLORS.ink}; }
.score { font-size: 36pt; font-weight: bold; font-variant-numeric: tabular-nums; }
.muted { color: ${COLORS.muted}; }
.small { font-size: 8pt; }
.counts span + span::before { content: " · "; color: ${COLORS.faint}; }
nav ol { list-style: none; padding: 0; }
nav li { margin: 2px 0; }
nav li.sub { padding-left: 16px; font-size: 9pt; }
a { color: ${COLORS.brand}; text-decoration: none; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 4px 6px; border-top: 1px solid ${COLORS.rule}; }
th { color: ${COLORS.muted}; font-size: 8pt; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
ol.failing { font-size: 8pt; padding-left: 3.5em; margin: 4px 0; }
ol.failing li { margin: 0 0 3px; }
.arn { color: ${COLORS.ink}; word-break: break-all; }
.evidence { font-size: 8pt; margin: 2px 0 8px 12px; }
.evidence li { word-break: break-word; }
section.requirement { break-before: page; }
.badge { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 8pt; font-weight: bold; }
.badge.pass { background: #d1fae5; color: ${COLORS.pass}; }
.badge.fail { background: #fee2e2; color: ${COLORS.fail}; }
.badge.na { background: #f1f5f9; color: ${COLORS.na}; }
.exception { border-top: 1px solid ${COLORS.rule}; padding: 6px 0; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } .cover { margin: 0; } }
`;

/** Writes, waiting for `out` when it asks to. */
function writer(out: NodeJS.WritableStream) {
  return async (text: string) => {
    if (!out.write(text)) await once(out as Writable, "drain");
  };
}

function countsHtml(c: StatusCounts): string {
  return `<span class="counts">${countsParts(c)
    .map((p) => `<span style="color:${p.color}">${e(p.text)}</span>`)
    .join("")}</span>`;
}

function badge(status: string): string {
  const cls = status === "PASS" ? "pass" : status === "FAIL" ? "fail" : "na";
  return `<span class="badge ${cls}">${e(requirementStatusText(status))}</span>`;
}

function trendSvg(report: FrameworkReport): string {
  const width = 800;
  const height = 220;
  const box = { x: 44, y: 8, width: width - 56, height: height - 36 };
  const g = trendGeometry(report.trend, periodDays(report.period).from, report.asOf.toISOString().slice(0, 10), box);
  const parts = [
    `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="${COLORS.panel}"/>`,
    ...g.yTicks.map(
      (t) =>
        `<line x1="${box.x}" x2="${box.x + box.width}" y1="${t.y}" y2="${t.y}" stroke="${COLORS.rule}"/><text x="${box.x - 6}" y="${t.y + 3}" text-anchor="end">${e(t.label)}</text>`,
    ),
    ...g.xTicks.map((t) => `<text x="${t.x}" y="${box.y + box.height + 16}" text-anchor="middle">${e(t.label)}</text>`),
    ...g.segments.map((s) =>
      s.length === 1
        ? `<circle cx="${s[0]![0]}" cy="${s[0]![1]}" r="2.5" fill="${COLORS.brand}"/>`
        : `<polyline fill="none" stroke="${COLORS.brand}" stroke-width="2" stroke-linejoin="round" points="${s.map(([x, y]) => `${x},${y}`).join(" ")}"/>`,
    ),
  ];
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${e(`Daily score, ${report.periodLabel}`)}" font-family="Helvetica, Arial, sans-serif" font-size="10" fill="${COLORS.muted}">${parts.join("")}</svg>`;
}

function findingItem(f: FindingRow): string {
  const detail = [
    `account ${f.accountId}`,
    f.region ?? "global",
    f.resourceType ?? f.subjectType,
    checkStatusText(f.status),
    ...(f.exception ? [`exception by ${f.exception.owner} until ${reportTime(f.exception.expiresAt)}`] : []),
    f.reason,
  ].join(" · ");
  const color = f.status === "EXCEPTED" ? COLORS.excepted : f.status === "ERROR" ? COLORS.error : COLORS.muted;
  return `<li><span class="arn">${e(f.subjectId)}</span><br><span style="color:${color}">${e(detail)}</span></li>`;
}

async function controlHtml(
  db: Db,
  write: (t: string) => Promise<void>,
  report: FrameworkReport,
  r: ReportRequirement,
  c: ReportControl,
): Promise<void> {
  const title = `${c.controlId} ${c.title}: ${formatCount(c.notPassing)} not passing`;
  if (c.listedUnder) {
    await write(
      `<h3>${e(title)}</h3><p class="muted">The same checks as under <a href="#${ctlId(c.listedUnder, c.controlId)}">${e(c.listedUnder)}</a>, listed there once with their facts.</p>`,
    );
    return;
  }
  await write(`<h3 id="${ctlId(r.id, c.controlId)}">${e(title)}</h3>`);
  const facts = await sampleFacts(db, report, r.id, c.controlId);
  await write(`<p><strong>${e(FACT_SAMPLE_TEXT(facts.length, c.notPassing))}</strong></p>`);
  for (const f of facts)
    await write(
      `<div class="evidence"><span class="arn">${e(f.finding.subjectId)}</span><br><span class="muted">${e(`${checkStatusText(f.finding.status)}: ${f.finding.reason}`)}</span><ul>${f.evidence.map((x) => `<li>${e(evidenceText(x))}</li>`).join("")}</ul></div>`,
    );
  await write(`<p><strong>All ${formatCount(c.notPassing)} not-passing checks</strong></p><ol class="failing">`);
  let n = 0;
  for await (const rows of failingPages(db, report, r.id, c.controlId)) {
    n += rows.length;
    await write(rows.map(findingItem).join(""));
  }
  await write(`</ol>`);
  if (n !== c.notPassing)
    throw new Error(
      `${r.id} ${c.controlId}: the findings list ${n} not-passing checks, the scores count ${c.notPassing}`,
    );
}

function exceptionHtml(x: ExceptionView): string {
  const rows: Array<[string, string]> = [
    ["Control", `${x.controlId} · account ${x.accountId} · ${x.region || "global"} · ${x.subjectType}`],
    ["State at as-of", x.state],
    ["Reason", x.reason],
    ["Owner", x.owner],
    ["Approved by", x.createdByEmail ?? "unknown"],
    ["Accepted", reportTime(x.createdAt)],
    ["Expires", reportTime(x.expiresAt)],
  ];
  if (x.revokedAt)
    rows.push([
      "Revoked",
      `${reportTime(x.revokedAt)} by ${x.revokedByEmail ?? "unknown"}${x.revokeReason ? `: ${x.revokeReason}` : ""}`,
    ]);
  return `<div class="exception"><div class="arn"><strong>${e(x.subjectId)}</strong></div><dl class="facts small">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join("")}</dl></div>`;
}

/** Writes the report as one self-contained HTML file to `out` and ends it. */
export async function writeFrameworkReportHtml(
  db: Db,
  report: FrameworkReport,
  out: NodeJS.WritableStream,
): Promise<void> {
  const write = writer(out);
  const title = `${report.framework.name}: ${report.tenant.name}, ${report.periodLabel}`;
  await write(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title><style>${CSS}</style></head><body><main>`,
  );
  await write(
    `<header class="cover"><div class="product">Backup Governance</div><h1>Framework compliance report</h1><div class="period">Audit period ${e(report.periodLabel)}</div></header>`,
  );
  const facts: Array<[string, string]> = [
    [
      "Framework",
      `${report.framework.name}, template version ${report.framework.version}, revision ${report.framework.revision}`,
    ],
    ...coverFacts(report),
  ];
  await write(`<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join("")}</dl>`);

  const toc = [`<li><a href="#summary">Executive summary</a></li>`];
  for (const r of report.requirements) {
    toc.push(`<li><a href="#${reqId(r.id)}">${e(`${r.id} ${r.title}`)}</a></li>`);
    for (const c of r.controls)
      if (c.notPassing > 0 && !c.listedUnder)
        toc.push(
          `<li class="sub"><a href="#${ctlId(r.id, c.controlId)}">${e(`${c.controlId} ${c.title}: ${formatCount(c.notPassing)} not passing`)}</a></li>`,
        );
  }
  toc.push(`<li><a href="#exceptions">Exceptions</a></li>`);
  await write(`<nav aria-label="Contents"><h2>Contents</h2><ol>${toc.join("")}</ol></nav>`);

  await write(
    `<section id="summary"><h2>Executive summary</h2><div class="muted small"><strong>Score as of ${e(reportTime(report.asOf))}</strong></div><div class="score" style="color:${scoreColor(report.score)}" data-score>${e(formatScore(report.score))}</div><p>${e(`${fullyMetText(report.requirementsPassing, report.requirementsApplicable)} · framework ${requirementStatusText(report.status)}`)}</p><p>${countsHtml(report.counts)}</p><p class="muted small">${e(SCORE_EXPLAINED)}</p><h3>Trend over the period</h3><p>${e(trendSentence(report.trend))}</p>${trendSvg(report)}<h3>Requirements</h3><table><thead><tr><th>Requirement</th><th>Checks</th><th class="num">Score</th></tr></thead><tbody>${report.requirements
      .map(
        (r) =>
          `<tr><td><a href="#${reqId(r.id)}">${e(`${r.id} ${r.title}`)}</a></td><td>${countsHtml(r.counts)}</td><td class="num"><strong style="color:${scoreColor(r.score)}">${e(formatScore(r.score))}</strong> ${badge(r.status)}</td></tr>`,
      )
      .join("")}</tbody></table></section>`,
  );

  for (const r of report.requirements) {
    const scoreLine =
      r.status === "NOT_APPLICABLE"
        ? "Not applicable: no check of its controls applies"
        : `${formatScore(r.score)} of checks pass${r.weight !== 1 ? ` · weight ${r.weight}` : ""}`;
    await write(
      `<section class="requirement" id="${reqId(r.id)}"><h2>${e(`${r.id} ${r.title}`)}</h2>${r.description ? `<p>${e(r.description)}</p>` : ""}<p><strong style="color:${scoreColor(r.score)}">${e(scoreLine)}</strong> ${badge(r.status)}</p><p>${countsHtml(r.counts)}</p><h3>Controls and their parameters</h3><table><thead><tr><th>Control</th><th>Parameters</th><th class="num">Checks</th></tr></thead><tbody>${r.controls
        .map((c) => {
          const applicable = c.counts.PASS + c.counts.FAIL + c.counts.ERROR + c.counts.EXCEPTED;
          return `<tr><td><strong>${e(c.controlId)}</strong> ${e(c.title)}</td><td class="small muted">${c.parameters.map(e).join("<br>") || "no parameters"}</td><td class="num"><strong>${applicable ? e(`${formatScore(c.counts.PASS / applicable)} pass`) : "n/a"}</strong><br><span class="small">${countsHtml(c.counts)}</span></td></tr>`;
        })
        .join("")}</tbody></table>`,
    );
    for (const c of r.controls) if (c.notPassing > 0) await controlHtml(db, write, report, r, c);
    await write(`</section>`);
  }

  await write(
    `<section class="requirement" id="exceptions"><h2>Exceptions</h2><p>${e(
      report.exceptions.length
        ? `${formatCount(report.exceptions.length)} exception${report.exceptions.length === 1 ? "" : "s"} on this framework's controls in force at some time in the period, with their state as of ${reportTime(report.asOf)}. A failing check under an exception in force counts as excepted: not passing, reported on its own. The approver is the person who accepted the exception.`
        : "No exception on this framework's controls was in force during the period.",
    )}</p>${report.exceptions.map(exceptionHtml).join("")}</section></main></body></html>\n`,
  );
  out.end();
  await new Promise<void>((resolve, reject) => {
    const w = out as Writable;
    if (w.writableFinished) return resolve();
    w.once("finish", resolve);
    w.once("error", reject);
  });
}
