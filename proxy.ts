import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { contentSecurityPolicy, HSTS, newNonce, servedOverHttps } from "@/lib/security-headers";

/**
 * Gives every request a fresh CSP nonce. Next.js reads the policy from the request headers while
 * rendering and puts the nonce on its scripts; the same policy goes out on the response. Pages are
 * therefore rendered per request (app/layout.tsx), which every page here is anyway.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const https = servedOverHttps(request.nextUrl.protocol);
  const policy = contentSecurityPolicy(nonce, { dev: env.NODE_ENV === "development", https });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

export const config = {
  // Static assets carry no script of their own to allow.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
