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
    // Styles inline as well as from the app: React server-renders widths and chart geometry as
    // style attributes, and CodeMirror (the policy editor) adds <style> elements without a nonce.
    // Inline CSS cannot run script, and with img-src and font-src limited to the app it cannot
    // send what it matches anywhere else.
    "style-src 'self' 'unsafe-inline'",
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
