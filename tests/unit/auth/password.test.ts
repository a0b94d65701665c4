import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { clientIpFrom } from "@/lib/auth/client-ip";

describe("scrypt passwords", () => {
  it("verifies the right password and refuses a wrong one; salts differ", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });

  it("generates long distinct passwords", () => {
    const p = generatePassword();
    expect(p.length).toBeGreaterThanOrEqual(20);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("client address", () => {
  const h = (xff: string) => new Headers({ "x-forwarded-for": xff });
  it("without proxies takes the only (rightmost) entry", () => {
    expect(clientIpFrom(h("198.51.100.9"), 0)).toBe("198.51.100.9");
  });
  it("behind one proxy ignores what the client wrote before it", () => {
    expect(clientIpFrom(h("6.6.6.6, 198.51.100.9"), 1)).toBe("198.51.100.9");
  });
  it("behind two proxies skips the first proxy's address", () => {
    expect(clientIpFrom(h("6.6.6.6, 198.51.100.9, 10.0.0.2"), 2)).toBe("198.51.100.9");
  });
  it("is 'unknown' without a header", () => {
    expect(clientIpFrom(new Headers(), 0)).toBe("unknown");
  });
});
