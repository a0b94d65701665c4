import { z } from "zod";
import { invalid } from "@/lib/errors";
import { fieldErrorsOf, uuid } from "./common";

// Inputs of the backup-policy workflow, shared by the server actions and lib/policies. The policy
// document itself is checked by lib/policies (parser and validator), not here: these schemas only
// bound its size for transport and never trim it (AWS counts every character).

const tenantId = uuid("Organization");
const OU = "ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}";
/** Roots, OUs and accounts: the targets AttachPolicy accepts (Organizations' TargetId pattern). */
export const TARGET_ID = new RegExp(`^(r-[0-9a-z]{4,32}|\\d{12}|${OU})$`);

/** Printable names only, though AWS allows any character: the name is shown and typed in many places. */
const POLICY_NAME = /^[\p{L}\p{N} _.:/=+@()-]+$/u;

export const policyName = z
  .string({ error: "Name is required." })
  .trim()
  .min(1, "Name is required.")
  .max(128, "Name must be at most 128 characters (AWS's limit).")
  .regex(POLICY_NAME, "Use letters, digits, spaces and _ . : / = + @ ( ) - only.");

/** AWS caps a policy description at 512 characters. */
const description = z.string().trim().max(512, "Description must be at most 512 characters (AWS's limit).").default("");
const note = z.string().trim().max(2000, "Note must be at most 2000 characters.").default("");
/** Far above AWS's 10,000 characters, so the parser, not this bound, explains an oversized document. */
const content = z
  .string({ error: "The policy document is required." })
  .min(1, "The policy document is required.")
  .max(200_000, "The policy document is far over AWS's 10,000 characters.");

/** One id, several ids separated by commas or spaces (a text field), or a list (a multi-select). */
const targets = z.preprocess(
  (v) => (v === undefined || v === "" ? [] : typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v),
  z
    .array(
      z.string().trim().regex(TARGET_ID, "Each target must be a root (r-…), an OU (ou-…-…) or a 12-digit account ID."),
    )
    .max(1000, "At most 1,000 targets.")
    .transform((ids) => [...new Set(ids)]),
);

export const createPolicyInput = z.object({ tenantId, name: policyName, description, content, targets, note });
export type CreatePolicyInput = z.input<typeof createPolicyInput>;

export const draftVersionInput = z.object({ tenantId, policyId: uuid("Policy"), description, content, targets, note });
export type DraftVersionInput = z.input<typeof draftVersionInput>;

export const versionInput = z.object({ tenantId, versionId: uuid("Version") });
export type VersionInput = z.input<typeof versionInput>;

export const approveInput = versionInput.extend({
  comment: z.string().trim().max(2000, "Comment must be at most 2000 characters.").default(""),
});
export type ApproveInput = z.input<typeof approveInput>;

export const rejectInput = versionInput.extend({
  comment: z
    .string({ error: "Say why it is rejected." })
    .trim()
    .min(3, "Say why it is rejected (at least 3 characters).")
    .max(2000, "Comment must be at most 2000 characters."),
});
export type RejectInput = z.input<typeof rejectInput>;

export const rollbackInput = z.object({
  tenantId,
  policyId: uuid("Policy"),
  toVersion: z.coerce
    .number({ error: "Choose the version to roll back to." })
    .int("Choose the version to roll back to.")
    .min(1, "Choose the version to roll back to."),
  note,
});
export type RollbackInput = z.input<typeof rollbackInput>;

export const requiredApprovalsInput = z.object({
  tenantId,
  requiredApprovals: z.coerce
    .number({ error: "Choose 1 or 2 approvals." })
    .pipe(z.union([z.literal(1), z.literal(2)], { error: "Choose 1 or 2 approvals." })),
});
export type RequiredApprovalsInput = z.input<typeof requiredApprovalsInput>;

/** Parses with a schema (lib functions are called by more than the actions), refusing as the actions do. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid("Some fields need attention.", fieldErrorsOf(parsed.error));
  return parsed.data;
}
