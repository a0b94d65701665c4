import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertRules, tenants } from "@/db/schema";
import type { Role } from "@/db/schema/enums";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signInAs } from "./browser";

// The Alerts page as its users meet it: a compliance officer adds a channel and two rules (the
// second starts from fresh fields, not the first's choices), pauses one; an auditor sees the
// alerts and their own digest, and none of the settings.

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

async function open(role: Role): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAs(page, role);
  const response = await page.goto(`${appUrl()}/t/northwind/alerts`);
  expect(response?.status()).toBe(200);
  return page;
}

describe("the Alerts page", () => {
  it("lets a compliance officer add a channel and rules, and pause one", async () => {
    const page = await open("compliance");
    const channelForm = page.locator("form").filter({ has: page.getByRole("button", { name: "Add channel" }) });
    await channelForm.getByLabel("Name").fill("E2E backup team");
    await channelForm.getByLabel("Sends to").selectOption("email");
    await channelForm.getByLabel("Recipients").fill("not an address");
    await channelForm.getByRole("button", { name: "Add channel" }).click();
    await channelForm.getByText("Each recipient must be an email address").waitFor();
    await channelForm.getByLabel("Recipients").fill("backup-team@example.com");
    await channelForm.getByRole("button", { name: "Add channel" }).click();
    await page.getByText("Channel added.").waitFor();
    await page.getByRole("table", { name: "Alert channels" }).getByText("E2E backup team").waitFor();

    const ruleForm = page.locator("form").filter({ has: page.getByRole("button", { name: "Add rule" }) });
    await ruleForm.getByLabel("Name").fill("E2E controls failing");
    await ruleForm.getByLabel("Controls").fill("BK-01, BK-18");
    await ruleForm.getByLabel(/E2E backup team/).check();
    await ruleForm.getByLabel(/Mute on a schedule/).check();
    await ruleForm.getByRole("button", { name: "Add rule" }).click();
    const rules = page.getByRole("table", { name: "Alert rules" });
    await rules.getByText("E2E controls failing").waitFor();

    // The next rule starts from fresh fields: no mute carried over from the first.
    await expect.poll(() => ruleForm.getByLabel(/Mute on a schedule/).isChecked()).toBe(false);
    await ruleForm.getByLabel("Name").fill("E2E score drop");
    await ruleForm.getByLabel("Alert when").selectOption("score_dropped");
    await ruleForm.getByLabel("Below (%)").fill("80");
    await ruleForm.getByRole("button", { name: "Add rule" }).click();
    // The table lists a rule once it is saved ("Rule added." is still shown from the first one).
    await rules.getByText("E2E score drop").waitFor();

    const rows = await db
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.tenantId, tenantId)));
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("E2E controls failing")).toMatchObject({
      kind: "control_failed",
      params: { controlIds: ["BK-01", "BK-18"] },
      mute: { days: [1, 2, 3, 4, 5], from: "22:00", to: "07:00" },
    });
    expect(byName.get("E2E controls failing")!.channelIds).toHaveLength(1);
    expect(byName.get("E2E score drop")).toMatchObject({
      kind: "score_dropped",
      params: { source: "compliance", below: 80, dropPoints: 5 },
      mute: null,
      channelIds: [],
    });

    const row = rules.getByRole("row").filter({ hasText: "E2E score drop" });
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByText("paused").waitFor();
    await page.context().close();
  });

  it("shows an auditor the alerts and their digest, not the settings", async () => {
    const page = await open("auditor");
    await page.getByRole("heading", { name: "Recent alerts" }).waitFor();
    await page.getByLabel("Email me a digest").selectOption("weekly");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("You will get a weekly digest.").waitFor();
    expect(await page.getByRole("heading", { name: "Rules" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add channel" }).count()).toBe(0);
    await page.context().close();
  });
});
