// BK-06 (Audit Manager BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION).
import { z } from "zod";
import { defineControl } from "./control";
import { evaluateCopyScheduled } from "./copy-scheduled";

export const bk06Params = z
  .object({
    destinationRegions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "not an AWS region code")).default([]),
  })
  .strict();

export const bk06 = defineControl({
  id: "BK-06",
  title: "Cross-region copy scheduled",
  subjectTypes: ["resource"],
  description:
    "A plan that selects the resource copies its recovery points to another region (one of the accepted regions, when listed).",
  remediation:
    "Add a copy action to a rule of the plan that selects the resource, with a destination vault in another (accepted) region, and give the copies a retention.",
  params: bk06Params,
  evaluate(ctx, params, scope, emit) {
    evaluateCopyScheduled(ctx, "BK-06", { what: "region", accepted: params.destinationRegions }, scope, emit);
  },
});
