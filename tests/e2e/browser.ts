import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterEach, inject } from "vitest";
import { DEMO_USERS } from "@/lib/cli/demo-users";
import type { Role } from "@/db/schema/enums";
import { chromiumPath } from "./browser-path";

// Every page of every test runs under the app's Content-Security-Policy, and anything it blocks
// fails the test: the browser's `securitypolicyviolation` events and its console's CSP messages
// are collected from every page and checked after each test.
const violations: string[] = [];

/** The violations seen since the last test ended; a test that provokes one on purpose takes it out. */
export function takeCspViolations(): string[] {
  return violations.splice(0);
}

afterEach(() => {
  const seen = takeCspViolations();
  if (seen.length > 0) throw new Error(`Content-Security-Policy violations:\n${[...new Set(seen)].join("\n")}`);
});

const watched = new WeakSet<BrowserContext>();
async function watchCsp(context: BrowserContext) {
  // browser.newPage() opens its context through browser.newContext(): watch each context once.
  if (watched.has(context)) return;
  watched.add(context);
  await context.exposeBinding("__cspViolation", ({ page }, text: string) => {
    violations.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const report = (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation;
      void report(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text()))
      violations.push(`${message.location().url}: ${message.text()}`);
  });
}

// Flags as the machine notes require: no sandbox as root, and no background networking, which
// this closed network refuses.
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath()!,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // Every context the specs open, and the one behind each browser.newPage(), is watched.
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await watchCsp(context);
    return context;
  };
  browser.newPage = async (options) => {
    const page = await newPage(options);
    await watchCsp(page.context());
    return page;
  };
  return browser;
}

export const appUrl = () => inject("appUrl");

export function demoUser(role: Role) {
  return DEMO_USERS.find((u) => u.role === role)!;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${appUrl()}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signInAs(page: Page, role: Role) {
  const u = demoUser(role);
  await signIn(page, u.email, u.password);
  // "/" forwards to the user's organization (or all of them): wait until it has.
  await page.waitForURL((url) => url.pathname !== "/sign-in" && url.pathname !== "/");
  await page.getByTestId("user-role").waitFor();
}
