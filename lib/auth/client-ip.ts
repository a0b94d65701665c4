// Next.js fills X-Forwarded-For with the socket address only when no one set it. Each trusted
// proxy appends the address it saw, so with N proxies the client is N entries from the right;
// with none, the rightmost entry is all there is (a client can forge it, so per-address limits
// are best-effort without a proxy; the per-account limit does not depend on it).
export function clientIpFrom(headers: Headers, trustedHops: number): string {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = chain[Math.max(0, chain.length - Math.max(trustedHops, 1))];
  return ip && ip.length <= 64 ? ip : "unknown";
}
