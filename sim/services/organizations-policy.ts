import { SimError } from "../http/errors";
import { list, str, struct } from "../http/input";
import { checkBackupPolicy, MAX_BACKUP_POLICY_CHARS } from "../org/backup-policy";
import { targetType } from "../org/tree";
import { hex } from "../world/ids";
import type { OpContext, Operation } from "./context";
import {
  newPolicyArn,
  policySummary,
  requirePolicy,
  requirePolicyAccess,
  rootShape,
  shapes,
  targetArn,
} from "./organizations-shapes";

/**
 * Organizations policy writes with AWS's limits (user guide "Quotas" and the API reference):
 * backup policies up to 10,000 characters, 1,000 per organization, 10 attached per target,
 * unique names per type, the type enabled on the root before attaching, 50 tags per resource.
 * Each change re-derives every account's effective policy and its org-managed backup plans.
 * Unlike AWS, TagResource on the root answers TargetNotFound: the world keeps no root tags.
 */
const MAX_POLICIES_PER_TYPE = 1000;
const MAX_ATTACHED_PER_TARGET = 10;
const MAX_TAGS = 50;
const tag = struct({
  Key: { shape: str({ min: 1, max: 128, pattern: /^[\s\S]*$/ }), required: true },
  Value: { shape: str({ min: 0, max: 256, pattern: /^[\s\S]*$/ }), required: true },
});
const name = str({ min: 1, max: 128 });
const description = str({ max: 512 });
const content = str({ min: 1 });

