import { describe, expect, it } from "vitest";
import { checkAlertUrl, isPrivateAddress, pinnedLookup } from "@/lib/alerts/url-guard";

const resolveTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fd12:3456::1",
    "fc00::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::10.0.0.1",
    "2002:c0a8:101::1",
    "not-an-ip",
  ])("refuses %s", (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "2a00:1450::1",
  ])("allows %s", (ip) => expect(isPrivateAddress(ip)).toBe(false));
});

describe("checkAlertUrl", () => {
  const publicOnly = { allowPrivateAddress: false, resolve: resolveTo("93.184.216.34") };

  it("accepts an https URL resolving to public addresses", async () => {
    const c = await checkAlertUrl("https://hooks.example.com/a?b=c", publicOnly);
    expect(c.addresses).toEqual([{ address: "93.184.216.34", family: 4 }]);
  });

  it.each([
    ["http://2130706433/", /must use https/],
    ["https://2130706433/", /private or reserved address \(127\.0\.0\.1\)/],
    ["https://0x7f.0.0.1/", /private or reserved address \(127\.0\.0\.1\)/],
    ["https://0177.0.0.1/", /private or reserved address \(127\.0\.0\.1\)/],
    ["https://[::ffff:169.254.169.254]/", /private or reserved/],
    ["https://[::1]:8443/", /private or reserved/],
    ["ftp://example.com/", /must use https:\/\/, not ftp/],
    ["https://user:pw@hooks.example.com/", /must not hold a user name or password/],
    ["hooks.example.com/x", /not valid/],
  ])("refuses %s", async (url, message) => {
    await expect(checkAlertUrl(url, publicOnly)).rejects.toThrow(message);
  });

  it("refuses a name that resolves to a private address among public ones (rebinding-style)", async () => {
    await expect(
      checkAlertUrl("https://evil.example/", {
        allowPrivateAddress: false,
        resolve: resolveTo("93.184.216.34", "10.0.0.5"),
      }),
    ).rejects.toThrow(/evil\.example is 10\.0\.0\.5/);
  });

  it("says when a name does not resolve", async () => {
    const resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    await expect(checkAlertUrl("https://nope.example/", { allowPrivateAddress: false, resolve })).rejects.toThrow(
      /could not be resolved \(ENOTFOUND\)/,
    );
  });

  it("allows private addresses and plain http only with the admin's flag", async () => {
    const c = await checkAlertUrl("http://127.0.0.1:8080/hook", { allowPrivateAddress: true });
    expect(c.addresses[0]!.address).toBe("127.0.0.1");
  });

  it("connects to the checked address, not to a second DNS answer", async () => {
    const c = await checkAlertUrl("https://hooks.example.com/", publicOnly);
    const lookup = pinnedLookup(c);
    await new Promise<void>((done) =>
      lookup("hooks.example.com", {}, (err, address) => {
        expect(err).toBeNull();
        expect(address).toBe("93.184.216.34");
        done();
      }),
    );
  });
});
