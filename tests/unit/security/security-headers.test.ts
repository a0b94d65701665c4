import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { readEnv } from "@/lib/env";
import { contentSecurityPolicy, servedOverHttps } from "@/lib/security-headers";
import { proxy } from "@/proxy";

const nonceOf = (policy: string | null) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];

describe("proxy: Content-Security-Policy and HSTS", () => {
  it("puts a policy with a fresh nonce on every response, and the same policy on the request Next renders", () => {
    const responses = [1, 2, 3].map(() => proxy(new NextRequest("http://localhost:3000/sign-in")));
    const nonces = responses.map((r) => nonceOf(r.headers.get("content-security-policy")));
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(new Set(nonces).size).toBe(3);
    const [first] = responses;
    const policy = first!.headers.get("content-security-policy")!;
    // NextResponse.next passes the rewritten request headers to the renderer this way.
    expect(first!.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(first!.headers.get("x-middleware-request-x-nonce")).toBe(nonces[0]);
    for (const directive of [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonces[0]}' 'strict-dynamic'`,
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ])
      expect(policy.split("; ")).toContain(directive);
  });

  it("sends HSTS over HTTPS only", () => {
    const overHttp = proxy(new NextRequest("http://app.example.com/"));
    expect(overHttp.headers.get("strict-transport-security")).toBeNull();
    expect(overHttp.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
    const overHttps = proxy(new NextRequest("https://app.example.com/"));
    expect(overHttps.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(overHttps.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
  });

  it("treats plain HTTP as HTTPS only when BEHIND_TLS_PROXY says a proxy terminates TLS", () => {
    expect(servedOverHttps("http:", readEnv({}))).toBe(false);
    expect(servedOverHttps("http:", readEnv({ BEHIND_TLS_PROXY: "1" }))).toBe(true);
  });

  it("allows eval only in development", () => {
    expect(contentSecurityPolicy("n", { dev: true, https: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n", { dev: false, https: false })).not.toContain("'unsafe-eval'");
  });
});
