// How AWS counts a policy document's 10,000 characters.
//
// The quotas page (orgs_reference_limits, "Maximum size of a policy document") says: if you save the
// policy in the AWS Management Console, extra white space between JSON elements and outside quotation
// marks is removed and not counted; if you save it with an SDK or the CLI, the policy is saved exactly
// as provided and nothing is removed. So through the API (how this product pushes) the whole Content
// string counts, indentation included; through the console only the minified text counts.
//
// "Characters" are counted as Unicode code points, the unit Smithy (the language of AWS's API models)
// uses for string lengths. Real policies are ASCII, where code points, UTF-16 units and bytes agree.
import { CONSTRAINT, policyError, type PolicyError } from "./errors";
import { MAX_POLICY_CHARS } from "./limits";

export { MAX_POLICY_CHARS };

/** How the document reaches AWS: the API keeps the text as sent, the console strips white space outside strings first. */
export type SaveChannel = "api" | "console";

/** The characters AWS counts for `text` saved through `channel`. */
export function countPolicyChars(text: string, channel: SaveChannel = "api"): number {
  const counted = channel === "console" ? minifyPolicyText(text) : text;
  let n = 0;
  for (const _ of counted) n++; // iterates code points, so a surrogate pair counts once
  return n;
}

/**
 * The text with JSON white space (space, tab, line feed, carriage return) outside string literals
 * removed, as the console saves it. Safe on any text: quotes and escapes are tracked, not parsed.
 * Pushing the minified text is how a pretty-printed document stays within the limit.
 */
export function minifyPolicyText(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === "\\" && i + 1 < text.length) out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") {
      out += c;
    }
  }
  return out;
}

/** ConstraintViolationException / POLICY_CONTENT_LIMIT_EXCEEDED, as CreatePolicy and UpdatePolicy return it. */
export function checkPolicySize(text: string, channel: SaveChannel = "api"): PolicyError | undefined {
  const n = countPolicyChars(text, channel);
  if (n <= MAX_POLICY_CHARS) return undefined;
  const hint =
    channel === "api" && countPolicyChars(text, "console") <= MAX_POLICY_CHARS
      ? " Without the white space outside strings it would fit; push the minified text."
      : "";
  return policyError(
    CONSTRAINT,
    "POLICY_CONTENT_LIMIT_EXCEEDED",
    `The policy document has ${n} characters; a backup policy may have at most ${MAX_POLICY_CHARS}.${hint}`,
    "$",
  );
}
