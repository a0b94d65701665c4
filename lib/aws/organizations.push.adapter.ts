import type { Policy, Root, Tag } from "@aws-sdk/client-organizations";
import { errorName, FailureError, isThrottlingError } from "./errors";

// Pure mappers for the policy push: Organizations SDK shapes and errors to what lib/policies records.

export const POLICY_TYPE_STATUSES = ["ENABLED", "PENDING_ENABLE", "PENDING_DISABLE"] as const;
export type PolicyTypeStatus = (typeof POLICY_TYPE_STATUSES)[number];

export interface RootState {
  rootId: string;
  /** BACKUP_POLICY's status in the root; null when the type is not enabled at all. */
  backupPolicy: PolicyTypeStatus | null;
}

export interface RemotePolicy {
  id: string;
  arn: string;
  name: string;
  description: string;
  content: string;
}

/** What AWS answered when a call failed: its error code, the Reason some errors carry, its message. */
export interface AwsRefusal {
  code: string;
  reason: string | null;
  message: string;
  requestId: string | null;
  /** Worth trying again later without changing anything (throttling, 5xx, a concurrent change). */
  transient: boolean;
}

export function toRootState(root: Root): RootState {
  const status = root.PolicyTypes?.find((t) => t.Type === "BACKUP_POLICY")?.Status;
  return {
    rootId: root.Id ?? "",
    backupPolicy: (POLICY_TYPE_STATUSES as readonly string[]).includes(status ?? "")
      ? (status as PolicyTypeStatus)
      : null,
  };
}

export function toRemotePolicy(p: Policy): RemotePolicy {
  const s = p.PolicySummary ?? {};
  return {
    id: s.Id ?? "",
    arn: s.Arn ?? "",
    name: s.Name ?? "",
    description: s.Description ?? "",
    content: p.Content ?? "",
  };
}

export function toTagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ""]));
}

interface SdkErrorLike {
  message?: string;
  Message?: string;
  Reason?: string;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

// AWS says to try these again later; the SDK's standard retry covers throttling and 5xx only.
const TRANSIENT = new Set(["ConcurrentModificationException", "ServiceException", "PolicyChangesInProgressException"]);

/** An SDK error (or the credential chain's FailureError) as the refusal a person reads. */
export function toRefusal(error: unknown): AwsRefusal {
  if (error instanceof FailureError) {
    const f = error.failure;
    // The management role could not be assumed: STS answered AccessDenied (or the call never left).
    const code = f.kind === "assume_denied" ? "AccessDenied" : f.kind === "throttled" ? "Throttling" : f.kind;
    return { code, reason: null, message: `${f.message}. ${f.remedy}`, requestId: null, transient: f.transient };
  }
  const e = (error ?? {}) as SdkErrorLike;
  const code = errorName(error);
  const status = e.$metadata?.httpStatusCode;
  const message = (e.message ?? e.Message ?? String(error)).split("\n")[0]!.slice(0, 1000);
  return {
    code,
    reason: typeof e.Reason === "string" ? e.Reason : null,
    message,
    requestId: e.$metadata?.requestId ?? null,
    transient: isThrottlingError(error) || TRANSIENT.has(code) || (status !== undefined && status >= 500),
  };
}
