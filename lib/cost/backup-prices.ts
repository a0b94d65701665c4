import type { StorageTier } from "@/db/schema";
import { RESOURCE_TYPES, type ResourceType } from "@/lib/inventory/types";

/**
 * AWS Backup storage list prices, USD per GB-month, US East (N. Virginia), as of PRICES_AS_OF.
 * The estimate applies them to every region: regional prices differ by a few per cent, and a
 * tenant that needs exact figures (or has a discount) sets its own per type and tier.
 *
 * AWS's pricing page renders its table in the browser, so the figures could not be read from it
 * directly. `checked` says how far each one was verified:
 * - "quoted": a third-party page (2026) quoting the official page gives the same figure;
 * - "unverified": AWS's long-standing list price, not confirmed against a source here.
 * A cold price of null: AWS Backup has no cold tier for the type; such a point is priced warm.
 */
export const PRICES_SOURCE_URL = "https://aws.amazon.com/backup/pricing/";
export const PRICES_AS_OF = "2026-12-07";

export interface TierPrice {
  usdPerGbMonth: number;
  checked: "quoted" | "unverified";
}

export const PUBLISHED_PRICES: Record<ResourceType, { warm: TierPrice; cold: TierPrice | null }> = {
  // EC2 backups are AMIs whose data is EBS snapshots, billed as such.
  EC2: { warm: { usdPerGbMonth: 0.05, checked: "unverified" }, cold: null },
  // EBS cold storage is the EBS Snapshots archive tier.
  EBS: { warm: { usdPerGbMonth: 0.05, checked: "unverified" }, cold: { usdPerGbMonth: 0.0125, checked: "unverified" } },
  RDS: { warm: { usdPerGbMonth: 0.095, checked: "unverified" }, cold: null },
  Aurora: { warm: { usdPerGbMonth: 0.021, checked: "unverified" }, cold: null },
  DynamoDB: { warm: { usdPerGbMonth: 0.1, checked: "quoted" }, cold: { usdPerGbMonth: 0.03, checked: "unverified" } },
  EFS: { warm: { usdPerGbMonth: 0.05, checked: "quoted" }, cold: { usdPerGbMonth: 0.01, checked: "quoted" } },
  FSx: { warm: { usdPerGbMonth: 0.05, checked: "unverified" }, cold: null },
  S3: { warm: { usdPerGbMonth: 0.05, checked: "unverified" }, cold: null },
};

export const PRICED_RESOURCE_TYPES: readonly ResourceType[] = RESOURCE_TYPES;

export function isPricedResourceType(type: string): type is ResourceType {
  return (PRICED_RESOURCE_TYPES as readonly string[]).includes(type);
}

/** A tenant's own prices, keyed `${resourceType}:${tier}`. */
export type PriceOverrides = ReadonlyMap<string, number>;

export const overrideKey = (resourceType: string, tier: StorageTier) => `${resourceType}:${tier}`;

export interface AppliedPrice {
  usdPerGbMonth: number;
  from: "override" | "published" | "none";
}

/**
 * The price of a GB-month of `tier` for `resourceType`: the tenant's own, else the published one
 * (the warm one for a type with no cold tier). An unknown type has no price: its size is shown,
 * its cost is not guessed.
 */
export function priceOf(resourceType: string, tier: StorageTier, overrides: PriceOverrides): AppliedPrice {
  const own = overrides.get(overrideKey(resourceType, tier));
  if (own !== undefined) return { usdPerGbMonth: own, from: "override" };
  if (!isPricedResourceType(resourceType)) return { usdPerGbMonth: 0, from: "none" };
  const published = PUBLISHED_PRICES[resourceType];
  return {
    usdPerGbMonth: (tier === "cold" ? (published.cold ?? published.warm) : published.warm).usdPerGbMonth,
    from: "published",
  };
}
