// The gate every version's content passes before it is stored: the strict parser (duplicate keys,
// size as AWS counts it for the API, which is how the push sends it), then the document-level
// validator (a policy attached to an OU may be partial, so not the effective-policy rules).
// A refused document stores nothing.
import { invalid, type AppError } from "@/lib/errors";
import type { PolicyError } from "./errors";
import { checkPolicyText } from "./validate";

/** Every problem AWS would have with the document, in document order; empty when it would accept it. */
export function checkDocument(text: string): PolicyError[] {
  const result = checkPolicyText(text, { mode: "document", channel: "api" });
  return result.ok ? [] : result.errors;
}

/** A refusal a person can act on: what is wrong, where, and what AWS itself would answer. */
export function documentRefusal(errors: PolicyError[]): AppError {
  const first = errors[0]!;
  const where = first.path === "$" ? "" : ` (at ${first.path})`;
  const more =
    errors.length > 1 ? ` ${errors.length - 1} more problem${errors.length === 2 ? "" : "s"} after this one.` : "";
  return invalid(
    `The policy document was refused: ${first.message.replace(/\.$/, "")}${where}. AWS would answer ${first.code} (${first.reason}).${more}`,
    {
      content: errors.map((e) => `${e.path}: ${e.message}`).join("\n"),
    },
  );
}