function checkContent(type: string, text: string): void {
  if (type === "BACKUP_POLICY" && text.length > MAX_BACKUP_POLICY_CHARS) {
    throw new SimError(
      "ConstraintViolationException",
      "You have exceeded the maximum size of a policy document.",
      409,
      { Reason: "POLICY_CONTENT_LIMIT_EXCEEDED" },
    );
  }
  const problem =
    type === "BACKUP_POLICY" ? checkBackupPolicy(text) : isJson(text) ? undefined : "The policy is not valid JSON.";
  if (problem)
    throw new SimError(
      "MalformedPolicyDocumentException",
      `The provided policy document doesn't meet the requirements of the specified policy type. ${problem}`,
      400,
    );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function duplicateName(ctx: OpContext, type: string, n: string, except?: string): void {
  for (const p of ctx.state.org.policies.values()) {
    if (p.type === type && p.name === n && p.id !== except)
      throw new SimError("DuplicatePolicyException", "A policy with the same name already exists.", 409);
  }
}

function requireTarget(ctx: OpContext, id: string): void {
  if (!targetType(ctx.state.org, id))
    throw new SimError(
      "TargetNotFoundException",
      "We can't find a root, OU, account, or policy with the TargetId that you specified.",
      404,
    );
}

/** A call on a policy (and, for attachments, a target), authorised before the policy is looked up, as AWS does. */
function onPolicy(ctx: OpContext, action: string, policyId: string, target?: string): void {
  const org = ctx.state.org;
  const policy = org.policies.get(policyId);
  const resources = [policy?.arn ?? targetArn(org, policyId), ...(target ? [targetArn(org, target)] : [])];
  requirePolicyAccess(ctx, action, { resources, policyType: policy?.type });
}

function isAttached(ctx: OpContext, policyId: string): boolean {
  return [...ctx.state.org.attachments.values()].some((ids) => ids.includes(policyId));
}

const write = (n: string, input: Operation["input"], run: Operation["run"]): Operation => ({
  service: "organizations",
  name: n,
  klass: "write",
  input,
  run,
});

export const organizationsPolicyOperations: Operation[] = [
  write(
    "CreatePolicy",
    {
      Content: { shape: content, required: true },
      Description: { shape: description, required: true },
      Name: { shape: name, required: true },
      Type: { shape: shapes.policyType, required: true },
      Tags: { shape: list(tag) },
    },
    (ctx, i) => {
      const org = ctx.state.org;
      const type = i.Type as string;
      requirePolicyAccess(ctx, "CreatePolicy", { resources: [newPolicyArn(org, type)], policyType: type });
      if (org.featureSet !== "ALL")
        throw new SimError(
          "PolicyTypeNotAvailableForOrganizationException",
          "You can't use the specified policy type with the feature set currently enabled for this organization.",
          409,
        );
      checkContent(type, i.Content as string);
      duplicateName(ctx, type, i.Name as string);
      if ([...org.policies.values()].filter((p) => p.type === type).length >= MAX_POLICIES_PER_TYPE) {
        throw new SimError(
          "ConstraintViolationException",
          "You have attempted to create more than the allowed number of policies of this type.",
          409,
          { Reason: "POLICY_NUMBER_LIMIT_EXCEEDED" },
        );
      }
      let id: string;
      let n = org.policies.size;
      do id = `p-${hex(ctx.state.seed, 8, "policy", n++, i.Name as string)}`;
      while (org.policies.has(id));
      const typePath = type.toLowerCase();
      const policy = {
        id,
        arn: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${typePath}/${id}`,
        name: i.Name as string,
        description: i.Description as string,
        type,
        content: i.Content as string,
        created: ctx.state.now,
        tags: (i.Tags as { Key: string; Value: string }[] | undefined) ?? [],
      };
      org.policies.set(id, policy);
      return { Policy: { PolicySummary: policySummary(policy), Content: policy.content } };
    },
  ),
  write(
    "UpdatePolicy",
    {
      PolicyId: { shape: shapes.policyId, required: true },
      Name: { shape: name },
      Description: { shape: description },
      Content: { shape: content },
    },
    (ctx, i) => {
      onPolicy(ctx, "UpdatePolicy", i.PolicyId as string);
      const policy = requirePolicy(ctx.state.org, i.PolicyId as string);
      if (i.Content !== undefined) checkContent(policy.type, i.Content as string);
      if (i.Name !== undefined) duplicateName(ctx, policy.type, i.Name as string, policy.id);
      if (i.Name !== undefined) policy.name = i.Name as string;
      if (i.Description !== undefined) policy.description = i.Description as string;
      if (i.Content !== undefined && i.Content !== policy.content) {
        policy.content = i.Content as string;
        if (isAttached(ctx, policy.id)) ctx.onPolicyChange();
      }
      return { Policy: { PolicySummary: policySummary(policy), Content: policy.content } };
    },
  ),
  write("DeletePolicy", { PolicyId: { shape: shapes.policyId, required: true } }, (ctx, i) => {
    onPolicy(ctx, "DeletePolicy", i.PolicyId as string);
    const policy = requirePolicy(ctx.state.org, i.PolicyId as string);
    if (isAttached(ctx, policy.id))
      throw new SimError(
        "PolicyInUseException",
        "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
        409,
      );
    ctx.state.org.policies.delete(policy.id);
    return {};
  }),
  write(
    "AttachPolicy",
    { PolicyId: { shape: shapes.policyId, required: true }, TargetId: { shape: shapes.targetId, required: true } },
    (ctx, i) => {
      onPolicy(ctx, "AttachPolicy", i.PolicyId as string, i.TargetId as string);
      const org = ctx.state.org;
      const policy = requirePolicy(org, i.PolicyId as string);
      const target = i.TargetId as string;
      requireTarget(ctx, target);
      if (!org.enabledPolicyTypes.has(policy.type))
        throw new SimError(
          "PolicyTypeNotEnabledException",
          "This operation can be performed only for enabled policy types.",
          409,
        );
      const attached = org.attachments.get(target) ?? [];
      if (attached.includes(policy.id))
        throw new SimError(
          "DuplicatePolicyAttachmentException",
          "The selected policy is already attached to the specified target.",
          409,
        );
      if (attached.filter((id) => org.policies.get(id)?.type === policy.type).length >= MAX_ATTACHED_PER_TARGET) {
        throw new SimError(
          "ConstraintViolationException",
          "You attempted to exceed the number of policies of a certain type that can be attached to an entity at one time.",
          409,
          { Reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED" },
        );
      }
      org.attachments.set(target, [...attached, policy.id]);
      ctx.onPolicyChange();
      return {};
    },
  ),
  write(
    "DetachPolicy",
    { PolicyId: { shape: shapes.policyId, required: true }, TargetId: { shape: shapes.targetId, required: true } },
    (ctx, i) => {
      onPolicy(ctx, "DetachPolicy", i.PolicyId as string, i.TargetId as string);
      const org = ctx.state.org;
      const policy = requirePolicy(org, i.PolicyId as string);
      const target = i.TargetId as string;
      requireTarget(ctx, target);
      const attached = org.attachments.get(target) ?? [];
      if (!attached.includes(policy.id))
        throw new SimError(
          "PolicyNotAttachedException",
          "The policy isn't attached to the specified target in the specified root.",
          409,
        );
      org.attachments.set(
        target,
        attached.filter((id) => id !== policy.id),
      );
      ctx.onPolicyChange();
      return {};
    },
  ),
  write(
    "EnablePolicyType",
    { RootId: { shape: shapes.rootId, required: true }, PolicyType: { shape: shapes.policyType, required: true } },
    (ctx, i) => {
      const org = ctx.state.org;
      requirePolicyAccess(ctx, "EnablePolicyType", {
        resources: [targetArn(org, i.RootId as string)],
        policyType: i.PolicyType as string,
      });
      if (i.RootId !== org.rootId)
        throw new SimError("RootNotFoundException", "We can't find a root with the RootId that you specified.", 404);
      if (org.enabledPolicyTypes.has(i.PolicyType as string))
        throw new SimError("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled.", 409);
      org.enabledPolicyTypes.add(i.PolicyType as string);
      ctx.onPolicyChange();
      return { Root: rootShape(org) };
    },
  ),
  write(
    "TagResource",
    { ResourceId: { shape: shapes.taggableId, required: true }, Tags: { shape: list(tag), required: true } },
    (ctx, i) => {
      const o = ctx.state.org;
      const id = i.ResourceId as string;
      requirePolicyAccess(ctx, "TagResource", { resources: [targetArn(o, id)], policyType: o.policies.get(id)?.type });
      const tags = i.Tags as { Key: string; Value: string }[];
      // A key given again replaces its value; AWS caps a resource at 50 tags.
      const merge = (current: Record<string, string>) => {
        const next = { ...current, ...Object.fromEntries(tags.map((t) => [t.Key, t.Value])) };
        if (Object.keys(next).length > MAX_TAGS)
          throw new SimError(
            "ConstraintViolationException",
            "You have exceeded the allowed number of tags for this resource.",
            409,
            { Reason: "MAX_TAG_LIMIT_EXCEEDED" },
          );
        return next;
      };
      const policy = o.policies.get(id);
      const holder = o.accounts.get(id) ?? o.ous.get(id);
      if (policy)
        policy.tags = Object.entries(merge(Object.fromEntries(policy.tags.map((t) => [t.Key, t.Value])))).map(
          ([Key, Value]) => ({ Key, Value }),
        );
      else if (holder) holder.tags = merge(holder.tags);
      else
        throw new SimError(
          "TargetNotFoundException",
          "We can't find a root, OU, account, or policy with the TargetId that you specified.",
          404,
        );
      return {};
    },
  ),
  write(
    "DisablePolicyType",
    { RootId: { shape: shapes.rootId, required: true }, PolicyType: { shape: shapes.policyType, required: true } },
    (ctx, i) => {
      const org = ctx.state.org;
      const type = i.PolicyType as string;
      requirePolicyAccess(ctx, "DisablePolicyType", {
        resources: [targetArn(org, i.RootId as string)],
        policyType: type,
      });
      if (i.RootId !== org.rootId)
        throw new SimError("RootNotFoundException", "We can't find a root with the RootId that you specified.", 404);
      if (!org.enabledPolicyTypes.has(type))
        throw new SimError(
          "PolicyTypeNotEnabledException",
          "This operation can be performed only for enabled policy types.",
          409,
        );
      org.enabledPolicyTypes.delete(type);
      // Disabling a type detaches every policy of that type from every target.
      for (const [target, ids] of org.attachments)
        org.attachments.set(
          target,
          ids.filter((id) => org.policies.get(id)?.type !== type),
        );
      ctx.onPolicyChange();
      return { Root: rootShape(org) };
    },
  ),
];
