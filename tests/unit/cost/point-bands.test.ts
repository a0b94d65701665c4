import { describe, expect, it } from "vitest";
import { PUBLISHED_PRICES, priceOf } from "@/lib/cost/backup-prices";
import { ageBandOf, BYTES_PER_GB, monthlyCostUsd, storageTierOf } from "@/lib/cost/point-bands";
import { setPriceOverrideInput } from "@/lib/validation/price-overrides";

describe("ageBandOf", () => {
  it.each([
    [0, "lt7"],
    [6, "lt7"],
    [7, "lt30"],
    [29, "lt30"],
    [30, "lt90"],
    [89, "lt90"],
    [90, "lt365"],
    [364, "lt365"],
    [365, "older"],
    [4000, "older"],
  ])("puts a point %i days old in %s", (days, band) => {
    expect(ageBandOf(days)).toBe(band);
  });
});

describe("storageTierOf", () => {
  it("takes AWS's own storage class first", () => {
    expect(storageTierOf({ storageClass: "COLD", coldSincePassed: false })).toBe("cold");
    expect(storageTierOf({ storageClass: "WARM", coldSincePassed: true })).toBe("warm");
  });
  it("without one, is cold once the lifecycle's cold date has passed", () => {
    expect(storageTierOf({ storageClass: null, coldSincePassed: true })).toBe("cold");
    expect(storageTierOf({ storageClass: null, coldSincePassed: false })).toBe("warm");
    expect(storageTierOf({ storageClass: "DELETED", coldSincePassed: false })).toBe("warm");
  });
});

describe("monthlyCostUsd", () => {
  it("prices GB-months of 2^30 bytes", () => {
    expect(monthlyCostUsd(10 * BYTES_PER_GB, 0.05)).toBeCloseTo(0.5, 10);
    expect(monthlyCostUsd(BYTES_PER_GB / 2, 0.01)).toBeCloseTo(0.005, 10);
    expect(monthlyCostUsd(0, 0.05)).toBe(0);
  });
});

describe("priceOf", () => {
  const none = new Map<string, number>();
  it("uses the published price of the type and tier", () => {
    expect(priceOf("EFS", "warm", none)).toEqual({ usdPerGbMonth: 0.05, from: "published" });
    expect(priceOf("EFS", "cold", none)).toEqual({ usdPerGbMonth: 0.01, from: "published" });
  });
  it("prices a cold point of a type without a cold tier at its warm price", () => {
    expect(PUBLISHED_PRICES.RDS.cold).toBeNull();
    expect(priceOf("RDS", "cold", none)).toEqual({ usdPerGbMonth: 0.095, from: "published" });
  });
  it("prefers the tenant's own price", () => {
    expect(priceOf("EBS", "warm", new Map([["EBS:warm", 0.04]]))).toEqual({ usdPerGbMonth: 0.04, from: "override" });
    expect(priceOf("EBS", "cold", new Map([["EBS:warm", 0.04]])).from).toBe("published");
  });
  it("gives an unknown type no price rather than a guess", () => {
    expect(priceOf("Redshift", "warm", none)).toEqual({ usdPerGbMonth: 0, from: "none" });
  });
  it("has a positive warm price for every type", () => {
    for (const p of Object.values(PUBLISHED_PRICES)) expect(p.warm.usdPerGbMonth).toBeGreaterThan(0);
  });
});

describe("the price override input", () => {
  const base = { tenantId: "00000000-0000-4000-8000-000000000001", resourceType: "EBS", tier: "warm" };
  it("accepts a price and reads an empty one as removal", () => {
    expect(setPriceOverrideInput.parse({ ...base, usdPerGbMonth: " 0.045 " }).usdPerGbMonth).toBe(0.045);
    expect(setPriceOverrideInput.parse({ ...base, usdPerGbMonth: "" }).usdPerGbMonth).toBeNull();
  });
  it.each([
    ["-0.01", "Price cannot be negative."],
    ["abc", "Price must be a number of US dollars per GB-month, such as 0.045."],
    ["11", "Price cannot exceed $10 per GB-month."],
  ])("refuses %s with a clear message", (price, message) => {
    const r = setPriceOverrideInput.safeParse({ ...base, usdPerGbMonth: price });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(message);
  });
  it("refuses an unknown resource type", () => {
    const r = setPriceOverrideInput.safeParse({ ...base, resourceType: "Redshift", usdPerGbMonth: "0.1" });
    expect(r.error?.issues[0]?.message).toMatch(/^Resource type must be one of EC2, EBS/);
  });
});
