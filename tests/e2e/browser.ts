import { chromium, type Browser, type Page } from "playwright-core";
import { inject } from "vitest";
import { DEMO_USERS } from "@/lib/cli/demo-users";
import type { Role } from "@/db/schema/enums";
import { chromiumPath } from "./browser-path";

// Flags as the machine notes require: no sandbox as root, and no background networking, which
// this closed network refuses.
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
