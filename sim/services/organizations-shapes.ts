import { SimError } from "../http/errors";
import { int, str } from "../http/input";
import { at } from "../http/timestamp";
import type { OrgState, PolicyRt } from "../engine/model";
import type { OpContext } from "./context";
import { pathOf } from "../org/tree";
import { delegationAllows, delegationNames } from "../org/delegation";

/** Organizations input shapes and response builders shared by the read and policy operations. */
export const POLICY_TYPES = [
  "SERVICE_CONTROL_POLICY",
  "RESOURCE_CONTROL_POLICY",
  "TAG_POLICY",
  "BACKUP_POLICY",
  "AISERVICES_OPT_OUT_POLICY",
  "CHATBOT_POLICY",
  "DECLARATIVE_POLICY_EC2",
  "SECURITYHUB_POLICY",
  "INSPECTOR_POLICY",
  "UPGRADE_ROLLOUT_POLICY",
  "BEDROCK_POLICY",
  "S3_POLICY",
  "NETWORK_SECURITY_DIRECTOR_POLICY",
] as const;
export const EFFECTIVE_POLICY_TYPES = POLICY_TYPES.filter(
  (t) => t !== "SERVICE_CONTROL_POLICY" && t !== "RESOURCE_CONTROL_POLICY",
);

const OU = "ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}";
export const shapes = {
  maxResults: int(1, 20),
  nextToken: str({ max: 100000 }),
  parentId: str({ max: 100, pattern: new RegExp(`^(r-[0-9a-z]{4,32}|${OU})$`) }),
  childId: str({ max: 100, pattern: new RegExp(`^(\\d{12}|${OU})$`) }),
  accountId: str({ max: 12, pattern: /^\d{12}$/ }),
  policyId: str({ max: 130, pattern: /^p-[0-9a-zA-Z_]{8,128}$/ }),
  targetId: str({ max: 100, pattern: new RegExp(`^(r-[0-9a-z]{4,32}|\\d{12}|${OU})$`) }),
  ouId: str({ max: 68, pattern: new RegExp(`^${OU}$`) }),
  rootId: str({ max: 34, pattern: /^r-[0-9a-z]{4,32}$/ }),
  taggableId: str({
    max: 130,
    pattern: new RegExp(
      `^(r-[0-9a-z]{4,32}|\\d{12}|${OU}|p-[0-9a-zA-Z_]{8,128}|rp-[0-9a-zA-Z_]{4,128}|rt-[0-9a-zA-Z_]{8,32})$`,
    ),
  }),
  policyType: str({ enum: POLICY_TYPES }),
  effectivePolicyType: str({ enum: EFFECTIVE_POLICY_TYPES }),
  servicePrincipal: str({ min: 1, max: 128, pattern: /^[\w+=,.@-]*$/ }),
};

/** Most Organizations reads: management account or a delegated administrator only. */
export function requireAdmin(ctx: OpContext): void {
  const org = ctx.state.org;
  if (ctx.caller.accountId === org.managementAccountId) return;
  if ((org.accounts.get(ctx.caller.accountId)?.delegated_admin_services.length ?? 0) > 0) return;
  throw new SimError("AccessDeniedException", "You don't have permissions to access this resource.", 403);
}

export function requireManagement(ctx: OpContext): void {
  if (ctx.caller.accountId !== ctx.state.org.managementAccountId) throw accessDenied();
}

const accessDenied = () =>
  new SimError("AccessDeniedException", "You don't have permissions to access this resource.", 403);

/** Whether the account is a delegated administrator: of a service, or named by the delegation policy. */
export function isDelegatedAdmin(org: OrgState, accountId: string): boolean {
  if ((org.accounts.get(accountId)?.delegated_admin_services.length ?? 0) > 0) return true;
  return !!org.resourcePolicy && delegationNames(org.resourcePolicy.statements, accountId);
}

/**
 * An Organizations policy call: the management account may make it; a member account only when
 * the organization's delegation policy allows it that action on those resources, with the call's
 * policy type as organizations:PolicyType. Reads (`read`) stay open to a delegated administrator
 * of any service, as the API reference says of them ("the management account or a member account
 * that is a delegated administrator").
 */
export function requirePolicyAccess(
  ctx: OpContext,
  action: string,
  on: { resources?: string[]; policyType?: string; read?: boolean } = {},
): void {
  const org = ctx.state.org;
  const caller = ctx.caller;
  if (caller.accountId === org.managementAccountId) return;
  if (on.read && (org.accounts.get(caller.accountId)?.delegated_admin_services.length ?? 0) > 0) return;
  const allowed =
    !!org.resourcePolicy &&
    delegationAllows(org.resourcePolicy.statements, {
      action: `organizations:${action}`,
      callerAccountId: caller.accountId,
      principalArn: caller.roleArn ?? caller.arn,
      resources: on.resources ?? ["*"],
      context: on.policyType ? { "organizations:PolicyType": on.policyType } : {},
    });
  if (!allowed) throw accessDenied();
}

/** The ARN IAM names a root, OU, account or policy by, for a delegation policy's Resource. */
export function targetArn(org: OrgState, id: string): string {
  if (id === org.rootId) return org.rootArn;
  if (org.ous.has(id)) return org.ous.get(id)!.arn;
  if (org.policies.has(id)) return org.policies.get(id)!.arn;
  return `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${id}`;
}

/** The ARN a new policy of a type will have (CreatePolicy's resource, before it exists). */
export const newPolicyArn = (org: OrgState, type: string) =>
  `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${type.toLowerCase()}/*`;

export function accountShape(org: OrgState, id: string) {
  const a = org.accounts.get(id);
  if (!a) return undefined;
  const status = a.state === "CLOSED" ? "SUSPENDED" : a.state;
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: status,
    State: a.state,
    Paths: [pathOf(org, a.id)],
    JoinedMethod: a.joined_method,
    JoinedTimestamp: at(a.joinedAt),
  };
}

export function ouShape(org: OrgState, id: string) {
  const ou = org.ous.get(id);
  return ou ? { Id: ou.id, Arn: ou.arn, Name: ou.name, Path: pathOf(org, ou.id) } : undefined;
}

export function rootShape(org: OrgState) {
  return {
    Id: org.rootId,
    Arn: org.rootArn,
    Name: "Root",
    PolicyTypes: [...org.enabledPolicyTypes].map((Type) => ({ Type, Status: "ENABLED" })),
  };
}

export function policySummary(p: PolicyRt) {
  return { Id: p.id, Arn: p.arn, Name: p.name, Description: p.description, Type: p.type, AwsManaged: false };
}

/** The parent must be the root or an existing OU. */
export function requireParent(org: OrgState, parentId: string): void {
  if (parentId !== org.rootId && !org.ous.has(parentId))
    throw new SimError(
      "ParentNotFoundException",
      "We can't find a root or OU with the ParentId that you specified.",
      404,
    );
}

export function requirePolicy(org: OrgState, id: string): PolicyRt {
  const p = org.policies.get(id);
  if (!p)
    throw new SimError("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.", 404);
  return p;
}

/** Children in definition order (accounts and OUs). */
export function childrenOf(org: OrgState, parentId: string, type: "ACCOUNT" | "ORGANIZATIONAL_UNIT"): string[] {
  return type === "ACCOUNT"
    ? org.accountOrder.filter((id) => org.accounts.get(id)?.parent_id === parentId)
    : org.ouOrder.filter((id) => org.ous.get(id)?.parentId === parentId);
}
