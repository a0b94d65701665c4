// The AWS Regions a backup policy may name: the commercial partition's list that tenants already
// use (lib/aws/regions.ts), plus AWS GovCloud (US) and the China Regions, where Organizations and
// backup policies also exist (the syntax page's note on the aws-us-gov partition).
import { AWS_REGIONS } from "@/lib/aws/regions";

export const GOVCLOUD_REGIONS = ["us-gov-east-1", "us-gov-west-1"] as const;
export const CHINA_REGIONS = ["cn-north-1", "cn-northwest-1"] as const;
export const POLICY_REGIONS: readonly string[] = [...AWS_REGIONS, ...GOVCLOUD_REGIONS, ...CHINA_REGIONS];

const KNOWN = new Set(POLICY_REGIONS);

export type Partition = "aws" | "aws-us-gov" | "aws-cn";

export function isPolicyRegion(region: string): boolean {
  return KNOWN.has(region);
}

/** The ARN partition a Region belongs to. */
export function partitionOf(region: string): Partition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}
