import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, complianceEvaluations, complianceTemplates, complianceTenantTemplates } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { getBuiltinTemplate } from "@/lib/compliance/templates/builtin-templates";
import { listEvaluationTemplates, listTemplates } from "@/lib/compliance/templates/template-store";
import { isolatedDb, testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// Templates as versioned data through the server actions a compliance user calls: clone, change
// parameters and scope, add and remove requirements, choose the tenant's templates. Every change
// is audited; bad input is refused with a message naming the field and saves nothing.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({ getSession: async () => caller, getClientIp: async () => "203.0.113.9" }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const handle = testDb();
const { db } = handle;
let actions: typeof import("@/app/(app)/t/[tenant]/compliance/templates/actions");
let tenant: Awaited<ReturnType<typeof makeTenant>>;

const form = (fields: Record<string, string | string[]>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) fd.append(k, item);
  return fd;
};
const revisions = async () => db.$count(complianceTemplates, eq(complianceTemplates.tenantId, tenant.id));
const audits = async (action: string) =>
  db.$count(auditLog, and(eq(auditLog.action, action), eq(auditLog.tenantId, tenant.id)));

// The form a user submits for a clone of ISO 27001 (its controls' parameters, as the page renders them).
const isoForm = (over: Record<string, string | string[]> = {}) => ({
  tenantId: tenant.id,
  slug: "iso-strict",
  name: "ISO strict",
  "parameters.BK-01.resourceTypes": ["EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3"],
  "parameters.BK-01.tag": "",
  "parameters.BK-02.frequencyUnit": "hours",
  "parameters.BK-02.frequencyValue": "12",
  "parameters.BK-02.requiredRetentionDays": "90",
  "parameters.BK-03.exemptPrincipalArns": "",
  "parameters.BK-05.requiredRetentionDays": "90",
  "parameters.BK-06.destinationRegions": "",
  "parameters.BK-07.destinationAccounts": "",
  "parameters.BK-08.minRetentionDays": "",
  "parameters.BK-08.maxRetentionDays": "",
  "parameters.BK-09.unit": "days",
  "parameters.BK-09.value": "1",
  "parameters.BK-10.maxRestoreMinutes": "720",
  "parameters.BK-12.maxRetentionDays": "2555",
  "parameters.BK-13.lookbackDays": "180",
  "parameters.BK-13.granularity": "account-resource-type",
  "parameters.BK-14.lookbackDays": "7",
  "parameters.BK-14.maxFailures": "0",
  "parameters.BK-18.maxAgeDays": "7",
  "parameters.BK-19.tag": "criticality=critical",
  "parameters.BK-19.unit": "days",
  "parameters.BK-19.value": "1",
  "parameters.BK-19.recoveryAccounts": "",
  "parameters.BK-20.lookbackDays": "180",
  "scope.regions": "eu-west-1",
  "scope.tags": "env=prod",
  ...over,
});

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  actions = await import("@/app/(app)/t/[tenant]/compliance/templates/actions");
  tenant = await makeTenant(db);
  caller = await makeUser(db, "compliance", [{ tenantId: tenant.id }]);
});
afterAll(() => handle.close());

