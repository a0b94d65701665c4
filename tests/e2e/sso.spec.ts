import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, users } from "@/db/schema";
import { testDb } from "@/tests/helpers/db";
import { appUrl, demoUser, launchBrowser } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

/** Through the test IdP's own login and consent pages, as a person would. */
async function signInWithSso(page: Page, login: string) {
  await page.goto(`${appUrl()}/sign-in`);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.locator('button[type="submit"]').click();
  // The IdP asks once for consent to share profile and email.
  await page.getByRole("button", { name: "Continue" }).click();
}

describe("single sign-on (OIDC)", () => {
  it("signs in an existing user with their own role", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, demoUser("compliance").email);
    await page.waitForURL((url) => url.pathname.startsWith("/t/"));
    expect(await page.getByTestId("user-role").textContent()).toBe("Compliance officer");
    await context.close();
  });

  it("refuses an identity that is not a user here, and creates no account", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, "stranger@elsewhere.example");
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByText("not enabled here").waitFor();
    await context.close();
    const { db, close } = testDb();
    expect(await db.$count(users, eq(users.email, "stranger@elsewhere.example"))).toBe(0);
    const [refusal] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorEmail, "stranger@elsewhere.example")));
    expect(refusal).toMatchObject({ outcome: "denied", details: { method: "oidc", reason: "unknown_user" } });
    await close();
  });
});
