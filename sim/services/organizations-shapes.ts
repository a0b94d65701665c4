import { SimError } from "../http/errors";
import { int, str } from "../http/input";
import { at } from "../http/timestamp";
import type { OrgState, PolicyRt } from "../engine/model";
import type { OpContext } from "./context";
import { pathOf } from "../org/tree";

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
  if (ctx.caller.accountId !== ctx.state.org.managementAccountId)
    throw new SimError("AccessDeniedException", "You don't have permissions to access this resource.", 403);
}

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
