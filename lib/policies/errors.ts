// Errors of the backup-policy language. Each carries the error code AWS Organizations would return
// for the same document (CreatePolicy / UpdatePolicy, or ListEffectivePolicyValidationErrors for a
// merged policy), so a refusal here reads like the refusal AWS would give, but earlier and with a path.

/** code: the AWS error code AWS would return (e.g. "MalformedPolicyDocumentException", "ConstraintViolationException"); reason: a stable upper-snake reason (e.g. "DUPLICATE_KEY", "POLICY_CONTENT_LIMIT_EXCEEDED", "INVALID_JSON"); path: JSONPath-like "$.plans.Daily.rules[\"Hourly backup\"].schedule_expression" ("$" for the whole document). */
export interface PolicyError {
  code: string;
  reason: string;
  message: string;
  path: string;
}

/** CreatePolicy/UpdatePolicy: "The provided policy document doesn't meet the requirements of the specified policy type." */
export const MALFORMED = "MalformedPolicyDocumentException";
/** CreatePolicy/AttachPolicy: a quota (size, count, attachments) was exceeded; the Reason field says which. */
export const CONSTRAINT = "ConstraintViolationException";

/**
 * An effective policy AWS can't turn into backup plans is not refused by an API call: Organizations
 * lists it through ListEffectivePolicyValidationErrors as EffectivePolicyValidationError entries
 * (ErrorCode such as ELEMENTS_TOO_MANY, PathToError). Problems only the merged policy shows carry this code.
 */
export const EFFECTIVE_INVALID = "EffectivePolicyValidationError";

export function policyError(code: string, reason: string, message: string, path: string): PolicyError {
  return { code, reason, message, path };
}

export function malformed(reason: string, message: string, path: string): PolicyError {
  return policyError(MALFORMED, reason, message, path);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends one step to a JSONPath-like path: `.key` for identifier-like keys, `["key"]` otherwise, `[0]` for indexes. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
