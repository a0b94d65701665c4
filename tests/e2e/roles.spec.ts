import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "@/db/schema/enums";
import { readCsv } from "@/tests/helpers/csv-read";
import { appUrl, demoUser, launchBrowser, signIn, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("signing in", () => {
  it("shows a clear message for a wrong password and for a malformed email", async () => {
    const page = await browser.newPage();
    await signIn(page, demoUser("auditor").email, "not-the-password");
    await page.getByRole("alert").filter({ hasText: "Email or password is incorrect." }).waitFor();
    await signIn(page, "not-an-email", "whatever");
    await page.getByText("Enter a valid email address").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.close();
  });

  it("sends a visitor without a session to the sign-in page", async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl()}/settings/users`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.close();
  });
});

describe.each(ROLES.filter((r) => r !== "admin"))("as %s", (role) => {
  it("sees only its organization and none of the administration, then signs out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, role);
    expect(new URL(page.url()).pathname).toBe("/t/northwind/overview");
    const options = await page.locator("#tenant-switcher option").allTextContents();
    expect(options).toEqual(["Northwind"]);
    expect(await page.getByRole("link", { name: "Settings" }).count()).toBe(0);

    // Refused through the UI and through direct requests alike.
    await page.goto(`${appUrl()}/settings/users`);
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByText("Your role does not include that").waitFor();
    const other = await page.goto(`${appUrl()}/t/contoso/overview`);
    expect(other?.status()).toBe(404);
    const exportResponse = await page.request.get(`${appUrl()}/settings/audit-log/export`);
    expect(exportResponse.status()).toBe(403);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${appUrl()}/t/northwind/overview`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });
});

describe("as admin", () => {
  it("sees every organization and the settings, and the form refuses a bad account ID", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, "admin");
    expect(new URL(page.url()).pathname).toBe("/organizations");
    await expect(page.getByRole("heading", { name: "Northwind" }).count()).resolves.toBe(1);
    await expect(page.getByRole("heading", { name: "Contoso" }).count()).resolves.toBe(1);

    // The pages' old addresses still lead there.
    await page.goto(`${appUrl()}/clients`);
    expect(new URL(page.url()).pathname).toBe("/organizations");
    await page.goto(`${appUrl()}/settings/tenants`);
    expect(new URL(page.url()).pathname).toBe("/settings/organizations");
    await page.getByLabel("Name", { exact: true }).fill("Fabrikam");
    await page.getByLabel("Management account ID").fill("12345");
    await page
      .getByLabel("Role to assume in the management account")
      .fill("arn:aws:iam::123456789012:role/BackupGovernance");
    await page.getByRole("button", { name: "Add organization" }).click();
    await page.getByText("Management account ID must be exactly 12 digits.").waitFor();
    await page.getByLabel("Management account ID").fill("123456789012");
    await page.getByRole("button", { name: "Add organization" }).click();
    // A new organization opens its setup guide: added, roles next, nothing synced.
    await page.waitForURL(/\/settings\/organizations\/[0-9a-f-]{36}\/setup$/);
    await page.getByRole("heading", { name: "Set up Fabrikam" }).waitFor();
    expect(await page.getByTestId("setup-step-organization").getAttribute("data-state")).toBe("done");
    expect(await page.getByTestId("setup-step-roles").getAttribute("data-state")).toBe("current");
    expect(await page.getByTestId("setup-step-first-sync").getAttribute("data-state")).toBe("todo");
    await page.getByRole("link", { name: "← Fabrikam" }).click();
    await page.waitForURL(/\/settings\/organizations\/[0-9a-f-]{36}$/);
    await page.getByText("This organization has not been synced yet.").waitFor();
    const externalId = await page.getByTestId("external-id").textContent();
    expect(externalId).toMatch(/^[\w-]{32}$/);

    // One account's member role under another name: refused when malformed, listed, removed.
    const overrides = page.getByRole("table", { name: "Accounts whose member role has another name" });
    await page.getByText("Every account uses BackupGovernanceReadOnly.").waitFor();
    await page.getByLabel("Account ID", { exact: true }).fill("2109876543");
    await page.getByLabel("Role name in that account").fill("LegacyBackupRole");
    await page.getByRole("button", { name: "Set role" }).click();
    await page.getByText("Account ID must be exactly 12 digits.").waitFor();
    await page.getByLabel("Account ID", { exact: true }).fill("210987654321");
    await page.getByRole("button", { name: "Set role" }).click();
    await overrides.getByRole("cell", { name: "LegacyBackupRole" }).waitFor();
    if (process.env.E2E_SCREENSHOTS)
      await page.screenshot({ path: `${process.env.E2E_SCREENSHOTS}/admin-tenant-settings.png`, fullPage: true });
    await overrides.getByRole("button", { name: "Remove the role override of account 210987654321" }).click();
    await page.getByText("Every account uses BackupGovernanceReadOnly.").waitFor();

    await page.goto(`${appUrl()}/settings/audit-log?action=tenant.member_role.set`);
    await expect(page.getByRole("cell", { name: "tenant.member_role.set" }).count()).resolves.toBe(1);
    await page.goto(`${appUrl()}/settings/audit-log?action=tenant.create`);
    await expect(page.getByRole("cell", { name: "tenant.create" }).count()).resolves.toBeGreaterThan(0);
    const csv = await page.request.get(`${appUrl()}/settings/audit-log/export?action=tenant.create`);
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text).toContain("Fabrikam");
    expect(
      readCsv(text)
        .find((r) => r[0]!.text === "id")!
        .map((f) => f.text),
    ).toContain("prev_hash");
    await context.close();
  });
});
