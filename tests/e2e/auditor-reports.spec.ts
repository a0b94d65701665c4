import { readFile } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants, users } from "@/db/schema";
import { setMembership } from "@/lib/admin/users";
import { hashPassword } from "@/lib/auth/password";
import { verifyEvidenceBundle } from "@/lib/reports/evidence/bundle-verify";
import { clock } from "@/lib/clock";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signIn } from "./browser";

// Issue 18's journey: an auditor granted Northwind for a period signs in, lands on the reports of
// that period, sees the same score the Compliance page shows, downloads the evidence bundle, and
// the bundle verifies offline; a page of the current state outside the period is refused.

const { db, close } = testDb();
let browser: Browser;
let dir: string;
const email = `grant-auditor-${Math.random().toString(36).slice(2, 8)}@test.example`;
const password = "grant-auditor-pass-1";
const day = (offset: number) => new Date(clock.nowMs() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  browser = await launchBrowser();
  dir = await mkdtemp(path.join(tmpdir(), "e2e-bundle-"));
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "northwind"));
  const [u] = await db
    .insert(users)
    .values({ email, name: "Grant Auditor", role: "auditor", passwordHash: await hashPassword(password) })
    .returning();
  await setMembership(
    db,
    { userId: null, email: "e2e@test.example", ip: null },
    { userId: u!.id, tenantId: t!.id, periodFrom: day(-30), periodTo: day(0), expiresOn: day(30) },
  );
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
  await close();
});

describe("an auditor with an audit grant", () => {
  it("opens the period's reports, downloads the evidence bundle, and it verifies", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, email, password);
    await page.waitForURL((url) => url.pathname !== "/sign-in" && url.pathname !== "/");
    await page.goto(`${appUrl()}/t/northwind/reports`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByText(`Your audit access covers ${day(-30)} to ${day(0)}`).count()).toBe(1);

    // The reports list the frameworks in the Compliance page's order, with the same scores.
    const reportScores = (await page.getByTestId("report-score").allTextContents()).map((s) => s.trim());
    expect(reportScores.length).toBeGreaterThanOrEqual(3);
    const slug = (await page.getByTestId("report-score").first().getAttribute("data-slug"))!;
    await page.goto(`${appUrl()}/t/northwind/compliance`);
    await page.waitForLoadState("networkidle");
    const onScreen = (await page.getByTestId("framework-score").allTextContents()).map((s) => s.trim());
    expect(onScreen.length).toBe(reportScores.length);
    onScreen.forEach((text, i) => expect(text).toContain(reportScores[i]));

    await page.goto(`${appUrl()}/t/northwind/reports`);
    await page.waitForLoadState("networkidle");
    const link = page.locator(`[data-testid=bundle-link][href*="framework=${slug}"]`);
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 120_000 }), link.click()]);
    const file = path.join(dir, "bundle.zip");
    await download.saveAs(file);
    const result = await verifyEvidenceBundle(file);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const zip = await readFile(file);
    expect(zip.subarray(0, 2).toString("latin1")).toBe("PK");
    await context.close();
  }, 180_000);

  it("is refused a date outside the period", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, email, password);
    await page.waitForURL((url) => url.pathname !== "/sign-in" && url.pathname !== "/");
    await page.goto(`${appUrl()}/t/northwind/compliance?asOf=${day(-60)}`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByText("Your audit access to this organization covers").count()).toBeGreaterThan(0);
    const res = await page.request.get(
      `${appUrl()}/t/northwind/reports/bundle?framework=x&from=${day(-90)}&to=${day(-1)}`,
    );
    expect(res.status()).toBe(403);
    await context.close();
  });
});
