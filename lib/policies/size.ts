// How AWS counts a policy document's size. Refined below after reading the quotas page.
import { CONSTRAINT, policyError, type PolicyError } from "./errors";

/** Maximum size of a backup policy document, in characters (Organizations quotas; not adjustable). */
export const MAX_POLICY_CHARS = 10_000;

/** The characters AWS counts for a policy document sent through the API: the Content string as given. */
export function countPolicyChars(text: string): number {
  return text.length;
}

export function checkPolicySize(text: string): PolicyError | undefined {
  const n = countPolicyChars(text);
  if (n <= MAX_POLICY_CHARS) return undefined;
  return policyError(CONSTRAINT, "POLICY_CONTENT_LIMIT_EXCEEDED",
    `The policy document has ${n} characters; a backup policy may have at most ${MAX_POLICY_CHARS}.`, "$");
}
