import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import type { ControlId } from "@/lib/compliance/model/finding";
import { getEvaluationRuns, resolveEvaluation } from "@/lib/compliance/read/evaluations";
import { listFindings } from "@/lib/compliance/read/findings";
import { getControlCounts } from "@/lib/compliance/read/scores";
import { controlNameOf } from "@/lib/reports/audit-manager/compliance-rows";
import { writeAuditManagerReport, type AuditManagerReportInput } from "@/lib/reports/audit-manager/write-report";
import { parsePeriod } from "@/lib/reports/period";
import { demoWorld } from "@/sim/world/demo";
import { readCsv } from "@/tests/helpers/csv-read";
import { testDb } from "@/tests/helpers/db";
import { syncWorld, type SyncedWorld } from "../compliance/sync-world";

// The two compliance reports over the demo world, synced and evaluated: AWS's documented columns,
// one row per (account, region, framework, control) whose counts add up to getControlCounts of
// the evaluation in force at the period's end, one row per finding (as many as listFindings
// has), and exactly the rows of the chosen accounts and regions.

const handle = testDb();
const { db } = handle;
let synced: SyncedWorld;
// Ends after the evaluation (the suite's clock is 2026-06-15T12:00Z), so it reads that one.
const period = parsePeriod("2026-06-01", "2026-06-15");

const DOCUMENTED = {
  CONTROL_COMPLIANCE_REPORT:
    "accountId,region,frameworkName,frameworkDescription,controlName,controlComplianceStatus,lastEvaluationTime,numResourcesCompliant,numResourcesNonCompliant,controlFrequency,controlScope,controlParameters",
  RESOURCE_COMPLIANCE_REPORT:
    "accountId,region,frameworkName,frameworkDescription,controlName,resourceId,resourceType,resourceComplianceStatus,lastEvaluationTime",
} as const;
type ComplianceTemplate = keyof typeof DOCUMENTED;
type Item = Record<string, string | number | null>;

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString("utf8");
    done();
  }
}

async function report(
  template: ComplianceTemplate,
  format: "csv" | "json",
  more: Partial<AuditManagerReportInput> = {},
) {
  const sink = new Sink();
  const { rows } = await writeAuditManagerReport(
    db,
    { tenantId: synced.tenantId, template, period, format, ...more },
    sink,
  );
  await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return { rows, text: sink.text };
}
const items = async (template: ComplianceTemplate, more: Partial<AuditManagerReportInput> = {}) =>
  JSON.parse((await report(template, "json", more)).text).reportItems as Item[];

let controlItems: Item[];
let resourceItems: Item[];

beforeAll(async () => {
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(2), { name: "Demo Audit Manager" });
  await evaluateTenant(db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
    maxDataAgeHours: 96,
  });
  controlItems = await items("CONTROL_COMPLIANCE_REPORT");
  resourceItems = await items("RESOURCE_COMPLIANCE_REPORT");
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

