import { mkdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/db/audit";
import { tenants } from "@/db/schema";
import { ROLES, type Role } from "@/db/schema/enums";
import { ROLE_CAPABILITIES } from "@/lib/auth/permissions";
import { testClockMs } from "@/tests/helpers/clock";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signInAs } from "./browser";

// The shell on a phone and a desktop: no page is wider than the screen (wide tables scroll inside
// their own container), the navigation is a drawer on a phone, Settings keeps the organization,
// the menu offers each role only what exists for it, and the audit log pages through its entries.

const { db, close } = testDb();
let browser: Browser;
let northwind: { id: string; managementAccountId: string };
const shots = process.env.E2E_SCREENSHOTS;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const SIZES = [
  ["phone", PHONE],
  ["desktop", DESKTOP],
] as const;

const TENANT_PAGES = [
  "overview",
  "compliance",
  "compliance/iso-27001-2022",
  "accounts",
  "resources",
  "backups",
  "jobs",
  "sync",
  "reports",
  "reports/schedules",
];
const POLICY_ROLES: Role[] = ["admin", "operator"];

beforeAll(async () => {
  browser = await launchBrowser();
  const [t] = await db
    .select({ id: tenants.id, managementAccountId: tenants.managementAccountId })
    .from(tenants)
    .where(eq(tenants.slug, "northwind"));
  northwind = t!;
  if (shots) mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await close();
});

async function signedIn(role: Role, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

/**
 * The page is no wider than the window, and no element reaches past its right edge unless a
 * scrolling (or clipping) container holds it, as wide tables are held.
 */
async function horizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const clientWidth = root.clientWidth;
    const held = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
      }
      return false;
    };
    const culprits: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll("*"))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= clientWidth + 1 || held(el)) continue;
      if (getComputedStyle(el).visibility === "hidden") continue;
      culprits.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: root.scrollWidth, clientWidth, culprits: culprits.slice(0, 5) };
  });
}

async function expectNoOverflow(page: Page, url: string, label: string) {
  const response = await page.goto(`${appUrl()}${url}`);
  expect(response?.status(), url).toBe(200);
  await page.waitForLoadState("networkidle");
  const o = await horizontalOverflow(page);
  expect(o.culprits, `${label} ${url}: elements past the right edge`).toEqual([]);
  expect(o.scrollWidth, `${label} ${url}: page wider than the window`).toBeLessThanOrEqual(o.clientWidth);
}

describe.each(ROLES)("as %s", (role) => {
  it.each(SIZES)("no page overflows horizontally on a %s", async (size, viewport) => {
    const { context, page } = await signedIn(role, viewport);
    const pages = [...TENANT_PAGES, ...(POLICY_ROLES.includes(role) ? ["policies"] : [])].map(
      (p) => `/t/northwind/${p}`,
    );
    if (role === "admin")
      pages.push(
        "/organizations",
        "/settings/users",
        "/settings/organizations",
        `/settings/organizations/${northwind.id}`,
        "/settings/audit-log",
      );
    for (const url of pages) await expectNoOverflow(page, url, `${role} on a ${size}`);
    if (shots)
      for (const url of [
        "/t/northwind/overview",
        "/t/northwind/compliance",
        "/t/northwind/jobs",
        "/settings/audit-log",
      ]) {
        if (url.startsWith("/settings") && role !== "admin") continue;
        await page.goto(`${appUrl()}${url}`);
        await page.waitForLoadState("networkidle");
        await page.screenshot({
          path: path.join(shots, `layout-${role}-${size}-${url.replace(/[^a-z0-9]+/gi, "_")}.png`),
          fullPage: true,
        });
      }
    await context.close();
  });

  it("the menu offers Policies to roles that draft or push them, Reports to roles that export", async () => {
    const { context, page } = await signedIn(role, DESKTOP);
    await page.goto(`${appUrl()}/t/northwind/overview`);
    const menu = page.getByRole("navigation", { name: "Organization" });
    await menu.getByRole("link", { name: "Jobs" }).waitFor();
    expect(await menu.getByRole("link", { name: "Policies" }).count()).toBe(POLICY_ROLES.includes(role) ? 1 : 0);
    const exports = ROLE_CAPABILITIES[role].includes("export");
    expect(await menu.getByRole("link", { name: "Reports" }).count()).toBe(exports ? 1 : 0);
    // The page itself reads like the Compliance page; only its downloads need the export capability.
    const reports = await page.goto(`${appUrl()}/t/northwind/reports`);
    expect(reports?.status()).toBe(200);
    expect((await page.locator('a[href*="/reports/bundle"]').count()) > 0).toBe(exports);
    await context.close();
  });
});

