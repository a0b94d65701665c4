import type { ResourceTagMapping } from "@aws-sdk/client-resource-groups-tagging-api";
import type { Resource, ResourceType } from "@/lib/inventory/types";
import type { UnitRef } from "./backup.adapter";

// Tagging API results to resources that ought to be protected. The API returns ARNs only, so the
// AWS Backup resource type comes from the ARN's service and resource part.

/** Tagging API type filters for the resource types AWS Backup protects (one request filter). */
export const TAGGING_TYPE_FILTERS = [
  "ec2:instance",
  "ec2:volume",
  "rds:db",
  "rds:cluster",
  "dynamodb:table",
  "elasticfilesystem:file-system",
  "fsx:file-system",
  "s3",
] as const;

export function resourceTypeOfArn(arn: string): ResourceType | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  const service = parts[2];
  const rest = parts.slice(5).join(":");
  switch (service) {
    case "ec2":
      return rest.startsWith("instance/") ? "EC2" : rest.startsWith("volume/") ? "EBS" : null;
    case "rds":
      return rest.startsWith("db:") ? "RDS" : rest.startsWith("cluster:") ? "Aurora" : null;
    case "dynamodb":
      return rest.startsWith("table/") && !rest.includes("/backup/") && !rest.includes("/stream/") ? "DynamoDB" : null;
    case "elasticfilesystem":
      return rest.startsWith("file-system/") ? "EFS" : null;
    case "fsx":
      return rest.startsWith("file-system/") ? "FSx" : null;
    case "s3":
      return rest !== "" && !rest.includes("/") ? "S3" : null;
    default:
      return null;
  }
}

/** null for a resource AWS Backup does not protect (the filter should have excluded it). */
export function toResource(unit: UnitRef, m: ResourceTagMapping): Resource | null {
  const arn = m.ResourceARN ?? "";
  const type = resourceTypeOfArn(arn);
  if (!type) return null;
  const tags: Record<string, string> = {};
  for (const t of m.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
  return { accountId: unit.accountId, region: unit.region, resourceArn: arn, resourceType: type, tags };
}
