import {
  managementRoleStack,
  memberStackSetStack,
  policyPushDelegationStack,
  policyPushStack,
} from "./cloudformation-templates";
import { needsDelegation } from "@/lib/aws/errors";
import { parseRoleTemplateInput, type RoleTemplateInput, type RoleTemplateParams } from "./role-template-input";
import {
  managementRoleTerraform,
  memberStackSetTerraform,
  policyPushDelegationTerraform,
  policyPushTerraform,
} from "./terraform-templates";

// The files an operator downloads to create a tenant's roles, one list for the CLI and the page.

export interface RoleTemplateFile {
  /** A path relative to the output directory, also the download's file name. */
  path: string;
  title: string;
  /** Where and in which order it is deployed. */
  instructions: string;
  optional: boolean;
  contentType: string;
  content: string;
}

const json = (template: object) => `${JSON.stringify(template, null, 2)}\n`;
const CFN = "application/json";
const TF = "text/plain";

export const ROLE_TEMPLATE_PATHS = [
  "cloudformation/management-role.json",
  "cloudformation/member-roles-stackset.json",
  "cloudformation/policy-push.json",
  "terraform/management-role.tf",
  "terraform/member-roles-stackset.tf",
  "terraform/policy-push.tf",
  "cloudformation/policy-push-delegation.json",
  "terraform/policy-push-delegation.tf",
] as const;
export type RoleTemplatePath = (typeof ROLE_TEMPLATE_PATHS)[number];

/** Made only when the push role is outside the management account, which must then delegate to it. */
export const DELEGATION_TEMPLATE_PATHS: readonly RoleTemplatePath[] = [
  "cloudformation/policy-push-delegation.json",
  "terraform/policy-push-delegation.tf",
];

/** Every template for a tenant; throws a VALIDATION AppError naming each malformed value. */
export function renderRoleTemplates(input: RoleTemplateInput): RoleTemplateFile[] {
  const p = parseRoleTemplateInput(input);
  const step1 = `1. In account ${p.roleAccountId}: the read role the product assumes (with the ExternalId)${p.roleAccountId === p.managementAccountId ? " and this account's member role" : ""}.`;
  const targets = p.deploymentTargets.length
    ? `every account of ${p.deploymentTargets.join(", ")} (its DeploymentTargets parameter, to change)`
    : "every account of the root or OUs you give as its DeploymentTargets parameter (deployment_targets in Terraform)";
  const step2 = `2. In management account ${p.managementAccountId}: a service-managed stack set putting the member role in ${targets}, new accounts included. Needs trusted access for CloudFormation StackSets enabled in Organizations.`;
  const step3 = `Optional, only to push backup policies from the product: in account ${p.policyPushRole.accountId}, a role of its own holding only the push's Organizations actions; then set its ARN (${p.policyPushRole.arn}) as the organization's policy push role.`;
  const delegated = needsDelegation(p.policyPushRole.arn, p.managementAccountId);
  // An organization has a single delegation policy: deploying this one replaces any other.
  const step4 = `Optional, with the policy push role: in management account ${p.managementAccountId}, the organization's delegation policy letting account ${p.policyPushRole.accountId} make the push's calls on backup policies only (AWS refuses a member account's policy changes without it). An organization has one delegation policy: if it already has one, add this statement to it instead, or this replaces it.`;
  const files: [RoleTemplatePath, string, string, boolean, (p: RoleTemplateParams) => string, string][] = [
    [
      "cloudformation/management-role.json",
      "Read role (CloudFormation)",
      step1,
      false,
      (x) => json(managementRoleStack(x)),
      CFN,
    ],
    [
      "cloudformation/member-roles-stackset.json",
      "Member roles stack set (CloudFormation)",
      step2,
      false,
      (x) => json(memberStackSetStack(x)),
      CFN,
    ],
    [
      "cloudformation/policy-push.json",
      "Policy push role (CloudFormation)",
      step3,
      true,
      (x) => json(policyPushStack(x)),
      CFN,
    ],
    ["terraform/management-role.tf", "Read role (Terraform)", step1, false, managementRoleTerraform, TF],
    [
      "terraform/member-roles-stackset.tf",
      "Member roles stack set (Terraform)",
      step2,
      false,
      memberStackSetTerraform,
      TF,
    ],
    ["terraform/policy-push.tf", "Policy push role (Terraform)", step3, true, policyPushTerraform, TF],
    [
      "cloudformation/policy-push-delegation.json",
      "Policy push delegation (CloudFormation)",
      step4,
      true,
      (x) => json(policyPushDelegationStack(x)),
      CFN,
    ],
    [
      "terraform/policy-push-delegation.tf",
      "Policy push delegation (Terraform)",
      step4,
      true,
      policyPushDelegationTerraform,
      TF,
    ],
  ];
  return files
    .filter(([path]) => delegated || !DELEGATION_TEMPLATE_PATHS.includes(path))
    .map(([path, title, instructions, optional, render, contentType]) => ({
      path,
      title,
      instructions,
      optional,
      contentType,
      content: render(p),
    }));
}
