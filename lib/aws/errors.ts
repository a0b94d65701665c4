import { MANAGEMENT_READ_ACTIONS, MEMBER_READ_ACTIONS } from "./read-permissions";

// AWS errors turned into sentences a person can act on. The SDK gives an exception whose `name`
// is the service's error code (modeled or not) and `$metadata.httpStatusCode`.

export const FAILURE_KINDS = [
  "assume_denied",
  "region_disabled",
  "account_suspended",
  "throttled",
  "access_denied",
  "service_error",
  "not_management",
  "not_in_organization",
  "bad_config",
  "network",
  "internal",
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  kind: FailureKind;
  /** One line, e.g. "cannot assume arn:…:role/X: the role's trust policy or ExternalId does not admit this product". */
  message: string;
  /** What to do about it. */
  remedy: string;
  /** Whether trying again later may succeed without anyone changing anything. */
  transient: boolean;
}

/** An error that already carries its Failure (thrown by lib/aws and lib/sync on purpose). */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = "FailureError";
  }
}

interface AwsErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

// The JS SDK's throttling names (smithy service-error-classification), plus Tagging's.
const THROTTLING = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);
const REGION_DISABLED = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "OptInRequired",
  "RegionDisabledException",
  "AuthFailure",
]);
const ACCESS_DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"]);
const NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
]);

export function errorName(error: unknown): string {
  const e = error as AwsErrorLike | undefined;
  return e?.name ?? e?.code ?? "Error";
}

export function isThrottlingError(error: unknown): boolean {
  const e = error as AwsErrorLike | undefined;
  return THROTTLING.has(errorName(error)) || e?.$metadata?.httpStatusCode === 429 || e?.$retryable?.throttling === true;
}

export function isNotFound(error: unknown): boolean {
  const n = errorName(error);
  return n === "ResourceNotFoundException" || n === "EffectivePolicyNotFoundException";
}

function status(error: unknown): number | undefined {
  return (error as AwsErrorLike | undefined)?.$metadata?.httpStatusCode;
}

function firstLine(error: unknown): string {
  const m = (error as AwsErrorLike | undefined)?.message ?? String(error);
  return m.split("\n")[0]!.slice(0, 300);
}

/**
 * AWS answers a missing role, an untrusting one and a wrong ExternalId alike, so the remedy names
 * them all. `assumedFrom`: the role a member role is assumed from (its trust policy must name it).
 */
export const assumeDenied = (roleArn: string, assumedFrom?: string): Failure => ({
  kind: "assume_denied",
  message: `cannot assume ${roleArn}: the role's trust policy or ExternalId does not admit this product`,
  remedy: assumedFrom
    ? `The role is missing in that account or does not trust ${assumedFrom}: deploy the member role there (Settings → Organizations → Set up roles), or make its trust policy name that role.`
    : "Check that the role exists, that its trust policy names the product's principal (for member roles: the management role) and, for the management role, that the sts:ExternalId condition matches this organization's ExternalId.",
  transient: false,
});

/** The account of an IAM ARN (its fifth field), if it has one. */
const accountOfArn = (arn: string): string | undefined => /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];

/**
 * A push role outside the management account was refused an Organizations policy call. AWS lets a
 * member account read or change policies only as the management account's resource-based
 * delegation policy allows, on top of the role's own IAM policy (Organizations User Guide,
 * "Delegated administrator for AWS Organizations"); the role templates hold that policy.
 */
export const delegationMissing = (roleArn: string, managementAccountId: string, operation: string): Failure => {
  const account = accountOfArn(roleArn) ?? "the push role's account";
  return {
    kind: "access_denied",
    message: `${operation}: access denied to ${roleArn}: account ${account} is not delegated the management of backup policies`,
    remedy: `In management account ${managementAccountId}, deploy the policy push delegation from the role templates (Settings → Organizations → Set up roles, policy-push-delegation), which lets account ${account} make the push's Organizations calls on backup policies; if the organization already has a delegation policy, add its statement there. The role's own IAM policy must allow the same calls (the policy push role template).`,
    transient: false,
  };
};

/** Whether a role is outside the management account, so its Organizations policy calls need a delegation. */
export const needsDelegation = (roleArn: string, managementAccountId: string) =>
  accountOfArn(roleArn) !== managementAccountId;

export const regionDisabled = (region: string): Failure => ({
  kind: "region_disabled",
  message: "region not enabled",
  remedy: `Enable ${region} for this account (Account settings → Regions), or remove it from the organization's regions. Skipped until then.`,
  transient: false,
});

export const accountSuspended = (): Failure => ({
  kind: "account_suspended",
  message: "account suspended: skipped",
  remedy: "Nothing to do: AWS does not serve suspended accounts. Its last published data, if any, is kept.",
  transient: false,
});

export const throttledFor = (minutes: number, willRetry: boolean): Failure => ({
  kind: "throttled",
  message: `throttled for ${minutes} minute${minutes === 1 ? "" : "s"}: will retry${willRetry ? "" : " at the next sync"}`,
  remedy:
    "AWS kept refusing calls as over quota (another tool may be calling the same account and region). The sync backs off and tries again; nothing to do unless it persists.",
  transient: true,
});

/** Classifies an error from a call made in a unit (`operation` as the SDK names it). */
export function classifyCallError(
  error: unknown,
  context: { operation?: string; region?: string; roleArn?: string; action?: string },
): Failure {
  if (error instanceof FailureError) return error.failure;
  const name = errorName(error);
  const op = context.operation ? `${context.operation}: ` : "";
  if (isThrottlingError(error)) return throttledFor(1, true);
  if (REGION_DISABLED.has(name)) return regionDisabled(context.region ?? "this region");
  if (ACCESS_DENIED.has(name)) {
    if (context.operation === "AssumeRole" && context.roleArn) return assumeDenied(context.roleArn);
    return {
      kind: "access_denied",
      message: `${op}access denied (${firstLine(error)})`,
      // Knowing the IAM action (a probe such as Test connection), name it and the role; a unit of
      // the sync fails on whichever of its many calls came first, so it lists them all.
      remedy: context.action
        ? `Allow ${context.action} in the permissions policy of ${context.roleArn ?? "the role"} (the role templates in Settings → Organizations → Set up roles grant every read the product needs).`
        : `Grant the role the read permissions listed in the onboarding guide (${MEMBER_READ_ACTIONS.join(", ")}, and ${MANAGEMENT_READ_ACTIONS.join(", ")} for the management role).`,
      transient: false,
    };
  }
  if (NETWORK.has(name) || (error as { code?: string })?.code === "ECONNREFUSED") {
    return {
      kind: "network",
      message: `${op}could not reach AWS (${name})`,
      remedy: "Check the network path to AWS (proxy, DNS, firewall); the sync will try again.",
      transient: true,
    };
  }
  const code = status(error);
  if (code !== undefined && code >= 500) {
    return {
      kind: "service_error",
      message: `${op}AWS kept failing (${name}, HTTP ${code})`,
      remedy: "A temporary AWS error that outlasted the retries; the next sync tries again.",
      transient: true,
    };
  }
  return {
    kind: "internal",
    message: `${op}${name}: ${firstLine(error)}`,
    remedy: "Unexpected answer from AWS; if it persists, report it with this message.",
    transient: false,
  };
}
