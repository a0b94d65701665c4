import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backupPlans,
  backupVaults,
  complianceEvaluations,
  orgAccounts,
  recoveryPoints,
  resources,
  tenants,
} from "@/db/schema";
import type { Role } from "@/db/schema/enums";
import { readCsv } from "@/tests/helpers/csv-read";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signInAs } from "./browser";
import { testClockMs } from "@/tests/helpers/clock";

// Walks every dashboard page as each role on the simulator's demo world (synced and evaluated in
// global-app.ts), checks the numbers shown against the database, uses filters, "as of" and
// exports, and checks that read-only roles are offered nothing they may not do.

const { db, close } = testDb();
let browser: Browser;
let tenantId: string;
const shots = process.env.E2E_SCREENSHOTS;

beforeAll(async () => {
  browser = await launchBrowser();
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "northwind"));
  tenantId = t!.id;
  if (shots) mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await close();
});

const PAGES = [
  "overview",
  "compliance",
  "compliance/iso-27001-2022",
  "compliance/findings",
  "compliance/exceptions",
  "compliance/templates",
  "accounts",
  "resources",
  "backups",
  "backups/vaults",
  "backups/recovery-points",
  "jobs",
  "jobs/copy",
  "jobs/restore",
  "sync",
];

async function signedIn(role: Role): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

/** Opens a page and checks it rendered whole: 200, its heading, no failed widget. */
async function visit(page: Page, pathAndQuery: string, role: Role) {
  const response = await page.goto(`${appUrl()}/t/northwind/${pathAndQuery}`);
  expect(response?.status(), pathAndQuery).toBe(200);
  await page.waitForLoadState("networkidle");
  const body = (await page.textContent("main")) ?? "";
  expect(body, `${pathAndQuery} has a failed panel`).not.toMatch(
    /could not be loaded|could not be shown|Something went wrong/,
  );
  expect(await page.locator("main h1").count(), `${pathAndQuery} has a heading`).toBeGreaterThan(0);
  if (shots)
    await page.screenshot({
      path: path.join(shots, `${role}-${pathAndQuery.replace(/[^a-z0-9]+/gi, "_")}.png`),
      fullPage: true,
    });
}

/** The "N rows" line above a table. */
async function rowsShown(page: Page): Promise<number> {
  const text =
    (await page
      .getByText(/^\d[\d,]* rows?$/)
      .first()
      .textContent()) ?? "";
  return Number(text.replace(/[^\d]/g, ""));
}

describe.each(["admin", "operator", "compliance", "auditor"] as const)("as %s", (role) => {
  it("every dashboard page renders whole", async () => {
    const { context, page } = await signedIn(role);
    for (const p of PAGES) await visit(page, p, role);
    await context.close();
  });
});

