import { describe, expect, it } from "vitest";
import { clientIpFrom, SOCKET_ADDRESS_HEADER } from "@/lib/auth/client-ip";

// The product's web server sets SOCKET_ADDRESS_HEADER to the peer's address (and replaces any a
// client sent); X-Forwarded-For is whatever the client and the proxies wrote.
const request = (socket: string | null, xff?: string) =>
  new Headers({
    ...(socket ? { [SOCKET_ADDRESS_HEADER]: socket } : {}),
    ...(xff !== undefined ? { "x-forwarded-for": xff } : {}),
  });

describe("client address", () => {
  it("without proxies is the socket address, whatever X-Forwarded-For claims", () => {
    expect(clientIpFrom(request("198.51.100.9", "6.6.6.6"), 0, true)).toBe("198.51.100.9");
    expect(clientIpFrom(request("198.51.100.9", "6.6.6.6, 7.7.7.7"), 0, true)).toBe("198.51.100.9");
    expect(clientIpFrom(request("::ffff:198.51.100.9"), 0, true)).toBe("198.51.100.9");
    expect(clientIpFrom(request("2001:db8::1"), 0, true)).toBe("2001:db8::1");
  });

  it("without the product's web server in front, believes no header at all", () => {
    // `next start` or `next dev`: a client could have sent either header itself.
    expect(clientIpFrom(request("6.6.6.6", "6.6.6.6"), 0, false)).toBe("unknown");
    expect(clientIpFrom(request("6.6.6.6"), 0, false)).toBe("unknown");
  });

  it("behind one proxy takes the entry it appended, ignoring what the client wrote before it", () => {
    // The proxy (10.0.0.1, the socket) appended the client's address.
    expect(clientIpFrom(request("10.0.0.1", "6.6.6.6, 198.51.100.9"), 1, true)).toBe("198.51.100.9");
    expect(clientIpFrom(request("10.0.0.1", "198.51.100.9"), 1, true)).toBe("198.51.100.9");
  });

  it("behind two proxies takes the second entry from the right", () => {
    expect(clientIpFrom(request("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.1"), 2, true)).toBe("198.51.100.9");
  });

  it("is the socket's when the chain is shorter than the proxies (the request bypassed them)", () => {
    expect(clientIpFrom(request("198.51.100.9", "6.6.6.6"), 2, true)).toBe("198.51.100.9");
    expect(clientIpFrom(request(null, "6.6.6.6"), 2, false)).toBe("unknown");
  });

  it("is 'unknown' for anything that is not an address", () => {
    expect(clientIpFrom(new Headers(), 0, true)).toBe("unknown");
    expect(clientIpFrom(request("10.0.0.1", "not-an-ip"), 1, true)).toBe("unknown");
    expect(clientIpFrom(request("10.0.0.1", "x".repeat(100_000)), 1, true)).toBe("unknown");
  });
});
