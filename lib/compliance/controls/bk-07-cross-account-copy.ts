// BK-07 (Audit Manager BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT).
import { z } from "zod";
import { defineControl } from "./control";
import { evaluateCopyScheduled } from "./copy-scheduled";

export const bk07Params = z
  .object({ destinationAccounts: z.array(z.string().regex(/^\d{12}$/, "account id must be 12 digits")).default([]) })
  .strict();

export const bk07 = defineControl({
  id: "BK-07",
  title: "Cross-account copy scheduled",
  subjectTypes: ["resource"],
  description:
    "A plan that selects the resource copies its recovery points to another account (one of the accepted accounts, when listed).",
  remediation:
    "Add a copy action to a rule of the plan that selects the resource, with a destination vault in another (accepted) account of the organization, and allow that account's vault policy to receive the copies.",
  params: bk07Params,
  evaluate(ctx, params, scope, emit) {
    evaluateCopyScheduled(ctx, "BK-07", { what: "account", accepted: params.destinationAccounts }, scope, emit);
  },
});
