import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { auditLog } from "@/db/schema";
import { SOCKET_ADDRESS_HEADER } from "@/lib/auth/client-ip";
import { testDb } from "@/tests/helpers/db";
import { appUrl, launchBrowser, signIn, signInAs } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe("password sign-in through the product's web server", () => {
  it("records the socket address, not one the client forged (TRUST_PROXY_HOPS=0)", async () => {
    const context = await browser.newContext({
      extraHTTPHeaders: { "x-forwarded-for": "203.0.113.66", [SOCKET_ADDRESS_HEADER]: "203.0.113.67" },
    });
    const page = await context.newPage();
    const email = "forged-address@elsewhere.example";
    await signIn(page, email, "not-a-password");
    await page.getByText("Email or password is incorrect.").waitFor();
    await context.close();
    const { db, close } = testDb();
    const [failure] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.sign_in"), eq(auditLog.actorEmail, email)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(failure).toMatchObject({ outcome: "failure", ip: "127.0.0.1" });
    await close();
  });

  it("shows the browser no session id at /api/auth/session", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInAs(page, "auditor");
    const response = await page.request.get(`${appUrl()}/api/auth/session`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["expires"]);
    // Still signed in: the server reads the id from the encrypted token.
    await page.goto(`${appUrl()}/`);
    await page.getByTestId("user-role").waitFor();
    await context.close();
  });
});
