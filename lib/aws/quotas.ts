import type { BucketSpec } from "./rate-gate";

/**
 * Request rates we keep to. Backup's are AWS's published per-(account, region) quotas
 * (https://docs.aws.amazon.com/general/latest/gr/bk.html): each List API 20/s, each Get or
 * Describe API 15/s, all calls together 50/s. KMS's too, per account and Region, charged to the
 * caller even for a key of another account: DescribeKey 2,000/s, ListAliases 500/s
 * (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html, "Request quotas
 * for each AWS KMS API operation" and "Cross-account requests"). Organizations, STS, IAM and Tagging publish no numbers; ours are
 * conservative (Organizations is one endpoint for the whole organization; STS is charged to the
 * caller, i.e. the management account, for every member AssumeRole). RAM publishes none either.
 */
export interface Quotas {
  backupList: number;
  backupGet: number;
  backupAll: number;
  organizations: number;
  sts: number;
  tagging: number;
  /** AWS RAM reads (which principals the air-gapped vaults are shared with) per account and Region. */
  ram: number;
  kmsDescribeKey: number;
  kmsListAliases: number;
  /** IAM reads (GetRole for the policy pre-flight) per account; IAM is global. */
  iam: number;
  /** Seconds of rate a bucket holds (AWS lets a quiet caller burst). */
  burstSeconds: number;
  /** Share of each quota we aim at: headroom for clock skew between our buckets and AWS's. */
  headroom: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  backupList: 20,
  backupGet: 15,
  backupAll: 50,
  organizations: 20,
  sts: 50,
  tagging: 20,
  ram: 10,
  kmsDescribeKey: 2000,
  kmsListAliases: 500,
  iam: 20,
  burstSeconds: 1,
  headroom: 0.95,
};

function spec(key: string, rate: number, q: Quotas): BucketSpec {
  const r = rate * q.headroom;
  // A token less than the full burst: our bucket and AWS's start full at different instants.
  return { key, rate: r, capacity: Math.max(1, Math.floor(rate * q.burstSeconds * q.headroom) - 1) };
}

/** Buckets a Backup call draws from in one (account, region). */
export function backupBuckets(unitKey: string, operation: string, q: Quotas): BucketSpec[] {
  const list = operation.startsWith("List");
  return [
    spec(`${unitKey}|backup|${operation}`, list ? q.backupList : q.backupGet, q),
    spec(`${unitKey}|backup`, q.backupAll, q),
  ];
}

export function taggingBuckets(unitKey: string, q: Quotas): BucketSpec[] {
  return [spec(`${unitKey}|tagging`, q.tagging, q)];
}

export function ramBuckets(unitKey: string, q: Quotas): BucketSpec[] {
  return [spec(`${unitKey}|ram`, q.ram, q)];
}

/** Buckets a KMS call draws from: each operation has its own quota per account and Region. */
export function kmsBuckets(unitKey: string, operation: string, q: Quotas): BucketSpec[] {
  return [spec(`${unitKey}|kms|${operation}`, operation === "ListAliases" ? q.kmsListAliases : q.kmsDescribeKey, q)];
}

export function iamBuckets(accountId: string, q: Quotas): BucketSpec[] {
  return [spec(`iam|${accountId}`, q.iam, q)];
}

export function organizationsBuckets(organizationKey: string, q: Quotas): BucketSpec[] {
  return [spec(`organizations|${organizationKey}`, q.organizations, q)];
}

export function stsBuckets(callerKey: string, q: Quotas): BucketSpec[] {
  return [spec(`sts|${callerKey}`, q.sts, q)];
}
