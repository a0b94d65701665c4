import { eq, sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, tenants } from "@/db/schema";
import type { Role } from "@/db/schema/enums";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signInAs } from "./browser";

// The Compliance page and every framework page show the same score and the same count of
// requirements fully met, both as the stored requirement scores say; an account the sync never
// read says "no data" (never 0%), and an operator can acknowledge it.

const { db, close } = testDb();
let browser: Browser;
let tenantId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "northwind"));
  tenantId = t!.id;
});
afterAll(async () => {
  await browser?.close();
  await close();
});

async function signedIn(role: Role): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

async function open(page: Page, path: string) {
  const response = await page.goto(`${appUrl()}/t/northwind/${path}`);
  expect(response?.status(), path).toBe(200);
  await page.waitForLoadState("networkidle");
}

const text = async (page: Page, scope: string, testId: string) =>
  ((await page.locator(scope).getByTestId(testId).first().textContent()) ?? "").trim();

describe("scores agree between the Compliance page and each framework page", () => {
  it("for every framework: the same score, the same requirements fully met, as the stored scores say", async () => {
    // The expected headline: the mean of the applicable requirements' scores (the built-ins weigh
    // each requirement 1), shown with one decimal, rounded down.
    const stored = await db.execute<{
      slug: string;
      name: string;
      headline: number;
      met: number;
      applicable: number;
    }>(sql`
      select s.template_slug as slug, t.name, avg(s.score) filter (where s.status <> 'NOT_APPLICABLE') as headline,
             count(*) filter (where s.status = 'PASS')::int as met, count(*) filter (where s.status <> 'NOT_APPLICABLE')::int as applicable
        from compliance_scores s
        join compliance_templates t on t.slug = s.template_slug and t.tenant_id is null
       where s.tenant_id = ${tenantId} and s.requirement_id <> ''
         and s.evaluation_id = (select max(id) from compliance_evaluations where tenant_id = ${tenantId} and status = 'succeeded')
       group by s.template_slug, t.name`);
    expect(stored.rows.length).toBe(3);
    const { context, page } = await signedIn("compliance");
    await open(page, "compliance");
    const onSummary = new Map<string, { score: string; met: string }>();
    for (const f of stored.rows) {
      const card = `section[aria-label="${f.name}"]`;
      const score = await text(page, card, "framework-score");
      const met = await text(page, card, "framework-fully-met");
      expect(score, f.slug).toBe(`${(Math.floor(Number(f.headline) * 1000) / 10).toFixed(1)}%`);
      expect(met, f.slug).toBe(`${f.met} of ${f.applicable} requirements fully met`);
      // The headline moves with progress: it is above the strict share of requirements fully met.
      expect(Number(f.headline), f.slug).toBeGreaterThan(f.met / f.applicable);
      onSummary.set(f.slug, { score, met });
      // The pass share is never labelled "not met".
      expect(
        await page
          .locator(card)
          .getByText(/\d+% not met/)
          .count(),
      ).toBe(0);
    }
    for (const f of stored.rows) {
      await open(page, `compliance/${f.slug}`);
      expect(await text(page, "main", "framework-score"), f.slug).toBe(onSummary.get(f.slug)!.score);
      expect(await text(page, "main", "framework-fully-met"), f.slug).toBe(onSummary.get(f.slug)!.met);
      // Pass and fail counts per control.
      expect(await page.getByTestId("control-counts").count()).toBeGreaterThan(0);
    }
    await context.close();
  });
});

describe("an account the sync never read", () => {
  it("says 'no data', and an operator can acknowledge it so the banner stops counting it", async () => {
    const { context, page } = await signedIn("operator");
    await open(page, "accounts");
    const row = page.locator("li:not(:has(li))", { has: page.getByRole("link", { name: "Sandbox One", exact: true }) });
    expect(await row.getByText("no data", { exact: true }).count()).toBe(1);
    expect(await row.getByText(/\d+(\.\d)?%/).count()).toBe(0);
    const banner = page.getByRole("status").first();
    const before = (await banner.textContent()) ?? "";
    expect(before).toMatch(/never read/);

    await row.getByText("Acknowledge no data").click();
    await row.getByLabel(/Why Sandbox One is not read/).fill("sandbox without the member role");
    await row.getByRole("button", { name: "Acknowledge", exact: true }).click();
    await row.getByText("No data: acknowledged").waitFor();
    expect(await page.getByRole("status").first().textContent()).toMatch(/not read, acknowledged/);
    const [audit] = await db
      .select({ actorEmail: auditLog.actorEmail, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, "sync.unread_account.acknowledge"));
    expect(audit).toMatchObject({ actorEmail: "operator@demo.example" });

    // The framework page lists it as "no data (acknowledged)", not as a score.
    await open(page, "compliance/soc2-2017");
    const listed = page.locator("li", { hasText: "Sandbox One" });
    expect(await listed.getByText("no data (acknowledged)").count()).toBe(1);

    // Taken back, so the other browser tests see the world as it was.
    await open(page, "accounts");
    await row.getByRole("button", { name: "Withdraw acknowledgement" }).click();
    await row.getByText("Acknowledge no data").waitFor();
    await context.close();
  });
});