describe("templates", () => {
  it("seeds the three built-ins once; a new tenant is evaluated against all three", async () => {
    const first = await listTemplates(db, { tenantId: tenant.id });
    await listTemplates(db, { tenantId: tenant.id });
    expect(first.map((t) => t.slug).sort()).toEqual(["gdpr", "iso-27001-2022", "soc2-2017"]);
    expect(first.every((t) => t.builtin && t.selected && t.revision === 1)).toBe(true);
    expect(await db.$count(complianceTemplates, eq(complianceTemplates.slug, "gdpr"))).toBe(1);
  });

  it("clones a built-in into a custom template, audited", async () => {
    const r = await actions.cloneTemplateAction(
      null,
      form({ tenantId: tenant.id, fromSlug: "iso-27001-2022", slug: "iso-strict", name: "ISO strict" }),
    );
    expect(r).toMatchObject({ ok: true, data: { slug: "iso-strict", revision: 1 } });
    const t = (await listTemplates(db, { tenantId: tenant.id })).find((x) => x.slug === "iso-strict")!;
    expect(t).toMatchObject({
      builtin: false,
      selected: false,
      template: { basedOn: { id: "iso-27001-2022", version: "2026.2" } },
    });
    expect(t.template.requirements.map((q) => q.id)).toEqual([
      "A.8.13",
      "A.8.14",
      "A.5.29",
      "A.5.30",
      "A.8.24",
      "A.8.10",
      "A.8.7",
    ]);
    expect(await audits("compliance.template.clone")).toBe(1);
  });

  it.each([
    ["an id that exists", { slug: "iso-strict" }, "slug", /already exists/],
    ["a built-in's id", { slug: "gdpr" }, "slug", /already exists/],
    ["a malformed id", { slug: "Not An Id" }, "slug", /lowercase/],
    ["no name", { name: "" }, "name", /required/],
  ])("refuses a clone with %s", async (_l, over, field, message) => {
    const before = [await revisions(), await audits("compliance.template.clone")];
    const r = await actions.cloneTemplateAction(
      null,
      form({ tenantId: tenant.id, fromSlug: "iso-27001-2022", slug: "iso-other", name: "Other", ...over }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.fieldErrors?.[field]).toMatch(message);
    expect([await revisions(), await audits("compliance.template.clone")]).toEqual(before);
  });

  it.each([
    ["a frequency of 0", { "parameters.BK-02.frequencyValue": "0" }, "parameters.BK-02.frequencyValue", /at least 1/],
    [
      "a frequency of 40 days",
      { "parameters.BK-02.frequencyUnit": "days", "parameters.BK-02.frequencyValue": "40" },
      "parameters.BK-02.frequencyValue",
      /at most 31 days/,
    ],
    [
      "a retention below zero",
      { "parameters.BK-05.requiredRetentionDays": "-1" },
      "parameters.BK-05.requiredRetentionDays",
      /must not be negative/,
    ],
    [
      "a word for a number",
      { "parameters.BK-12.maxRetentionDays": "seven years" },
      "parameters.BK-12.maxRetentionDays",
      /whole number/,
    ],
    ["a malformed tag scope", { "scope.tags": "=prod" }, "scope.tags", /tag key must not be empty/],
    ["a region that is not one", { "scope.regions": "europe" }, "scope.regions", /not an AWS region code/],
    ["an unknown frequency unit", { "parameters.BK-02.frequencyUnit": "weeks" }, "parameters.BK-02.frequencyUnit", /./],
  ])("refuses parameters with %s, naming the field, saving nothing", async (_l, over, field, message) => {
    const before = [await revisions(), await audits("compliance.template.update")];
    const r = await actions.updateTemplateParametersAction(null, form(isoForm(over)));
    expect(r).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
    if (r.ok) return;
    expect(r.error.fieldErrors?.[field]).toMatch(message);
    expect([await revisions(), await audits("compliance.template.update")]).toEqual(before);
  });

  it("saves parameters and scope as a new revision, audited", async () => {
    const r = await actions.updateTemplateParametersAction(null, form(isoForm()));
    expect(r).toMatchObject({ ok: true, data: { revision: 2 } });
    const t = (await listTemplates(db, { tenantId: tenant.id })).find((x) => x.slug === "iso-strict")!;
    expect(t.revision).toBe(2);
    expect(t.template.parameters["BK-02"]).toEqual({
      frequencyUnit: "hours",
      frequencyValue: 12,
      requiredRetentionDays: 90,
    });
    expect(t.template.scope).toMatchObject({ regions: ["eu-west-1"], tags: [{ key: "env", value: "prod" }] });
    expect(await audits("compliance.template.update")).toBe(1);
  });

  it("adds and removes requirements; refuses unknown controls", async () => {
    const bad = await actions.addRequirementAction(
      null,
      form({ tenantId: tenant.id, slug: "iso-strict", id: "X.1", title: "Immutable", controls: ["BK-99"] }),
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.error.fieldErrors ?? {}).join()).toMatch(/controls/);
    const good = await actions.addRequirementAction(
      null,
      form({
        tenantId: tenant.id,
        slug: "iso-strict",
        id: "X.1",
        title: "Immutable copies",
        controls: ["BK-11", "BK-08"],
      }),
    );
    expect(good).toMatchObject({ ok: true, data: { revision: 3 } });
    const removed = await actions.removeRequirementAction(
      null,
      form({ tenantId: tenant.id, slug: "iso-strict", requirementId: "A.8.14" }),
    );
    expect(removed).toMatchObject({ ok: true, data: { revision: 4 } });
    const t = (await listTemplates(db, { tenantId: tenant.id })).find((x) => x.slug === "iso-strict")!;
    expect(t.template.requirements.map((q) => q.id)).toEqual([
      "A.8.13",
      "A.5.29",
      "A.5.30",
      "A.8.24",
      "A.8.10",
      "A.8.7",
      "X.1",
    ]);
    expect(await audits("compliance.template.update")).toBe(3);
  });

  it("does not change built-ins", async () => {
    const r = await actions.updateTemplateParametersAction(null, form(isoForm({ slug: "gdpr" })));
    expect(r).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });

  it("chooses the tenant's templates; the evaluation uses them and records their revisions", async () => {
    const none = await actions.setTenantTemplatesAction(null, form({ tenantId: tenant.id }));
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.fieldErrors?.slugs).toMatch(/at least one/);
    const unknown = await actions.setTenantTemplatesAction(null, form({ tenantId: tenant.id, slugs: ["nope"] }));
    expect(unknown.ok).toBe(false);
    const r = await actions.setTenantTemplatesAction(
      null,
      form({ tenantId: tenant.id, slugs: ["iso-strict", "gdpr"] }),
    );
    expect(r).toMatchObject({ ok: true });
    expect((await listEvaluationTemplates(db, { tenantId: tenant.id })).map((t) => t.slug).sort()).toEqual([
      "gdpr",
      "iso-strict",
    ]);
    expect(await db.$count(complianceTenantTemplates, eq(complianceTenantTemplates.tenantId, tenant.id))).toBe(2);
    expect(await audits("compliance.templates.select")).toBe(1);
    const result = await evaluateTenant(db, tenant.id, { trigger: "test" });
    const [row] = await db
      .select()
      .from(complianceEvaluations)
      .where(eq(complianceEvaluations.id, result.evaluationId));
    expect(row!.templates.map((t) => `${t.slug}@${t.revision}`).sort()).toEqual(["gdpr@1", "iso-strict@4"]);
    // The custom parameters are their own run: BK-02 every 12 h / 90 days beside the default.
    expect(result.runs.filter((r) => r.controlId === "BK-02").length).toBe(2);
  });

  it("refuses other roles and other tenants' members", async () => {
    const auditor = await makeUser(db, "auditor", [{ tenantId: tenant.id }]);
    const other = await makeTenant(db);
    const outsider = await makeUser(db, "compliance", [{ tenantId: other.id }]);
    for (const who of [auditor, outsider]) {
      caller = who;
      expect(
        await actions.cloneTemplateAction(
          null,
          form({ tenantId: tenant.id, fromSlug: "gdpr", slug: "gdpr-x", name: "x" }),
        ),
      ).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    }
  });
});

