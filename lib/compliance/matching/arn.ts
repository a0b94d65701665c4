// ARN helpers. ARNs are arn:partition:service:region:account:resource, where the resource part
// may itself contain ':' (rds "db:name") or '/' (ec2 "volume/vol-1").
import type { ResourceType } from "@/lib/inventory/types";

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(arn: string): ParsedArn | null {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return null;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    accountId: parts[4]!,
    resource: parts.slice(5).join(":"),
  };
}

/**
 * How each supported type's ARNs look (features.md §2.1 lists AWS's resource_types patterns).
 * `shared` types share their ARN shape with another AWS Backup type (Aurora and RDS Multi-AZ
 * clusters are both rds "cluster:"; FSx and FSx for OpenZFS both fsx "file-system/"), so AWS
 * needs the type's opt-in even when the selection names the ARN pattern.
 */
export const RESOURCE_TYPE_ARN: Record<ResourceType, { service: string; resourcePrefixes: string[]; shared: boolean }> =
  {
    EC2: { service: "ec2", resourcePrefixes: ["instance/"], shared: false },
    EBS: { service: "ec2", resourcePrefixes: ["volume/"], shared: false },
    RDS: { service: "rds", resourcePrefixes: ["db:"], shared: false },
    Aurora: { service: "rds", resourcePrefixes: ["cluster:"], shared: true },
    DynamoDB: { service: "dynamodb", resourcePrefixes: ["table/"], shared: false },
    EFS: { service: "elasticfilesystem", resourcePrefixes: ["file-system/"], shared: false },
    FSx: { service: "fsx", resourcePrefixes: ["file-system/", "volume/"], shared: true },
    S3: { service: "s3", resourcePrefixes: [""], shared: false },
  };

/** Region of a backup vault ARN, or null when it is not an ARN. */
export function arnRegion(arn: string): string | null {
  return parseArn(arn)?.region ?? null;
}

export function arnAccount(arn: string): string | null {
  return parseArn(arn)?.accountId ?? null;
}

/** Replace the `$account` / `$region` placeholders of Organizations backup policies. */
export function substitutePlaceholders(text: string, accountId: string, region: string): string {
  return text.replaceAll("$account", accountId).replaceAll("$region", region);
}
