/**
 * The resource types the simulator knows: how AWS names them in Backup (ResourceType), in ARNs,
 * in the Tagging API (service[:type] filters) and in DescribeRegionSettings.
 */
export const RESOURCE_TYPES = ["EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

interface TypeInfo {
  /** Tagging API resource type filter (service:resourceType). */
  tagging: string;
  arn(account: string, region: string, id: string): string;
  /** Whether AWS Backup fully manages the recovery point (ARN starts arn:aws:backup). */
  fullyManaged: boolean;
  /** Supports continuous backup (point-in-time recovery). */
  continuous: boolean;
}

export const TYPE_INFO: Record<ResourceType, TypeInfo> = {
  EC2: {
    tagging: "ec2:instance",
    arn: (a, r, id) => `arn:aws:ec2:${r}:${a}:instance/${id}`,
    fullyManaged: false,
    continuous: false,
  },
  EBS: {
    tagging: "ec2:volume",
    arn: (a, r, id) => `arn:aws:ec2:${r}:${a}:volume/${id}`,
    fullyManaged: false,
    continuous: false,
  },
  RDS: {
    tagging: "rds:db",
    arn: (a, r, id) => `arn:aws:rds:${r}:${a}:db:${id}`,
    fullyManaged: false,
    continuous: true,
  },
  Aurora: {
    tagging: "rds:cluster",
    arn: (a, r, id) => `arn:aws:rds:${r}:${a}:cluster:${id}`,
    fullyManaged: false,
    continuous: true,
  },
  DynamoDB: {
    tagging: "dynamodb:table",
    arn: (a, r, id) => `arn:aws:dynamodb:${r}:${a}:table/${id}`,
    fullyManaged: true,
    continuous: false,
  },
  EFS: {
    tagging: "elasticfilesystem:file-system",
    arn: (a, r, id) => `arn:aws:elasticfilesystem:${r}:${a}:file-system/${id}`,
    fullyManaged: true,
    continuous: false,
  },
  FSx: {
    tagging: "fsx:file-system",
    arn: (a, r, id) => `arn:aws:fsx:${r}:${a}:file-system/${id}`,
    fullyManaged: false,
    continuous: false,
  },
  S3: { tagging: "s3", arn: (_a, _r, id) => `arn:aws:s3:::${id}`, fullyManaged: true, continuous: true },
};

/**
 * DescribeRegionSettings keys: every service AWS Backup lists, including ones the simulator
 * has no resources of (AWS returns them all).
 */
export const REGION_SETTING_TYPES = [
  "Aurora",
  "CloudFormation",
  "DocumentDB",
  "DSQL",
  "DynamoDB",
  "EBS",
  "EC2",
  "EFS",
  "EKS",
  "FSx",
  "Neptune",
  "RDS",
  "Redshift",
  "Redshift Serverless",
  "S3",
  "SAP HANA on Amazon EC2",
  "Storage Gateway",
  "Timestream",
  "VirtualMachine",
] as const;

/** Types for which ResourceTypeManagementPreference applies (advanced features). */
export const MANAGEMENT_PREFERENCE_TYPES = ["DynamoDB", "EFS"] as const;
