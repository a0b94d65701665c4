import { env as processEnv, type Env } from "@/lib/env";

// The Content-Security-Policy and Strict-Transport-Security of every response, set per request by
// proxy.ts. Scripts run only with this response's nonce (Next.js puts it on its own scripts and
// inline payloads when it reads the policy from the request) or when loaded by such a script
// ('strict-dynamic'); the app loads nothing from another origin.

export const HSTS = "max-age=63072000; includeSubDomains";

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    // `next dev` evaluates code to rebuild server error stacks in the browser; a build never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // <style> elements need the nonce (Next.js sets it on its own; CodeMirror adopts constructed
    // style sheets, which CSP does not restrict). Style attributes cannot run script or select
    // elements, and React server-renders charts and widths with them, so they stay allowed; in
    // development the error overlay injects <style> elements without a nonce.
    options.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * Whether the browser reached us over HTTPS: the request's own protocol, or BEHIND_TLS_PROXY when a
 * proxy in front terminates TLS (a client can forge X-Forwarded-Proto, so it is not read).
 */
export function servedOverHttps(protocol: string, e: Env = processEnv): boolean {
  return protocol === "https:" || e.BEHIND_TLS_PROXY;
}
