import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appUrl, launchBrowser, takeCspViolations } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const nonceOf = (policy: string | null) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];

describe("Content-Security-Policy", () => {
  it("comes with every page, with a fresh nonce that the page's own scripts carry", async () => {
    const [first, second] = await Promise.all([fetch(`${appUrl()}/sign-in`), fetch(`${appUrl()}/sign-in`)]);
    const policies = [first.headers.get("content-security-policy"), second.headers.get("content-security-policy")];
    for (const policy of policies) {
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
      // A production build: no eval, and no upgrade of requests over plain HTTP.
      expect(policy).not.toContain("unsafe-eval");
      expect(policy).not.toContain("upgrade-insecure-requests");
    }
    const [a, b] = policies.map(nonceOf);
    expect(a).toBeTruthy();
    expect(a).not.toBe(b);
    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${a}"`);
  });

  it("sends no Strict-Transport-Security over plain HTTP", async () => {
    const res = await fetch(`${appUrl()}/sign-in`);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("is enforced, and what it blocks is caught by the suite's check", async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl()}/sign-in`);
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "http://elsewhere.invalid/pixel.png";
      document.body.append(img);
    });
    const seen: string[] = [];
    await expect
      .poll(() => {
        seen.push(...takeCspViolations());
        return seen.join("\n");
      })
      .toMatch(/img-src blocked http:\/\/elsewhere\.invalid/);
    // The console's own report of the same refusal, which may come a moment later.
    await expect
      .poll(() => {
        seen.push(...takeCspViolations());
        return seen.join("\n");
      })
      .toMatch(/image 'http:\/\/elsewhere\.invalid\/pixel\.png' violates/);
    await page.close();
  });
});