describe("numbers shown match the database", () => {
  it("inventory counts, filtered counts and compliance scores", async () => {
    const { context, page } = await signedIn("compliance");
    const count = async (
      table: typeof recoveryPoints | typeof backupPlans | typeof backupVaults | typeof resources,
      extra?: ReturnType<typeof eq>,
    ) => db.$count(table, extra ? and(eq(table.tenantId, tenantId), extra) : eq(table.tenantId, tenantId));

    await visit(page, "backups/recovery-points", "compliance");
    expect(await rowsShown(page)).toBe(await count(recoveryPoints));
    await visit(page, "backups", "compliance");
    expect(await rowsShown(page)).toBe(await count(backupPlans));
    await visit(page, "backups/vaults", "compliance");
    expect(await rowsShown(page)).toBe(await count(backupVaults));

    // A filter set through the form lands in the URL and narrows the count exactly.
    const [anAccount] = await db
      .select({ id: orgAccounts.accountId })
      .from(orgAccounts)
      .where(eq(orgAccounts.tenantId, tenantId))
      .orderBy(orgAccounts.name);
    const [withPoints] = await db
      .select({ accountId: recoveryPoints.accountId })
      .from(recoveryPoints)
      .where(eq(recoveryPoints.tenantId, tenantId))
      .groupBy(recoveryPoints.accountId)
      .orderBy(sql`count(*) desc`)
      .limit(1);
    expect(anAccount).toBeDefined();
    await visit(page, "backups/recovery-points", "compliance");
    await page.getByLabel("Account").fill(withPoints!.accountId);
    await page.getByLabel("Encrypted").selectOption("yes");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/account=\d{12}.*encrypted=yes|encrypted=yes.*account=\d{12}/);
    expect(await rowsShown(page)).toBe(
      await count(
        recoveryPoints,
        and(eq(recoveryPoints.accountId, withPoints!.accountId), eq(recoveryPoints.isEncrypted, true))!,
      ),
    );

    // Overview: every resource is counted once, protected or not.
    await visit(page, "overview", "compliance");
    const total = await count(resources);
    expect(await page.getByText(new RegExp(`of ${total} resources are not protected`)).count()).toBe(1);

    // Compliance: requirements met per framework, from the stored scores of the newest evaluation.
    const scores = await db.execute<{ template_slug: string; met: number; applicable: number }>(sql`
      select template_slug, count(*) filter (where status = 'PASS')::int as met, count(*) filter (where status <> 'NOT_APPLICABLE')::int as applicable
      from compliance_scores where tenant_id = ${tenantId} and requirement_id <> ''
        and evaluation_id = (select max(id) from compliance_evaluations where tenant_id = ${tenantId})
      group by template_slug`);
    expect(scores.rows.length).toBe(3);
    await visit(page, "compliance", "compliance");
    for (const s of scores.rows) {
      expect(
        await page.getByText(`${s.met} of ${s.applicable} requirements fully met`).count(),
        s.template_slug,
      ).toBeGreaterThan(0);
    }
    await context.close();
  });

  it("'as of' redraws from history: before the first evaluation there is none; today shows the same as now", async () => {
    const { context, page } = await signedIn("auditor");
    const [first] = await db
      .select({ at: complianceEvaluations.evaluatedAt })
      .from(complianceEvaluations)
      .where(eq(complianceEvaluations.tenantId, tenantId))
      .orderBy(complianceEvaluations.id)
      .limit(1);
    const dayBefore = new Date(first!.at.getTime() - 86_400_000).toISOString().slice(0, 10);
    await visit(page, `compliance?asOf=${dayBefore}`, "auditor");
    expect(await page.getByText(`No evaluation existed on ${dayBefore}`).count()).toBe(1);
    const today = new Date(testClockMs()).toISOString().slice(0, 10);
    await visit(page, "compliance", "auditor");
    const latest = await page.locator("main section h2").allTextContents();
    await page.locator('input[name="asOf"]').fill(today);
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(new RegExp(`asOf=${today}`));
    expect(await page.locator("main section h2").allTextContents()).toEqual(latest);
    expect(await page.getByText(`Showing the evaluation in force on ${today}`).count()).toBe(1);
    await context.close();
  });
});

