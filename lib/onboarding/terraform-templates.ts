import {
  managementPermissions,
  memberPermissions,
  policyPushDelegation,
  policyPushPermissions,
} from "@/lib/aws/read-permissions";
import { memberRoleTemplate, STACK_SET_NAME } from "./cloudformation-templates";
import { TARGET_ID, type RoleTemplateParams } from "./role-template-input";
import { managementTrustPolicy, memberTrustPolicy } from "./trust-policies";

// The same roles as Terraform (hashicorp/aws provider) for operators who keep their organization in
// Terraform. Policy documents are JSON strings in heredocs: they are the very documents the
// CloudFormation templates hold. tests/unit/onboarding/ parses each file with an HCL parser.

/** HCL's template sequences ${ and %{ made literal ($${, %%{). */
const literal = (text: string) => text.replace(/([$%])\{/g, (_, c: string) => `${c}${c}{`);

/** An HCL string literal: JSON's escapes, plus HCL's own template sequences escaped. */
function str(value: string): string {
  return literal(JSON.stringify(value));
}

/** A JSON document as an indented heredoc (escaped like a string: heredocs are templates too). */
function doc(value: unknown): string {
  const body = literal(JSON.stringify(value, null, 2));
  return `<<-JSON\n${body.replace(/^/gm, "    ")}\n  JSON`;
}

const PROVIDER = `terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
`;

function roleBlocks(
  id: string,
  role: { name: string; path: string; description: string },
  trust: unknown,
  policy: { Statement: { Sid: string }[] },
  dependsOn?: string,
): string {
  return `resource "aws_iam_role" "${id}" {
  name               = ${str(role.name)}
  path               = ${str(role.path)}
  description        = ${str(role.description)}
  assume_role_policy = ${doc(trust)}${dependsOn ? `\n  depends_on         = [${dependsOn}]` : ""}
}

resource "aws_iam_role_policy" "${id}" {
  name   = ${str(policy.Statement[0]!.Sid)}
  role   = aws_iam_role.${id}.name
  policy = ${doc(policy)}
}
`;
}

/** For the account of the management role ARN (and, there, the member role; see managementRoleStack). */
export function managementRoleTerraform(p: RoleTemplateParams): string {
  const parts = [
    `# Backup governance read role for ${p.tenantName}: apply in account ${p.roleAccountId}.\n`,
    PROVIDER,
    roleBlocks(
      "management_read",
      { ...p.managementRole, description: `Backup governance (${p.tenantName}): reads the organization` },
      managementTrustPolicy(p.principalArn, p.externalId),
      managementPermissions(),
    ),
  ];
  if (p.roleAccountId === p.managementAccountId)
    parts.push(
      roleBlocks(
        "member_read",
        {
          name: p.memberRoleName,
          path: "/",
          description: `Backup governance (${p.tenantName}): read-only member role`,
        },
        memberTrustPolicy(p.managementRole.arn),
        memberPermissions(),
        // The trust names the management role, which IAM checks exists when the trust is set.
        "aws_iam_role.management_read",
      ),
    );
  parts.push(`output "management_read_role_arn" {\n  value = aws_iam_role.management_read.arn\n}\n`);
  return parts.join("\n");
}

/** For the management account: the service-managed stack set and its deployment to the targets. */
export function memberStackSetTerraform(p: RoleTemplateParams): string {
  const defaultTargets = p.deploymentTargets.length
    ? `\n  default     = [${p.deploymentTargets.map(str).join(", ")}]`
    : "";
  return `# Backup governance member roles for ${p.tenantName}: apply in management account ${p.managementAccountId}, after the read role.
${PROVIDER}
variable "deployment_targets" {
  description = "The organization's root id (r-...) or the OU ids (ou-...-...) whose accounts get the member role."
  type        = list(string)${defaultTargets}

  validation {
    condition     = length(var.deployment_targets) > 0 && alltrue([for t in var.deployment_targets : can(regex(${str(TARGET_ID.source)}, t))])
    error_message = "Give the organization's root id (r-...) or OU ids (ou-...-...)."
  }
}

resource "aws_cloudformation_stack_set" "member_read" {
  name             = ${str(STACK_SET_NAME)}
  permission_model = "SERVICE_MANAGED"
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = ${doc(memberRoleTemplate(p))}

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  # AWS sets it for a service-managed stack set; without this every plan would show a change.
  lifecycle {
    ignore_changes = [administration_role_arn]
  }
}

# IAM is global: one stack per account, in the provider's region.
resource "aws_cloudformation_stack_set_instance" "member_read" {
  stack_set_name = aws_cloudformation_stack_set.member_read.name

  deployment_targets {
    organizational_unit_ids = var.deployment_targets
  }
}
`;
}

/** Optional: the policy push's own role (see policyPushStack). */
export function policyPushTerraform(p: RoleTemplateParams): string {
  return [
    `# Backup governance policy push role for ${p.tenantName} (optional): apply in account ${p.policyPushRole.accountId}.\n`,
    PROVIDER,
    roleBlocks(
      "policy_push",
      {
        name: p.policyPushRole.name,
        path: p.policyPushRole.path,
        description: `Backup governance (${p.tenantName}): pushes backup policies to AWS Organizations`,
      },
      managementTrustPolicy(p.principalArn, p.externalId),
      policyPushPermissions(),
    ),
    `output "policy_push_role_arn" {\n  value = aws_iam_role.policy_push.arn\n}\n`,
  ].join("\n");
}

/** For the management account, when the push role lives in another account (see policyPushDelegationStack). */
export function policyPushDelegationTerraform(p: RoleTemplateParams): string {
  return [
    `# Backup governance policy push delegation for ${p.tenantName}: apply in management account ${p.managementAccountId}.\n`,
    PROVIDER,
    `resource "aws_organizations_resource_policy" "policy_push" {
  content = ${doc(policyPushDelegation(p.policyPushRole.accountId, p.partition))}
}
`,
  ].join("\n");
}
