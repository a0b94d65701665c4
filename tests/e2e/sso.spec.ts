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
    const email = demoUser("compliance").email;
    await signInWithSso(page, email);
    await page.waitForURL((url) => url.pathname.startsWith("/t/"));
    expect(await page.getByTestId("user-role").textContent()).toBe("Compliance officer");
    await context.close();
    // The first SSO sign-in bound the user to the identity (the test IdP's subject is the login).
    const { db, close } = testDb();
    const [row] = await db.select().from(users).where(eq(users.email, email));
    expect(row).toMatchObject({ oidcSubject: email });
    expect(row!.oidcIssuer).toMatch(/^http:\/\/127\.0\.0\.1:/);
    await close();
  });

  it("refuses an identity whose email the IdP does not say is verified", async () => {
    const email = demoUser("operator").email;
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, `unverified-subject|${email}|missing`);
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByText("not enabled here").waitFor();
    await context.close();
    const { db, close } = testDb();
    const [refusal] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorEmail, email), eq(auditLog.outcome, "denied")));
    expect(refusal).toMatchObject({ details: { method: "oidc", reason: "email_not_verified" } });
    expect((await db.select().from(users).where(eq(users.email, email)))[0]).toMatchObject({ oidcSubject: null });
    await close();
  });

  it("refuses another identity presenting the email of a user already bound", async () => {
    const email = demoUser("compliance").email;
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithSso(page, `impostor-subject|${email}|true`);
    await page.waitForURL((url) => url.pathname === "/sign-in");
    await page.getByText("not enabled here").waitFor();
    await context.close();
    const { db, close } = testDb();
    const [refusal] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorEmail, email), eq(auditLog.outcome, "denied")));
    expect(refusal).toMatchObject({ details: { reason: "identity_mismatch", subject: "impostor-subject" } });
    await close();
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
