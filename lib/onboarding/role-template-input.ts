import { z } from "zod";
import { invalid } from "@/lib/errors";
import { externalIdField } from "@/lib/validation/tenants";

// What the role templates are made from: a tenant's settings and the product's principal. Every
// value lands inside a CloudFormation or Terraform file the operator runs with administrator
// rights in the customer's organization, so each is held to AWS's own format before it does.

// IAM's formats (IAM User Guide, "IAM and AWS STS quotas"): role names [\w+=,.@-]{1,64}, paths /…/.
const ROLE_ARN = /^arn:(aws(?:-cn|-us-gov)?):iam::(\d{12}):role(\/(?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const PRINCIPAL_ARN =
  /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:(?:root|(?:user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;
// Organizations' ids (Organizations API reference, RootId and OrganizationalUnitId patterns).
export const TARGET_ID = /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

export const roleTemplateInput = z.object({
  tenantName: z.string().trim().min(1, "The organization's name is empty.").max(100),
  managementAccountId: z.string().regex(/^\d{12}$/, "The management account ID must be exactly 12 digits."),
  managementRoleArn: z
    .string()
    .regex(ROLE_ARN, "The management role ARN must read arn:aws:iam::<12-digit account>:role/<name>."),
  /** The tenant's policy push role, when set; otherwise the template names one beside the read role. */
  policyPushRoleArn: z
    .string()
    .regex(ROLE_ARN, "The policy push role ARN must read arn:aws:iam::<12-digit account>:role/<name>.")
    .nullish(),
  externalId: externalIdField,
  memberRoleName: z
    .string()
    .regex(
      /^[\w+=,.@-]{1,64}$/,
      "The member role name must be an IAM role name: up to 64 of letters, digits, + = , . @ - _.",
    ),
  principalArn: z
    .string({ error: "The product's AWS principal is unknown: give its ARN (--principal)." })
    .regex(
      PRINCIPAL_ARN,
      "The product's principal must be an IAM role, user or account root ARN (arn:aws:iam::<account>:role/<name>).",
    ),
  deploymentTargets: z
    .array(
      z.string().regex(TARGET_ID, "A deployment target must be the organization's root (r-…) or an OU id (ou-…-…)."),
    )
    .max(100),
});

/** The principal may be unknown (STS unreachable): validation then says how to give it. */
export type RoleTemplateInput = Omit<z.input<typeof roleTemplateInput>, "principalArn"> & {
  principalArn: string | undefined;
};

export interface RoleTemplateParams {
  /** Printable in an IAM description (IAM allows Latin-1 only there) and on one line of a comment. */
  tenantName: string;
  externalId: string;
  principalArn: string;
  partition: string;
  /** The account the management read role lives in (the management or a delegated administrator account). */
  roleAccountId: string;
  managementAccountId: string;
  managementRole: { arn: string; name: string; path: string };
  /** The optional role the policy push assumes instead of the read role, and the account it lives in. */
  policyPushRole: { arn: string; name: string; path: string; accountId: string };
  memberRoleName: string;
  /**
   * The stack set's default targets: the organization's root once a sync has read it. Empty before
   * the first sync, when the operator gives them as the template's parameter.
   */
  deploymentTargets: string[];
  /** IAM is global: the stack set needs one stack per account, in one region of the partition. */
  stackSetRegion: string;
}

/** The push role's name when the tenant has none yet: beside the read role, under its path. */
export const POLICY_PUSH_ROLE_NAME = "BackupGovernancePolicyPush";

const HOME_REGION: Record<string, string> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };

/** Validates the input and derives what the templates need from it; a VALIDATION AppError names each problem. */
export function parseRoleTemplateInput(raw: unknown): RoleTemplateParams {
  const parsed = roleTemplateInput.safeParse(raw);
  if (!parsed.success)
    throw invalid(`Cannot make the role templates: ${parsed.error.issues.map((i) => i.message).join(" ")}`);
  const v = parsed.data;
  const [, partition, roleAccountId, path, name] = ROLE_ARN.exec(v.managementRoleArn)!;
  const pushArn = v.policyPushRoleArn ?? `arn:${partition}:iam::${roleAccountId}:role${path}${POLICY_PUSH_ROLE_NAME}`;
  const [, , pushAccountId, pushPath, pushName] = ROLE_ARN.exec(pushArn)!;
  return {
    tenantName: v.tenantName.replace(/[^\x20-\x7E\xA1-\xFF]/g, "?"),
    externalId: v.externalId,
    principalArn: v.principalArn,
    partition: partition!,
    roleAccountId: roleAccountId!,
    managementAccountId: v.managementAccountId,
    managementRole: { arn: v.managementRoleArn, name: name!, path: path! },
    policyPushRole: { arn: pushArn, name: pushName!, path: pushPath!, accountId: pushAccountId! },
    memberRoleName: v.memberRoleName,
    deploymentTargets: [...new Set(v.deploymentTargets)],
    stackSetRegion: HOME_REGION[partition!]!,
  };
}
