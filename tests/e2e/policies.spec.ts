import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { managedPolicies, policyPushes, tenants } from "@/db/schema";
import type { Role } from "@/db/schema/enums";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signInAs } from "./browser";

// The backup-policy screens on the simulator-backed Northwind tenant (global-app.ts keeps its
// simulator running and points the app at it): the operator generates a policy from the ISO
// template, edits it in the code editor and submits it; the operator can't approve their own
// version; the admin approves and pushes to the simulated AWS Organizations; the auditor sees
// it all read-only.

const { db, close } = testDb();
let browser: Browser;
let tenantId: string;
const NAME = "iso-baseline-e2e";
let policyUrl = "";

beforeAll(async () => {
  browser = await launchBrowser();
  const [t] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "northwind"));
  tenantId = t!.id;
});
afterAll(async () => {
  await browser?.close();
  await close();
});

async function signedIn(role: Role, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signInAs(page, role);
  return { context, page };
}

/** The editor's whole text (CodeMirror renders only the visible lines; the save form carries all of it). */
const editorText = (page: Page) => page.locator('input[name="content"]').inputValue();

/** Replaces the editor's text as a user would: select all, then type. */
async function typeInEditor(page: Page, text: string) {
  await page.getByTestId("policy-json").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
}

describe("backup policies", () => {
  it("the operator generates from the ISO template, edits in the editor and submits", async () => {
    const { context, page } = await signedIn("operator");
    await page.goto(`${appUrl()}/t/northwind/policies`);
    await page.getByText("No managed backup policies yet").waitFor();
    await page.getByRole("link", { name: "New policy" }).first().click();
    await page.waitForURL(/\/policies\/new$/);

    await page
      .getByLabel("Framework template", { exact: true })
      .selectOption({ label: "ISO/IEC 27001:2022 (evaluated here)" });
    await page.getByRole("button", { name: "Generate from template" }).click();
    await page.getByText("Valid: AWS Organizations would accept this document.").waitFor();
    expect(await page.getByLabel("Policy name", { exact: true }).inputValue()).toBe("iso-27001-2022-baseline");
    const generated = JSON.parse(await editorText(page));
    const rule = generated.plans["iso-27001-2022-baseline"].rules["backup-rule"];
    expect(rule.schedule_expression).toEqual({ "@@assign": "cron(0 5 ? * * *)" });
    expect(rule.lifecycle.delete_after_days).toEqual({ "@@assign": "35" });

    // The form writes into the JSON…
    await page.getByLabel("Copy to Regions", { exact: true }).fill("eu-central-1");
    await expect.poll(() => editorText(page)).toContain("arn:aws:backup:eu-central-1:$account:backup-vault:Default");

    // …and the JSON, typed in the editor, fills the form; an invalid edit shows its error, marked in the text.
    const text = await editorText(page);
    await typeInEditor(
      page,
      text
        .replace(/("start_backup_window_minutes": \{\s*"@@assign": )"60"/, '$1"30"')
        .replace(/("delete_after_days": \{\s*"@@assign": )"35"/g, '$1"90"'),
    );
    await page.getByText("1 problem: AWS would refuse this document").waitFor();
    const problems = page.getByRole("list", { name: "Problems in the policy document" });
    expect(await problems.textContent()).toContain(
      '$.plans["iso-27001-2022-baseline"].rules["backup-rule"].start_backup_window_minutes["@@assign"]',
    );
    expect(await problems.textContent()).toContain("START_WINDOW_TOO_SHORT");
    expect(await problems.textContent()).toContain("MalformedPolicyDocumentException");
    // Choosing the problem selects it in the editor, where it is marked.
    await problems.getByRole("button").first().click();
    await page.locator(".cm-lintRange-error").first().waitFor();
    expect(await page.locator(".cm-lintRange-error").first().textContent()).toBe('"30"');
    expect(await page.getByLabel("Keep backups (days)", { exact: true }).inputValue()).toBe("90");

    // The server refuses it too, and says why.
    await page.getByLabel("Policy name", { exact: true }).fill(NAME);
    await page.getByRole("checkbox", { name: /Workloads/ }).check();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "The policy document was refused: Start window: 30 is below the minimum" })
      .waitFor();

    // A valid edit saves.
    await typeInEditor(
      page,
      (await editorText(page)).replace(/("start_backup_window_minutes": \{\s*"@@assign": )"30"/, '$1"120"'),
    );
    await page.getByText("Valid: AWS Organizations would accept this document.").waitFor();
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(/\/policies\/[0-9a-f-]{36}\?saved=1$/);
    policyUrl = page.url().replace(/\?.*$/, "");
    await page.getByText("Version 1 saved as a draft.").waitFor();

    await page.getByRole("button", { name: "Submit for approval" }).click();
    // The author is never offered an approval: the button is disabled and says why.
    await page
      .getByText("You wrote version 1: another person with the push permission must approve or reject it")
      .waitFor();
    expect(await page.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    expect(await page.getByText("0 of 1 approval").count()).toBe(1);
    await context.close();
  });

  it("the admin approves and pushes it to the simulated organization", async () => {
    expect(policyUrl).not.toBe("");
    const { context, page } = await signedIn("admin");
    await page.goto(policyUrl);
    await page.getByLabel("Approval comment (optional)", { exact: true }).fill("Matches A.8.13");
    await page.getByRole("button", { name: "Approve v1" }).click();
    await page.getByRole("button", { name: "Push to AWS" }).click();
    await page.getByText(/Pushed version 1 as p-[0-9a-z]+: attached to 1 target/).waitFor({ timeout: 60_000 });

    const [policy] = await db
      .select()
      .from(managedPolicies)
      .where(and(eq(managedPolicies.tenantId, tenantId), eq(managedPolicies.name, NAME)));
    expect(policy?.awsPolicyId).toMatch(/^p-/);
    const [push] = await db.select().from(policyPushes).where(eq(policyPushes.policyId, policy!.id));
    expect(push?.status).toBe("succeeded");

    // The push and every AWS call with its request ID.
    await page.reload();
    await page.getByText("1 of 1 approval").waitFor();
    await page.getByText(/\d+ AWS calls with their request IDs/).click();
    const calls = page.getByRole("table", { name: "AWS calls of this push" });
    expect(await calls.textContent()).toContain("CreatePolicy");
    expect(await calls.textContent()).toContain("AttachPolicy");
    await context.close();
  });

  it("the auditor sees the policy read-only, on a phone too", async () => {
    for (const width of [1280, 375]) {
      const { context, page } = await signedIn("auditor", width);
      await page.goto(`${appUrl()}/t/northwind/policies`);
      await page.getByRole("link", { name: NAME }).waitFor();
      expect(await page.getByRole("link", { name: "New policy" }).count()).toBe(0);
      await page.getByRole("link", { name: NAME }).click();
      await page.getByRole("heading", { name: NAME }).waitFor();
      await page.getByText("in AWS", { exact: true }).waitFor();
      expect(await page.locator("main").getByRole("button").count()).toBe(0);
      expect(await page.getByRole("link", { name: /New version|New draft/ }).count()).toBe(0);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth),
        `no sideways scrolling at ${width} px`,
      ).toBeLessThanOrEqual(width);
      // The authoring page itself is refused.
      await page.goto(`${appUrl()}/t/northwind/policies/new`);
      await page.waitForURL(/\/t\/northwind\/overview\?denied=policy%3Adraft$/);
      await context.close();
    }
  });
});
