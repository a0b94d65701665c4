import { isIP } from "node:net";

// The client's address, for per-address sign-in limits and the audit log.
//
// Next.js exposes no socket address to route handlers, server actions or pages (NextRequest.ip is
// gone; it fills X-Forwarded-For with the socket address only when the request carries none, so a
// client that sends one is believed). The product's web server (lib/cli/web-server.ts, which
// `npm start` and `npm run demo` run) therefore deletes any SOCKET_ADDRESS_HEADER a client sent,
// sets it to the socket's remote address, and marks the process, so that a header of that name is
// believed only where that server put it.
//
// With TRUST_PROXY_HOPS=0 the socket address is the client. With N trusted reverse proxies, each
// appends the address it saw to X-Forwarded-For, so the client is the Nth entry from the right;
// entries further left were written by the client and are ignored. An address that cannot be
// known (no product web server, a chain shorter than the proxies configured) is "unknown".

export const SOCKET_ADDRESS_HEADER = "x-backup-governance-socket-address";
const MARK = Symbol.for("backup-governance.socket-address-header");

/** Called by the product's web server before it serves: it sets SOCKET_ADDRESS_HEADER itself. */
export function markSocketAddressHeader(): void {
  (globalThis as Record<symbol, unknown>)[MARK] = true;
}

export function socketAddressHeaderIsSet(): boolean {
  return (globalThis as Record<symbol, unknown>)[MARK] === true;
}

/** An IP address as written in a header, or null when it is not one. */
function address(value: string | null | undefined): string | null {
  const ip = (value ?? "").trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  return ip && isIP(ip) ? ip : null;
}

export function clientIpFrom(
  headers: Headers,
  trustedHops: number,
  socketHeaderSet: boolean = socketAddressHeaderIsSet(),
): string {
  const socket = socketHeaderSet ? address(headers.get(SOCKET_ADDRESS_HEADER)) : null;
  if (trustedHops <= 0) return socket ?? "unknown";
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through all of them.
  if (chain.length < trustedHops) return socket ?? "unknown";
  return address(chain[chain.length - trustedHops]) ?? "unknown";
}
