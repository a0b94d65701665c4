import { SimError } from "../http/errors";
import { list, str, struct } from "../http/input";
import { parseDelegationPolicy } from "../org/delegation";
import { hex } from "../world/ids";
import type { OpContext, Operation } from "./context";
import { isDelegatedAdmin, requireManagement } from "./organizations-shapes";

/**
 * The organization's resource-based delegation policy (sim/org/delegation.ts evaluates it). As the
 * API reference says: PutResourcePolicy and DeleteResourcePolicy from the management account only,
 * DescribeResourcePolicy also from a delegated administrator; the content is 1..40,000 characters;
 * tags only when the policy is first created; no policy answers ResourcePolicyNotFoundException.
 */
const MAX_TAGS = 50;
const tag = struct({
  Key: { shape: str({ min: 1, max: 128, pattern: /^[\s\S]*$/ }), required: true },
  Value: { shape: str({ min: 0, max: 256, pattern: /^[\s\S]*$/ }), required: true },
});

const notFound = () =>
  new SimError(
    "ResourcePolicyNotFoundException",
    "We can't find a resource policy request with the parameter that you specified.",
    404,
  );

const shape = (ctx: OpContext) => {
  const rp = ctx.state.org.resourcePolicy!;
  return { ResourcePolicy: { ResourcePolicySummary: { Id: rp.id, Arn: rp.arn }, Content: rp.content } };
};

export const organizationsDelegationOperations: Operation[] = [
  {
    service: "organizations",
    name: "PutResourcePolicy",
    klass: "write",
    input: {
      Content: { shape: str({ min: 1, max: 40000 }), required: true },
      Tags: { shape: list(tag) },
    },
    run(ctx, i) {
      requireManagement(ctx);
      const org = ctx.state.org;
      const content = i.Content as string;
      const tags = (i.Tags as { Key: string; Value: string }[] | undefined) ?? [];
      const parsed = parseDelegationPolicy(content);
      if ("reason" in parsed)
        throw new SimError("InvalidInputException", parsed.message, 400, { Reason: parsed.reason });
      if (tags.length && org.resourcePolicy)
        throw new SimError(
          "InvalidInputException",
          "Tags can be given only when the resource policy is created.",
          400,
          { Reason: "INVALID_LIST_MEMBER" },
        );
      if (tags.length > MAX_TAGS)
        throw new SimError(
          "ConstraintViolationException",
          "You have exceeded the allowed number of tags for this resource.",
          409,
          { Reason: "MAX_TAG_LIMIT_EXCEEDED" },
        );
      if (org.resourcePolicy) {
        org.resourcePolicy.content = content;
        org.resourcePolicy.statements = parsed.statements;
      } else {
        // A new ID each time one is created after a delete, as AWS gives.
        const id = `rp-${hex(ctx.state.seed, 8, "resource-policy", ctx.requestId)}`;
        org.resourcePolicy = {
          id,
          arn: `arn:aws:organizations::${org.managementAccountId}:resourcepolicy/${org.id}/${id}`,
          content,
          statements: parsed.statements,
          tags,
        };
      }
      return shape(ctx);
    },
  },
  {
    service: "organizations",
    name: "DescribeResourcePolicy",
    klass: "get",
    input: {},
    run(ctx) {
      const org = ctx.state.org;
      if (!isDelegatedAdmin(org, ctx.caller.accountId)) requireManagement(ctx);
      if (!org.resourcePolicy) throw notFound();
      return shape(ctx);
    },
  },
  {
    service: "organizations",
    name: "DeleteResourcePolicy",
    klass: "write",
    input: {},
    run(ctx) {
      requireManagement(ctx);
      if (!ctx.state.org.resourcePolicy) throw notFound();
      ctx.state.org.resourcePolicy = null;
      return {};
    },
  },
];