describe("built-in templates on an existing install", () => {
  it("a new built-in version becomes the next revision, and the tenant is evaluated against it", async () => {
    const iso = await isolatedDb();
    try {
      // An install seeded before the cyber-resilience controls: ISO 27001 as version 2026.1 had them not.
      const current = getBuiltinTemplate("iso-27001-2022")!;
      const before = {
        ...current,
        version: "2026.1",
        parameters: Object.fromEntries(
          Object.entries(current.parameters).filter(([id]) => !["BK-18", "BK-19", "BK-20"].includes(id)),
        ),
        requirements: current.requirements
          .filter((r) => r.id !== "A.8.7")
          .map((r) => ({ ...r, controls: r.controls.filter((c) => !["BK-19", "BK-20"].includes(c)) })),
      };
      await iso.db.insert(complianceTemplates).values({
        tenantId: null,
        slug: "iso-27001-2022",
        revision: 1,
        version: "2026.1",
        name: before.name,
        framework: before.framework,
        definition: before as unknown as Record<string, unknown>,
      });
      const t = await makeTenant(iso.db);
      const listed = (await listTemplates(iso.db, { tenantId: t.id })).find((x) => x.slug === "iso-27001-2022")!;
      expect([listed.revision, listed.version]).toEqual([2, current.version]);
      expect(listed.template.requirements.find((r) => r.id === "A.5.30")!.controls).toEqual([
        "BK-06",
        "BK-10",
        "BK-13",
        "BK-19",
        "BK-20",
      ]);
      expect(listed.template.requirements.at(-1)).toMatchObject({ id: "A.8.7", title: "Protection against malware" });
      // The old revision stays for history; seeding again adds nothing.
      await listTemplates(iso.db, { tenantId: t.id });
      expect(await iso.db.$count(complianceTemplates, eq(complianceTemplates.slug, "iso-27001-2022"))).toBe(2);
      const result = await evaluateTenant(iso.db, t.id, { trigger: "test" });
      const [row] = await iso.db
        .select()
        .from(complianceEvaluations)
        .where(eq(complianceEvaluations.id, result.evaluationId));
      expect(row!.templates.map((x) => `${x.slug}@${x.revision}`).sort()).toEqual([
        "gdpr@1",
        "iso-27001-2022@2",
        "soc2-2017@1",
      ]);
      for (const id of ["BK-18", "BK-19", "BK-20", "BK-21"])
        expect(
          result.runs.some((r) => r.controlId === id),
          id,
        ).toBe(true);
    } finally {
      await iso.drop();
    }
  });
});
