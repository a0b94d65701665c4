import { SimError } from "../http/errors";
import { at } from "../http/timestamp";
import { str } from "../http/input";
import { effectiveBackupPolicy } from "../org/materialize";
import { targetType } from "../org/tree";
import { page, type OpContext, type Operation } from "./context";
import {
  accountShape,
  childrenOf,
  ouShape,
  policySummary,
  requireAdmin,
  requireParent,
  requirePolicy,
  requirePolicyAccess,
  rootShape,
  shapes,
  targetArn,
} from "./organizations-shapes";

/** Organizations reads (awsJson1_1). Default page size when MaxResults is omitted: 20. */
const DEFAULT_PAGE = 20;
const paging = { NextToken: { shape: shapes.nextToken }, MaxResults: { shape: shapes.maxResults } };

function listOp(
  name: string,
  input: Operation["input"],
  items: (ctx: OpContext, input: Record<string, unknown>) => unknown[],
  key: string,
  /** Who may call it: the management account or a delegated administrator, or a check of its own. */
  admin: boolean | ((ctx: OpContext, input: Record<string, unknown>) => void) = true,
): Operation {
  return {
    service: "organizations",
    name,
    klass: "list",
    input: { ...input, ...paging },
    run(ctx, inp) {
      if (typeof admin === "function") admin(ctx, inp);
      else if (admin) requireAdmin(ctx);
      const all = items(ctx, inp);
      const scope = [name, ...Object.entries(inp).filter(([k]) => k !== "NextToken" && k !== "MaxResults")];
      const p = page(
        ctx,
        "organizations",
        scope,
        inp.NextToken,
        (inp.MaxResults as number | undefined) ?? DEFAULT_PAGE,
        all.length,
        (i) => all[i],
      );
      return { [key]: p.items, NextToken: p.next };
    },
  };
}

const org = (ctx: OpContext) => ctx.state.org;

/** A read of one policy: the management account, a delegated administrator, or what the delegation policy allows. */
function readPolicy(ctx: OpContext, action: string, policyId: string): void {
  const p = org(ctx).policies.get(policyId);
  requirePolicyAccess(ctx, action, {
    resources: [p?.arn ?? targetArn(org(ctx), policyId)],
    policyType: p?.type,
    read: true,
  });
}

