import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

// The one check of where an alert may be POSTed (webhook and Slack channels). A URL the server
// fetches on a tenant's say-so could otherwise reach the instance metadata service (169.254.169.254),
// the database or anything on the private network (SSRF). So: https only, no credentials in the
// URL, and every address the host resolves to must be public — unless an admin allowed private
// addresses for the channel (an on-premises receiver, or a test's 127.0.0.1), which also allows
// plain http. It runs when a channel is saved AND before every send, and the send connects to the
// address checked here (`pinnedLookup`), so a name that resolves differently the second time (DNS
// rebinding) cannot slip through. The URL parser already turns decimal, hex and octal IPv4 forms
// (http://2130706433/, http://0x7f.1/) into dotted quads, so they are checked like any other.

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeUrlError";
  }
}

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network", incl. the unspecified address
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. the cloud metadata address
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** The 8 16-bit groups of an IPv6 address (also with an embedded dotted IPv4 tail). */
function groupsOf(ip: string): number[] {
  let s = ip.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    s = `${s.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head ? head.split(":").map((x) => parseInt(x, 16)) : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":").map((x) => parseInt(x, 16)) : [];
  return tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
}

/** The IPv4 address an IPv6 one carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4), if any. */
function embeddedIpv4(ip: string): string | null {
  const g = groupsOf(ip);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    if (g[5] === 0 && g[6] === 0) return null; // ::, ::1: plain IPv6
    return v4(g[6]!, g[7]!);
  }
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return null;
}

/** Whether an address is loopback, private, link-local, CGNAT, unique-local, unspecified, multicast or reserved. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, "ipv4");
  if (family !== 6) return true; // not an address at all: never trusted
  const v4 = embeddedIpv4(ip);
  if (v4) return blocked.check(v4, "ipv4");
  return blocked.check(ip.split("%")[0]!, "ipv6");
}

export interface CheckedUrl {
  url: URL;
  /** The addresses the host resolved to, all allowed; a send connects to the first. */
  addresses: { address: string; family: 4 | 6 }[];
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Checks that `raw` is a URL alerts may be sent to, resolving its host; throws UnsafeUrlError
 * with a message a user can act on.
 */
export async function checkAlertUrl(
  raw: string,
  o: { allowPrivateAddress: boolean; resolve?: Resolver },
): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("The URL is not valid: write it in full, such as https://hooks.example.com/alerts.");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && o.allowPrivateAddress))
    throw new UnsafeUrlError(
      url.protocol === "http:"
        ? "The URL must use https:// (plain http is allowed only for channels an administrator allowed to reach private addresses)."
        : `The URL must use https://, not ${url.protocol.replace(/:$/, "")}.`,
    );
  if (url.username || url.password)
    throw new UnsafeUrlError("The URL must not hold a user name or password: webhooks are signed instead.");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (o.resolve ?? systemResolver)(host);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new UnsafeUrlError(
        `The host ${host} could not be resolved${code ? ` (${code})` : ""}: check the URL's spelling and that the name exists in public DNS.`,
      );
    }
    if (addresses.length === 0) throw new UnsafeUrlError(`The host ${host} has no address.`);
  }
  if (!o.allowPrivateAddress) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad)
      throw new UnsafeUrlError(
        `The URL points at a private or reserved address (${host === bad.address ? host : `${host} is ${bad.address}`}); alerts go only to public addresses unless an administrator allows private ones for this channel.`,
      );
  }
  return { url, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) };
}

/** A `lookup` for http(s).request that answers with the checked address only (no second DNS query). */
export function pinnedLookup(checked: CheckedUrl) {
  const first = checked.addresses[0]!;
  return (
    _host: string,
    options: { all?: boolean },
    callback: (err: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => {
    if (options?.all) callback(null, [{ address: first.address, family: first.family }]);
    else callback(null, first.address, first.family);
  };
}