describe("navigation", () => {
  it("is a drawer on a phone: closed at first, opened by Menu, closed by a link, Escape and its button", async () => {
    const { context, page } = await signedIn("operator", PHONE);
    const drawer = page.getByRole("complementary", { name: "Main navigation" });
    const menu = page.getByRole("button", { name: "Menu", exact: true });
    expect(await drawer.isVisible()).toBe(false);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");

    await menu.click();
    await drawer.waitFor({ state: "visible" });
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await drawer.getByRole("link", { name: "Jobs" }).click();
    await page.waitForURL(/\/t\/northwind\/jobs$/);
    await drawer.waitFor({ state: "hidden" });

    await menu.click();
    await drawer.waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "hidden" });

    await menu.click();
    await drawer.getByRole("button", { name: "Close menu" }).click();
    await drawer.waitFor({ state: "hidden" });
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await context.close();
  });

  it("is a column on a desktop, with no menu button", async () => {
    const { context, page } = await signedIn("operator", DESKTOP);
    expect(await page.getByRole("complementary", { name: "Main navigation" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Menu", exact: true }).isVisible()).toBe(false);
    await context.close();
  });

  it("keeps the organization in the sidebar and the switcher on Settings", async () => {
    const { context, page } = await signedIn("admin", DESKTOP);
    await page.goto(`${appUrl()}/t/northwind/compliance`);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/settings\/users$/);
    expect(await page.locator("#tenant-switcher").inputValue()).toBe("northwind");
    const overview = page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Overview" });
    expect(await overview.getAttribute("href")).toBe("/t/northwind/overview");
    // A fresh load of a settings page keeps it too (the layout reads it from the cookie).
    await page.goto(`${appUrl()}/settings/audit-log`);
    expect(await page.locator("#tenant-switcher").inputValue()).toBe("northwind");
    await context.close();
  });
});

describe("dates", () => {
  it("the jobs page shows its default window in the date fields and refuses an impossible date", async () => {
    const { context, page } = await signedIn("operator", DESKTOP);
    await page.goto(`${appUrl()}/t/northwind/jobs`);
    const day = (offset: number) => new Date(testClockMs() + offset * 86_400_000).toISOString().slice(0, 10);
    const from = page.locator('input[name="from"]');
    expect(await from.inputValue()).toBe(day(-7));
    expect(await page.locator('input[name="to"]').inputValue()).toBe(day(0));
    // Echoed as the pages show dates.
    const shown = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(
      new Date(`${day(-7)}T00:00:00Z`),
    );
    await page.getByText(shown, { exact: true }).first().waitFor();

    await from.fill("2026-02-31");
    await page.getByText("Use yyyy-mm-dd, e.g. 2026-12-06.").waitFor();
    await page.getByRole("button", { name: "Apply" }).click();
    expect(await from.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(false);
    expect(new URL(page.url()).search).toBe("");

    await from.fill(day(-30));
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(new RegExp(`from=${day(-30)}`));
    expect(await page.locator('input[name="from"]').inputValue()).toBe(day(-30));
    await context.close();
  });
});

describe("settings", () => {
  it("the audit log pages through its entries with a count, and shows target, outcome and details", async () => {
    // 120 entries of an action of their own, so the count is exact whatever else the run logged.
    await db.transaction(async (tx) => {
      for (let i = 1; i <= 120; i++)
        await recordAudit(tx, {
          actorEmail: "paging@e2e.example",
          tenantId: northwind.id,
          action: "e2e.paging",
          targetType: "table",
          targetId: "backup-jobs",
          outcome: i % 40 === 0 ? "denied" : "success",
          details: { format: "csv", n: i, filters: { account: "123456789012" } },
        });
    });
    const { context, page } = await signedIn("admin", DESKTOP);
    await page.goto(`${appUrl()}/settings/audit-log?action=e2e.paging`);
    const position = page.getByTestId("audit-position");
    const pager = page.getByRole("navigation", { name: "Audit log pages" }).first();
    expect(await position.textContent()).toBe("Entries 1–50 of 120, newest first");
    const table = page.getByRole("table", { name: "Audit log entries, newest first" });
    const firstRow = table.locator("tbody tr").first();
    expect(await firstRow.locator("td").nth(3).innerText()).toBe("Table\nbackup-jobs");
    expect(await firstRow.locator("td").nth(4).innerText()).toBe("denied");
    const details = await firstRow.locator("dl > div").allTextContents();
    expect(details).toContain("n: 120");
    expect(details).toContain("filters.account: 123456789012");
    expect(details.join(" ")).not.toContain("{");

    await pager.getByRole("link", { name: "Older →" }).click();
    await page.waitForURL(/before=/);
    expect(await position.textContent()).toBe("Entries 51–100 of 120, newest first");
    await pager.getByRole("link", { name: "Older →" }).click();
    await page.getByText("Entries 101–120 of 120, newest first").waitFor();
    expect(await pager.getByRole("link", { name: "Older →" }).count()).toBe(0);
    expect(await firstRowN(page)).toBe(20);

    await pager.getByRole("link", { name: "← Newer" }).click();
    await page.waitForURL(/after=/);
    expect(await position.textContent()).toBe("Entries 51–100 of 120, newest first");
    expect(await firstRowN(page)).toBe(70);
    await pager.getByRole("link", { name: "Newest" }).click();
    await page.getByText("Entries 1–50 of 120, newest first").waitFor();
    await context.close();
  });

  it("the management trust policy names the product's own principal, and policies wrap on a phone", async () => {
    const { context, page } = await signedIn("admin", PHONE);
    await page.goto(`${appUrl()}/settings/organizations/${northwind.id}`);
    const management = page.locator("section", {
      has: page.getByRole("heading", { name: "Management role trust policy" }),
    });
    const policy = management.locator("pre");
    await policy.filter({ hasText: `"AWS": "arn:aws:iam::${northwind.managementAccountId}:user/` }).waitFor();
    expect(await policy.textContent()).not.toContain("<this product's AWS principal ARN>");
    await management.getByText("STS GetCallerIdentity").waitFor();
    for (const pre of await page.locator("pre").all())
      expect(await pre.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await context.close();
  });
});

/** The `n` detail of the first row shown. */
async function firstRowN(page: Page): Promise<number> {
  const lines = await page.locator("tbody tr").first().locator("dl > div").allTextContents();
  return Number(lines.map((l) => /^n: (\d+)$/.exec(l)?.[1]).find(Boolean));
}
