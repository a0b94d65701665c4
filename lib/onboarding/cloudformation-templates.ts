import {
  managementPermissions,
  memberPermissions,
  policyPushDelegation,
  policyPushPermissions,
  type PolicyDocument,
} from "@/lib/aws/read-permissions";
import type { RoleTemplateParams } from "./role-template-input";
import { managementTrustPolicy, memberTrustPolicy } from "./trust-policies";

// CloudFormation (JSON, which CloudFormation reads as it reads YAML) for the roles the sync assumes,
// trusted as trust-policies.ts says. Property names follow AWS's resource specification;
// tests/unit/onboarding/ checks them against it.

type Template = Record<string, unknown>;

export const STACK_SET_NAME = "BackupGovernanceMemberRole";

const managementTrust = (p: RoleTemplateParams) => managementTrustPolicy(p.principalArn, p.externalId);
const memberTrust = (p: RoleTemplateParams) => memberTrustPolicy(p.managementRole.arn);

function role(p: RoleTemplateParams, name: string, path: string, trust: object, policy: PolicyDocument, what: string) {
  return {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: name,
      Path: path,
      Description: `Backup governance (${p.tenantName}): ${what}`.slice(0, 1000),
      AssumeRolePolicyDocument: trust,
      Policies: [{ PolicyName: policy.Statement[0]!.Sid, PolicyDocument: policy }],
    },
  };
}

function memberRole(p: RoleTemplateParams) {
  return role(p, p.memberRoleName, "/", memberTrust(p), memberPermissions(), "read-only member role");
}

/**
 * For the account of the management role ARN: the management read role and, when that is the
 * management account, its member role too, since a service-managed stack set never deploys to the
 * management account (CloudFormation API reference, DeploymentTargets).
 */
export function managementRoleStack(p: RoleTemplateParams): Template {
  const resources: Record<string, unknown> = {
    ManagementReadRole: role(
      p,
      p.managementRole.name,
      p.managementRole.path,
      managementTrust(p),
      managementPermissions(),
      "reads the organization and its backup policies",
    ),
  };
  if (p.roleAccountId === p.managementAccountId)
    resources.MemberReadRole = { ...memberRole(p), DependsOn: "ManagementReadRole" };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Backup governance read role for ${p.tenantName}: deploy in account ${p.roleAccountId}.`,
    Resources: resources,
    Outputs: { ManagementReadRoleArn: { Value: { "Fn::GetAtt": ["ManagementReadRole", "Arn"] } } },
  };
}

/** The template the stack set deploys into each account. */
export function memberRoleTemplate(p: RoleTemplateParams): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Backup governance read-only member role for ${p.tenantName}.`,
    Resources: { MemberReadRole: memberRole(p) },
  };
}

/**
 * For the management account: a service-managed stack set putting the member role in every account
 * of the targets, new ones included. The targets are a parameter, so the template works before the
 * product has read the organization's root (its default once it has).
 */
export function memberStackSetStack(p: RoleTemplateParams): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Backup governance member roles for ${p.tenantName}: deploy in management account ${p.managementAccountId} after the read role.`,
    Parameters: {
      DeploymentTargets: {
        Type: "CommaDelimitedList",
        Description:
          "The organization's root id (r-...) or the OU ids (ou-...-...) whose accounts get the member role.",
        ...(p.deploymentTargets.length ? { Default: p.deploymentTargets.join(",") } : {}),
      },
    },
    Resources: {
      MemberRoleStackSet: {
        Type: "AWS::CloudFormation::StackSet",
        Properties: {
          StackSetName: STACK_SET_NAME,
          Description: `Backup governance read-only member role (${p.tenantName})`.slice(0, 1024),
          PermissionModel: "SERVICE_MANAGED",
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          Capabilities: ["CAPABILITY_NAMED_IAM"],
          StackInstancesGroup: [
            { DeploymentTargets: { OrganizationalUnitIds: { Ref: "DeploymentTargets" } }, Regions: [p.stackSetRegion] },
          ],
          TemplateBody: JSON.stringify(memberRoleTemplate(p), null, 2),
        },
      },
    },
  };
}

/**
 * Optional: a role of its own for the policy push, trusted like the read role and holding only the
 * push's Organizations actions, so the read role stays read-only.
 */
export function policyPushStack(p: RoleTemplateParams): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Backup governance policy push role for ${p.tenantName} (optional): deploy in account ${p.policyPushRole.accountId}.`,
    Resources: {
      PolicyPushRole: role(
        p,
        p.policyPushRole.name,
        p.policyPushRole.path,
        managementTrust(p),
        policyPushPermissions(),
        "pushes backup policies to AWS Organizations",
      ),
    },
    Outputs: { PolicyPushRoleArn: { Value: { "Fn::GetAtt": ["PolicyPushRole", "Arn"] } } },
  };
}

/**
 * For the management account, when the push role lives in another account: the organization's
 * delegation policy letting that account make the push's calls on backup policies. An
 * organization has one delegation policy: deploying this replaces any other (see the instructions).
 */
export function policyPushDelegationStack(p: RoleTemplateParams): Template {
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Backup governance policy push delegation for ${p.tenantName}: deploy in management account ${p.managementAccountId}.`,
    Resources: {
      PolicyPushDelegation: {
        Type: "AWS::Organizations::ResourcePolicy",
        // An object, not a string: CloudFormation detects drift only on an object (its reference).
        Properties: { Content: policyPushDelegation(p.policyPushRole.accountId, p.partition) },
      },
    },
    Outputs: { PolicyPushDelegationArn: { Value: { "Fn::GetAtt": ["PolicyPushDelegation", "Arn"] } } },
  };
}
