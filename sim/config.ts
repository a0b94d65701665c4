import { z } from "zod";

/**
 * Behaviour knobs: throttling rates, latency, faults. Set by CLI flags, by startSimulator's
 * `config`, and at run time by POST /_sim/config (partial; `rates` merges key by key).
 * Backup rates are AWS's published per-(account, region) quotas; the Organizations, STS, Tagging,
 * IAM and RAM rates are not published numerically, so they are ours and configurable.
 */
export const configSchema = z.strictObject({
  throttling: z.boolean(),
  rates: z.strictObject({
    /** Each Backup List* operation, per account and region (calls/s). */
    backup_list: z.number().positive(),
    /** Each Backup Get and Describe operation, per account and region. */
    backup_get: z.number().positive(),
    /** All Backup calls together, per account and region. */
    backup_all: z.number().positive(),
    /** All Organizations calls of the organization (a global service). */
    organizations: z.number().positive(),
    /** STS calls charged to the calling account. */
    sts: z.number().positive(),
    /** Tagging API calls per account and region. */
    tagging: z.number().positive(),
    /** KMS DescribeKey per account and region (AWS's published quota, 2,000/s). */
    kms_describe_key: z.number().positive(),
    /** KMS ListAliases per account and region (AWS's published quota, 500/s). */
    kms_list_aliases: z.number().positive(),
    /** IAM reads (GetRole) per account; IAM is global. */
    iam: z.number().positive(),
    /** AWS RAM calls per account and region (RAM publishes no per-API rate). */
    ram: z.number().positive(),
  }),
  /** Bucket size in seconds of rate: a bucket holds rate × burst_seconds tokens. */
  burst_seconds: z.number().min(0).max(60),
  latency_ms: z.number().min(0).max(60_000),
  jitter_ms: z.number().min(0).max(60_000),
  /** Share of calls (after authentication) answered with the service's 500 error. */
  error_rate: z.number().min(0).max(1),
  /**
   * Share of Organizations list calls answered with an empty page and a NextToken although more
   * results exist, which AWS documents ("always check NextToken … even if you receive an empty result set").
   */
  empty_page_rate: z.number().min(0).max(1),
  /** Accounts into which AssumeRole is denied (AccessDenied). */
  assume_role_denied: z.array(z.string().regex(/^\d{12}$/)),
  /** "region" (every account) or "account:region": calls there fail as in a region not enabled. */
  disabled_regions: z.array(z.string().regex(/^(\d{12}:)?[a-z]{2}(-[a-z]+)+-\d$/)),
  /**
   * Every call of an operation ("organizations:AttachPolicy") answered with the service's throttling
   * error or AccessDenied, after authentication: a caller's behaviour at one exact step of a
   * sequence (a quota spent by another tool, a permission missing from a role) is then testable.
   */
  operation_faults: z.record(
    z.string().regex(/^(backup|organizations|sts|tagging|kms|iam|ram):[A-Za-z]+$/),
    z.enum(["throttled", "access_denied"]),
  ),
});

export type SimConfig = z.infer<typeof configSchema>;
export const configPatchSchema = configSchema.extend({ rates: configSchema.shape.rates.partial() }).partial();
export type SimConfigPatch = z.infer<typeof configPatchSchema>;

export const DEFAULT_CONFIG: SimConfig = {
  throttling: true,
  rates: {
    backup_list: 20,
    backup_get: 15,
    backup_all: 50,
    organizations: 20,
    sts: 50,
    tagging: 20,
    kms_describe_key: 2000,
    kms_list_aliases: 500,
    iam: 20,
    ram: 10,
  },
  burst_seconds: 1,
  latency_ms: 0,
  jitter_ms: 0,
  error_rate: 0,
  empty_page_rate: 0,
  assume_role_denied: [],
  disabled_regions: [],
  operation_faults: {},
};

export function mergeConfig(base: SimConfig, patch: unknown): SimConfig {
  const p = configPatchSchema.parse(patch);
  return configSchema.parse({ ...base, ...p, rates: { ...base.rates, ...(p.rates ?? {}) } });
}
