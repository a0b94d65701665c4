import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "@/db/schema/enums";
import { appUrl, launchBrowser, signInAs } from "./browser";

// Every table row that names a resource, job, account or finding links to its page, and the pages
// those links lead to load, for every role. Other tenants' ids are not found.

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const TABLES: Array<{ path: string; links: string[] }> = [
  { path: "resources", links: ["resource", "account"] },
  { path: "jobs?from=2000-01-01", links: ["job", "resource", "account"] },
  { path: "jobs/copy?from=2000-01-01", links: ["job", "resource", "account"] },
  { path: "jobs/restore?from=2000-01-01", links: ["job", "account"] },
  { path: "backups/recovery-points", links: ["resource", "account"] },
  { path: "compliance/findings", links: ["finding", "account"] },
];

const selector = (kind: string) => (kind === "account" ? 'a[href*="/accounts/"]' : `a[data-link="${kind}"]`);

/** The rows of the page's data table, each with the hrefs of its links of the kinds asked for. */
function rowLinks(page: Page, kinds: string[]): Promise<Array<Record<string, string[]>>> {
  const selectors = Object.fromEntries(kinds.map((k) => [k, selector(k)]));
  return page
    .locator("main table tbody tr")
    .evaluateAll(
      (trs, sels) =>
        trs.map((tr) =>
          Object.fromEntries(
            Object.entries(sels).map(([k, sel]) => [
              k,
              [...tr.querySelectorAll(sel)].map((a) => a.getAttribute("href")!),
            ]),
          ),
        ),
      selectors,
    );
}

async function opens(page: Page, href: string) {
  const res = await page.goto(`${appUrl()}${href}`);
  expect(res?.status(), href).toBe(200);
  await page.locator("main h1").first().waitFor();
}

describe.each(ROLES)("as %s", (role) => {
  it("every row names its resource, job, account or finding with a link that loads", { timeout: 600_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, role);
    const samples = new Map<string, string>();
    for (const t of TABLES) {
      await opens(page, `/t/northwind/${t.path}`);
      const rows = await rowLinks(page, t.links);
      expect(rows.length, `${t.path} has rows`).toBeGreaterThan(0);
      for (const [i, row] of rows.entries())
        for (const k of t.links) {
          // A restore whose source resource is gone names a recovery point, not a resource.
          expect(row[k]!.length, `${t.path} row ${i} links its ${k}`).toBeGreaterThan(0);
        }
      // Follow the last row's link of each kind.
      for (const k of t.links) samples.set(k === "account" ? k : `${t.path}|${k}`, rows.at(-1)![k]![0]!);
    }
    for (const href of new Set(samples.values())) await opens(page, href);
    await context.close();
  });
});

describe("the resource, job and control pages", () => {
  it("show what they are about, link onward, and refuse another tenant's ids", { timeout: 600_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, "admin");

    // A resource failing BK-09 or BK-01: its page cites evidence for every finding.
    await opens(page, "/t/northwind/resources?protection=unprotected");
    const resource = await page.locator('main a[data-link="resource"]').first().getAttribute("href");
    await opens(page, resource!);
    await page.getByRole("heading", { name: "Plans and selections" }).waitFor();
    await page.getByRole("heading", { name: /^Recovery points/ }).waitFor();
    await page.getByRole("heading", { name: /^Jobs/ }).waitFor();
    await page.getByRole("heading", { name: /^Findings \(\d+, \d+ not passing\)/ }).waitFor();
    expect(await page.getByText("No evidence recorded.").count()).toBe(0);

    // A job from the job list: ID, ARN and resource.
    await opens(page, "/t/northwind/jobs?from=2000-01-01&problems=only");
    const job = await page.locator('main a[data-link="job"]').first().getAttribute("href");
    await opens(page, job!);
    const jobId = decodeURIComponent(job!.split("/").pop()!);
    await page.getByText(`arn:aws:backup:`, { exact: false }).first().waitFor();
    await expect(page.locator("main dl").textContent()).resolves.toContain(jobId);
    expect(await page.locator('main a[data-link="resource"]').count()).toBe(1);

    // Another tenant's resource and job are not found, whoever asks.
    for (const href of [resource!, job!]) {
      const res = await page.goto(`${appUrl()}${href.replace("/t/northwind/", "/t/contoso/")}`);
      expect(res?.status(), href).toBe(404);
    }
    expect((await page.goto(`${appUrl()}/t/northwind/resources/bm90LWFuLWFybg`))?.status()).toBe(404);

    // BK-13's drill-down, reached from its row on the framework page: description, parameters,
    // counts, how to fix, causes failures first; its FAIL names the resources it is about.
    await opens(page, "/t/northwind/compliance/iso-27001-2022");
    await page.locator('main a[href$="/compliance/iso-27001-2022/BK-13"]').first().click();
    await page.waitForURL(/\/compliance\/iso-27001-2022\/BK-13$/);
    await page.getByRole("heading", { name: "How to fix" }).waitFor();
    await page.getByText("restore testing plan", { exact: false }).first().waitFor();
    const first = page.locator("main table tbody tr").first();
    await expect(first.textContent()).resolves.toMatch(/fail/);
    await first.locator('a[data-link="finding"]').first().click();
    await page.waitForURL(/findings\/detail/);
    expect(await page.locator('main a[data-link="evidence"][href*="/resources/"]').count()).toBeGreaterThan(0);

    // BK-05's thousands of short-retention points are a few causes, each naming plan and rule.
    await opens(page, "/t/northwind/compliance/iso-27001-2022/BK-05");
    const causes = page.locator("main table tbody tr");
    const n = await causes.count();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100);
    await expect(causes.first().textContent()).resolves.toMatch(/plan .* rule /);
    await context.close();
  });
});