export const organizationsReadOperations: Operation[] = [
  {
    service: "organizations",
    name: "DescribeOrganization",
    klass: "get",
    input: {},
    run(ctx) {
      const o = org(ctx);
      const mgmt = o.accounts.get(o.managementAccountId);
      return {
        Organization: {
          Id: o.id,
          Arn: o.arn,
          FeatureSet: o.featureSet,
          MasterAccountArn: `arn:aws:organizations::${o.managementAccountId}:account/${o.id}/${o.managementAccountId}`,
          MasterAccountId: o.managementAccountId,
          MasterAccountEmail: mgmt?.email,
          AvailablePolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }],
        },
      };
    },
  },
  listOp(
    "ListRoots",
    {},
    (ctx) => [rootShape(org(ctx))],
    "Roots",
    (ctx) => requirePolicyAccess(ctx, "ListRoots", { read: true }),
  ),
  listOp(
    "ListOrganizationalUnitsForParent",
    { ParentId: { shape: shapes.parentId, required: true } },
    (ctx, i) => {
      requireParent(org(ctx), i.ParentId as string);
      return childrenOf(org(ctx), i.ParentId as string, "ORGANIZATIONAL_UNIT").map((id) => ouShape(org(ctx), id));
    },
    "OrganizationalUnits",
  ),
  listOp("ListAccounts", {}, (ctx) => org(ctx).accountOrder.map((id) => accountShape(org(ctx), id)), "Accounts"),
  listOp(
    "ListAccountsForParent",
    { ParentId: { shape: shapes.parentId, required: true } },
    (ctx, i) => {
      requireParent(org(ctx), i.ParentId as string);
      return childrenOf(org(ctx), i.ParentId as string, "ACCOUNT").map((id) => accountShape(org(ctx), id));
    },
    "Accounts",
  ),
  listOp(
    "ListChildren",
    {
      ParentId: { shape: shapes.parentId, required: true },
      ChildType: { shape: str({ enum: ["ACCOUNT", "ORGANIZATIONAL_UNIT"] }), required: true },
    },
    (ctx, i) => {
      requireParent(org(ctx), i.ParentId as string);
      return childrenOf(org(ctx), i.ParentId as string, i.ChildType as "ACCOUNT").map((Id) => ({
        Id,
        Type: i.ChildType,
      }));
    },
    "Children",
  ),
  listOp(
    "ListParents",
    { ChildId: { shape: shapes.childId, required: true } },
    (ctx, i) => {
      const o = org(ctx);
      const id = i.ChildId as string;
      const parent = o.accounts.get(id)?.parent_id ?? o.ous.get(id)?.parentId;
      if (!parent)
        throw new SimError(
          "ChildNotFoundException",
          "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
          404,
        );
      return [{ Id: parent, Type: parent === o.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT" }];
    },
    "Parents",
  ),
  {
    service: "organizations",
    name: "DescribeAccount",
    klass: "get",
    input: { AccountId: { shape: shapes.accountId, required: true } },
    run(ctx, i) {
      requireAdmin(ctx);
      const a = accountShape(org(ctx), i.AccountId as string);
      if (!a) throw new SimError("AccountNotFoundException", "You specified an account that doesn't exist.", 404);
      return { Account: a };
    },
  },
  {
    service: "organizations",
    name: "DescribeOrganizationalUnit",
    klass: "get",
    input: { OrganizationalUnitId: { shape: shapes.ouId, required: true } },
    run(ctx, i) {
      requireAdmin(ctx);
      const ou = ouShape(org(ctx), i.OrganizationalUnitId as string);
      if (!ou)
        throw new SimError(
          "OrganizationalUnitNotFoundException",
          "We can't find an OU with the OrganizationalUnitId that you specified.",
          404,
        );
      return { OrganizationalUnit: ou };
    },
  },
  listOp(
    "ListPolicies",
    { Filter: { shape: shapes.policyType, required: true } },
    (ctx, i) => [...org(ctx).policies.values()].filter((p) => p.type === i.Filter).map(policySummary),
    "Policies",
    (ctx, i) => requirePolicyAccess(ctx, "ListPolicies", { policyType: i.Filter as string, read: true }),
  ),
  {
    service: "organizations",
    name: "DescribePolicy",
    klass: "get",
    input: { PolicyId: { shape: shapes.policyId, required: true } },
    run(ctx, i) {
      readPolicy(ctx, "DescribePolicy", i.PolicyId as string);
      const p = requirePolicy(org(ctx), i.PolicyId as string);
      return { Policy: { PolicySummary: policySummary(p), Content: p.content } };
    },
  },
  listOp(
    "ListTargetsForPolicy",
    { PolicyId: { shape: shapes.policyId, required: true } },
    (ctx, i) => {
      const o = org(ctx);
      requirePolicy(o, i.PolicyId as string);
      const targets = [...o.attachments.entries()]
        .filter(([, ids]) => ids.includes(i.PolicyId as string))
        .map(([t]) => t);
      return targets.map((t) => {
        const type = targetType(o, t);
        const shape =
          type === "ROOT" ? rootShape(o) : type === "ORGANIZATIONAL_UNIT" ? ouShape(o, t) : accountShape(o, t);
        return { TargetId: t, Arn: shape?.Arn, Name: type === "ROOT" ? "Root" : shape?.Name, Type: type };
      });
    },
    "Targets",
    (ctx, i) => readPolicy(ctx, "ListTargetsForPolicy", i.PolicyId as string),
  ),
  listOp(
    "ListPoliciesForTarget",
    { TargetId: { shape: shapes.targetId, required: true }, Filter: { shape: shapes.policyType, required: true } },
    (ctx, i) => {
      const o = org(ctx);
      if (!targetType(o, i.TargetId as string))
        throw new SimError(
          "TargetNotFoundException",
          "We can't find a root, OU, account, or policy with the TargetId that you specified.",
          404,
        );
      return (o.attachments.get(i.TargetId as string) ?? [])
        .map((id) => o.policies.get(id))
        .filter((p) => p && p.type === i.Filter)
        .map((p) => policySummary(p!));
    },
    "Policies",
    (ctx, i) =>
      requirePolicyAccess(ctx, "ListPoliciesForTarget", {
        resources: [targetArn(org(ctx), i.TargetId as string)],
        policyType: i.Filter as string,
        read: true,
      }),
  ),
  {
    service: "organizations",
    name: "DescribeEffectivePolicy",
    klass: "get",
    input: { PolicyType: { shape: shapes.effectivePolicyType, required: true }, TargetId: { shape: shapes.targetId } },
    run(ctx, i) {
      const o = org(ctx);
      const target = (i.TargetId as string | undefined) ?? ctx.caller.accountId;
      const isAdmin =
        ctx.caller.accountId === o.managementAccountId ||
        (o.accounts.get(ctx.caller.accountId)?.delegated_admin_services.length ?? 0) > 0;
      if (!isAdmin && target !== ctx.caller.accountId)
        throw new SimError("AccessDeniedException", "You don't have permissions to access this resource.", 403);
      const type = targetType(o, target);
      if (!type)
        throw new SimError(
          "TargetNotFoundException",
          "We can't find a root, OU, account, or policy with the TargetId that you specified.",
          404,
        );
      if (type !== "ACCOUNT")
        throw new SimError(
          "InvalidInputException",
          "You can't specify a root or OU as the target of an effective policy.",
          400,
          { Reason: "TARGET_NOT_SUPPORTED" },
        );
      const effective = i.PolicyType === "BACKUP_POLICY" ? effectiveBackupPolicy(ctx.state, target) : undefined;
      if (!effective)
        throw new SimError(
          "EffectivePolicyNotFoundException",
          "We can't find an effective policy of that type for the target you specified.",
          400,
        );
      return {
        EffectivePolicy: {
          PolicyContent: JSON.stringify(effective),
          LastUpdatedTimestamp: at(o.effectiveUpdated.get(target) ?? ctx.state.epoch),
          TargetId: target,
          PolicyType: i.PolicyType,
        },
      };
    },
  },
  {
    service: "organizations",
    name: "ListTagsForResource",
    klass: "list",
    input: { ResourceId: { shape: shapes.taggableId, required: true }, NextToken: { shape: shapes.nextToken } },
    run(ctx, i) {
      const o = org(ctx);
      const id = i.ResourceId as string;
      requirePolicyAccess(ctx, "ListTagsForResource", {
        resources: [targetArn(o, id)],
        policyType: o.policies.get(id)?.type,
        read: true,
      });
      const tags =
        o.accounts.get(id)?.tags ??
        o.ous.get(id)?.tags ??
        (id === o.rootId
          ? {}
          : o.policies.has(id)
            ? Object.fromEntries((o.policies.get(id)?.tags ?? []).map((t) => [t.Key, t.Value]))
            : id === o.resourcePolicy?.id
              ? Object.fromEntries(o.resourcePolicy.tags.map((t) => [t.Key, t.Value]))
              : undefined);
      if (!tags)
        throw new SimError(
          "TargetNotFoundException",
          "We can't find a root, OU, account, or policy with the TargetId that you specified.",
          404,
        );
      const all = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      const p = page(
        ctx,
        "organizations",
        ["ListTagsForResource", id],
        i.NextToken,
        DEFAULT_PAGE,
        all.length,
        (k) => all[k],
      );
      return { Tags: p.items, NextToken: p.next };
    },
  },
  listOp(
    "ListDelegatedAdministrators",
    { ServicePrincipal: { shape: shapes.servicePrincipal } },
    (ctx, i) => {
      const o = org(ctx);
      return o.accountOrder
        .map((id) => o.accounts.get(id)!)
        .filter(
          (a) =>
            a.delegated_admin_services.length > 0 &&
            (i.ServicePrincipal === undefined || a.delegated_admin_services.includes(i.ServicePrincipal as string)),
        )
        .map((a) => {
          const { Paths: _paths, ...rest } = accountShape(o, a.id)!;
          return { ...rest, DelegationEnabledDate: at(a.joinedAt + 86400) };
        });
    },
    "DelegatedAdministrators",
  ),
];