describe("exports", () => {
  it("a CSV downloaded from the page holds exactly the filtered rows, with a header saying what it is", async () => {
    const { context, page } = await signedIn("auditor");
    await visit(page, "backups/recovery-points?encrypted=no", "auditor");
    const shown = await rowsShown(page);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Export CSV" }).click(),
    ]);
    const file = await download.path();
    const records = readCsv(readFileSync(file!, "utf8")).map((r) => r.map((f) => f.text));
    const preamble = new Map(records.filter((r) => r[0]!.startsWith("#")).map((r) => [r[0], r[1]]));
    const data = records.filter((r) => !r[0]!.startsWith("#"));
    expect(preamble.get("# tenant")).toBe("Northwind");
    expect(preamble.get("# filters")).toMatch(/"encrypted":"no"/);
    expect(preamble.get("# generated_at")).toMatch(/^\d{4}-/);
    expect(data[0]!.slice(0, 3)).toEqual(["account_id", "region", "recovery_point_arn"]);
    expect(data.length - 1).toBe(shown);
    expect(data.length - 1).toBe(
      await db.$count(
        recoveryPoints,
        and(eq(recoveryPoints.tenantId, tenantId), eq(recoveryPoints.isEncrypted, false)),
      ),
    );
    await context.close();
  });

  it("JSON exports carry the same rows and their meta", async () => {
    const { context, page } = await signedIn("compliance");
    const res = await page.request.get(`${appUrl()}/t/northwind/export/findings?format=json&status=FAIL&control=BK-01`);
    expect(res.status()).toBe(200);
    const body = (await res.json()) as {
      meta: { tenant: string; filters: Record<string, string>; asOf: string };
      rows: Array<{ status: string; control_id: string }>;
    };
    expect(body.meta).toMatchObject({
      tenant: "Northwind",
      filters: { status: "FAIL", control: "BK-01" },
      asOf: "current",
    });
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r) => r.status === "FAIL" && r.control_id === "BK-01")).toBe(true);
    await visit(page, "compliance/findings?status=FAIL&control=BK-01", "compliance");
    expect(await rowsShown(page)).toBe(body.rows.length);
    await context.close();
  });

  it("a bad filter is refused with a message, not a crash", async () => {
    const { context, page } = await signedIn("auditor");
    const res = await page.request.get(`${appUrl()}/t/northwind/export/recovery-points?account=12&format=csv`);
    expect(res.status()).toBe(400);
    expect(
      ((await res.json()) as { error: { fieldErrors: Record<string, string> } }).error.fieldErrors.account,
    ).toMatch(/12-digit/);
    await visit(page, "backups/recovery-points?account=12", "auditor");
    expect(await page.getByText(/account: Account must be a 12-digit account ID/).count()).toBe(1);
    await context.close();
  });
});

describe("exceptions and read-only roles", () => {
  it("a compliance officer accepts a failing finding; it shows as excepted, with its reason, everywhere", async () => {
    const { context, page } = await signedIn("compliance");
    await visit(page, "compliance/findings?status=FAIL&control=BK-03", "compliance");
    const before = await rowsShown(page);
    await page.locator("tbody a").first().click();
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Why it is acceptable").fill("short");
    await page.getByLabel("Owner").fill("Jane Ops");
    await page.getByRole("button", { name: "Accept risk" }).click();
    await page.getByText("Reason must say why (at least 10 characters).").waitFor();
    await page.getByLabel("Why it is acceptable").fill("Vault is being retired this quarter");
    await page.getByRole("button", { name: "Accept risk" }).click();
    await page.getByText("Accepted risk (counts as excepted, not passing)").waitFor();
    await visit(page, "compliance/findings?status=FAIL&control=BK-03", "compliance");
    expect(await rowsShown(page)).toBe(before - 1);
    await visit(page, "compliance/findings?status=EXCEPTED&control=BK-03", "compliance");
    expect(await rowsShown(page)).toBe(1);
    expect(await page.getByText("Vault is being retired this quarter").count()).toBe(1);
    await context.close();
  });

  it("the auditor sees no sync, exception or template controls", async () => {
    const { context, page } = await signedIn("auditor");
    await visit(page, "sync", "auditor");
    expect(await page.getByRole("button", { name: "Sync now" }).count()).toBe(0);
    await visit(page, "compliance/findings?status=FAIL&control=BK-03", "auditor");
    await page.locator("tbody a").first().click();
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("button", { name: "Accept risk" }).count()).toBe(0);
    await visit(page, "compliance/templates", "auditor");
    expect(await page.locator("main form").count()).toBe(0);
    expect(await page.locator("main button").count()).toBe(0);
    await visit(page, "compliance/exceptions", "auditor");
    expect(await page.getByText("Vault is being retired this quarter").count()).toBe(1);
    expect(await page.locator("details summary", { hasText: "Revoke" }).count()).toBe(0);
    await context.close();
  });

  it("the operator may sync but not export", async () => {
    const { context, page } = await signedIn("operator");
    await visit(page, "sync", "operator");
    expect(await page.getByRole("button", { name: "Sync now" }).count()).toBe(1);
    await visit(page, "backups/recovery-points", "operator");
    expect(await page.getByRole("link", { name: "Export CSV" }).count()).toBe(0);
    expect((await page.request.get(`${appUrl()}/t/northwind/export/recovery-points?format=csv`)).status()).toBe(403);
    await context.close();
  });
});