describe("compliance reports", () => {
  it.each(Object.keys(DOCUMENTED) as ComplianceTemplate[])(
    "%s: AWS's documented header; CSV parses back to the JSON items",
    async (template) => {
      const csv = await report(template, "csv");
      const [header, ...records] = readCsv(csv.text).map((r) => r.map((f) => f.text));
      expect(header!.join(",")).toBe(DOCUMENTED[template]);
      const json = JSON.parse((await report(template, "json")).text);
      expect(Object.keys(json)).toEqual(["reportItems"]);
      expect(records.length).toBe(json.reportItems.length);
      expect(csv.rows).toBe(records.length);
      expect(records.length).toBeGreaterThan(0);
      records.forEach((r, i) => {
        const item = json.reportItems[i];
        expect(Object.keys(item).join(",")).toBe(DOCUMENTED[template]);
        header!.forEach((column, c) => expect(r[c]).toBe(item[column] === null ? "" : String(item[column])));
      });
    },
  );

  it("CONTROL_COMPLIANCE_REPORT: counts add up to getControlCounts of the evaluation", async () => {
    const evaluation = (await resolveEvaluation(db, { tenantId: synced.tenantId }))!;
    const { runs, requirements } = await getEvaluationRuns(db, { tenantId: synced.tenantId, evaluation });
    const { controls } = await getControlCounts(db, { tenantId: synced.tenantId });
    const nameOf = new Map(evaluation.templates.map((t) => [t.slug, t.name]));
    const controlOfRun = new Map(runs.map((r) => [r.id, r.controlId]));
    expect(Object.keys(controls).length).toBeGreaterThan(5);
    let compared = 0;
    const inFramework = (runId: number) =>
      Object.values(requirements).some((qs) => qs.some((q) => q.runIds.includes(runId)));
    for (const [controlId, counts] of Object.entries(controls)) {
      // A control no template uses is evaluated at its defaults, in no framework: AWS's rows are
      // per framework, so it has none.
      if (!counts.runs.some(inFramework)) {
        expect(controlItems.some((i) => i.controlName === controlNameOf(controlId as ControlId))).toBe(false);
        continue;
      }
      // Each of the control's runs counted once, through one framework that reads it.
      let compliant = 0;
      let nonCompliant = 0;
      for (const runId of counts.runs) {
        const slug = Object.keys(requirements).find((s) => requirements[s]!.some((q) => q.runIds.includes(runId)))!;
        const own = new Set(
          requirements[slug]!.flatMap((q) => q.runIds).filter((id) => controlOfRun.get(id) === controlId),
        );
        expect(own.size).toBe(1);
        for (const item of controlItems)
          if (item.frameworkName === nameOf.get(slug) && item.controlName === controlNameOf(controlId as ControlId)) {
            compliant += item.numResourcesCompliant as number;
            nonCompliant += item.numResourcesNonCompliant as number;
          }
      }
      compared++;
      expect({ controlId, compliant, nonCompliant }).toEqual({
        controlId,
        compliant: counts.PASS,
        nonCompliant: counts.FAIL + counts.EXCEPTED,
      });
    }
    expect(compared).toBeGreaterThan(10);
  });

  it("CONTROL_COMPLIANCE_REPORT: AWS's control names and statuses, the evaluation's time", async () => {
    const evaluation = (await resolveEvaluation(db, { tenantId: synced.tenantId }))!;
    const names = new Set(controlItems.map((i) => i.controlName));
    expect(names.has("BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN")).toBe(true);
    expect(names.has("BK-12")).toBe(true);
    expect(names.has("BK-01")).toBe(false);
    for (const i of controlItems) {
      expect(i.lastEvaluationTime).toBe(evaluation.evaluatedAt.toISOString());
      expect(i.accountId).toMatch(/^\d{12}$/);
      if ((i.numResourcesNonCompliant as number) > 0) expect(i.controlComplianceStatus).toBe("NON_COMPLIANT");
      else expect(["COMPLIANT", "INSUFFICIENT_DATA"]).toContain(i.controlComplianceStatus);
      expect(() => JSON.parse(i.controlParameters as string)).not.toThrow();
    }
    expect(controlItems.some((i) => i.controlComplianceStatus === "COMPLIANT")).toBe(true);
    expect(controlItems.some((i) => i.controlComplianceStatus === "NON_COMPLIANT")).toBe(true);
  });

  it("RESOURCE_COMPLIANCE_REPORT: one row per finding of each framework, failures NON_COMPLIANT", async () => {
    const evaluation = (await resolveEvaluation(db, { tenantId: synced.tenantId }))!;
    for (const t of evaluation.templates) {
      const mine = resourceItems.filter((i) => i.frameworkName === t.name);
      const all = await listFindings(db, { tenantId: synced.tenantId, templateSlug: t.slug, limit: 1 });
      expect(mine.length).toBe(all.total);
      const failing = await listFindings(db, {
        tenantId: synced.tenantId,
        templateSlug: t.slug,
        status: ["FAIL", "EXCEPTED"],
        limit: 1,
      });
      expect(mine.filter((i) => i.resourceComplianceStatus === "NON_COMPLIANT").length).toBe(failing.total);
      const passing = await listFindings(db, {
        tenantId: synced.tenantId,
        templateSlug: t.slug,
        status: "PASS",
        limit: 1,
      });
      expect(mine.filter((i) => i.resourceComplianceStatus === "COMPLIANT").length).toBe(passing.total);
    }
    const statuses = new Set(resourceItems.map((i) => i.resourceComplianceStatus));
    for (const s of statuses)
      expect(["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"]).toContain(s);
  });

  it.each(Object.keys(DOCUMENTED) as ComplianceTemplate[])(
    "%s: exactly the rows of the chosen accounts and regions",
    async (template) => {
      const all = template === "CONTROL_COMPLIANCE_REPORT" ? controlItems : resourceItems;
      const accounts = [...new Set(all.map((i) => i.accountId as string))].sort();
      const regions = [...new Set(all.map((i) => i.region as string))].filter(Boolean).sort();
      expect(accounts.length).toBeGreaterThan(1);
      expect(regions.length).toBeGreaterThan(1);
      const key = (i: Item) => JSON.stringify(i);
      const some = { accountIds: accounts.slice(0, 2), regions: regions.slice(0, 1) };
      const filtered = await items(template, some);
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.map(key)).toEqual(
        all
          .filter((i) => some.accountIds.includes(i.accountId as string) && some.regions.includes(i.region as string))
          .map(key),
      );
      expect(await items(template, { accountIds: ["999999999999"] })).toEqual([]);
    },
  );

  it("a period that ended before any evaluation has no items", async () => {
    expect(await items("CONTROL_COMPLIANCE_REPORT", { period: parsePeriod("2025-01-01", "2025-01-31") })).toEqual([]);
  });
});
