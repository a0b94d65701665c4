// BK-01: the resource is selected by a backup plan that AWS acts on — decided from the
// selections (types, ARNs, tags, conditions, NotResources, opt-in, org-managed plans), not from
// "has a recovery point", so a new resource is covered before its first backup (the protection status, lib/compliance/scoring/protection.ts, also needs a recent point).
import { z } from "zod";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { tagScopeSchema } from "@/lib/compliance/model/scope";
import { defineControl, ev, finding, subjects } from "./control";
import { forEachResource, hasTag, protectionProblem, resolveProtection } from "./resource-scope";

export const bk01Params = z
  .object({
    resourceTypes: z
      .array(z.enum(RESOURCE_TYPES))
      .min(1, "at least one resource type")
      .default([...RESOURCE_TYPES]),
    tag: tagScopeSchema.nullable().default(null),
  })
  .strict();

export const bk01 = defineControl({
  id: "BK-01",
  title: "Resource protected by a backup plan",
  subjectTypes: ["resource"],
  description:
    "A backup plan's selection matches the resource as AWS Backup evaluates it (resource-type patterns, ARNs, tags with conditions, NotResources, region opt-in, org-managed plans).",
  remediation:
    "Add the resource to a backup plan that has at least one rule: tag it to match an existing selection (for example backup=daily), or add its ARN or type to a plan's selection. If the selection already matches but the resource type is not opted in for the region, turn it on in AWS Backup's Settings (resource type opt-in).",
  params: bk01Params,
  evaluate(ctx, params, scope, emit) {
    const types = new Set<string>(params.resourceTypes);
    const tag = params.tag;
    const filter = (r: { resourceType: string; tags: Record<string, string> }) =>
      types.has(r.resourceType) && (!tag || hasTag(r.tags, tag));
    forEachResource(
      ctx,
      "BK-01",
      scope,
      emit,
      (r) => {
        const p = resolveProtection(ctx, r);
        if (p.kind !== "protected") {
          emit(protectionProblem("BK-01", r, p, ""));
          return;
        }
        const m = p.matches[0]!;
        const facts = ctx.facts.resource(r.resourceArn);
        const first = facts?.newestRecoveryPoint
          ? ""
          : "; no recovery point yet (covered by the plan before its first backup)";
        const others = p.matches.length > 1 ? ` and ${p.matches.length - 1} more` : "";
        emit(
          finding(
            "BK-01",
            subjects.resource(r),
            "PASS",
            `selected by plan ${m.plan.planName}${m.plan.orgManaged ? " (org-managed)" : ""} via ${m.matchedBy}${others}${first}`,
            [ev.resource(r), ...p.matches.slice(0, 5).map((x) => ev.selection(x))],
          ),
        );
      },
      filter,
    );
  },
});
