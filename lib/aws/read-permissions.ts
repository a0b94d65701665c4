// The least privilege the product needs, in one place: the onboarding page and the role templates
// (lib/onboarding/) grant exactly these, error remedies name them, README lists them. Each action
// is one the code calls; tests/integration/onboarding/sync-actions.test.ts runs a sync against the
// simulator and fails when the operations it calls and these lists differ, and
// tests/unit/aws/read-permissions.test.ts checks every name against AWS's service authorization
// data. STS AssumeRole is not here: it is the trust side (who may assume), not a permission.
//
// KMS: the sync reads who manages each vault's key (BK-16) with kms:DescribeKey and
// kms:ListAliases, nothing else. DescribeKey is also checked against the key's own key policy
// ("kms:DescribeKey (key policy)"), so a customer-managed key in another account is described
// only if that key's policy admits the vault's account; AWS-managed keys admit kms:Describe* and
// kms:List* to every principal of their account that IAM allows (KMS API reference, DescribeKey
// and ListAliases "Required permissions").
//
// RAM: whom each vault is shared with (BK-19, break-glass restore) with ram:ListResources and
// ram:ListPrincipals, owner SELF only. A role without them still syncs; the shares read as unknown.
//
// IAM: a backup policy's pre-flight reads, in each target account, the role its selections name
// with iam:GetRole (whether it exists and its trust policy lets backup.amazonaws.com assume it);
// nothing else of IAM.

/** Member role, in every account: AWS Backup, the Tagging API, the vault keys' managers, the vaults' RAM shares and the backup roles. */
export const MEMBER_READ_ACTIONS = [
  "backup:DescribeBackupVault",
  "backup:DescribeGlobalSettings",
  "backup:DescribeRegionSettings",
  "backup:GetBackupPlan",
  "backup:GetBackupSelection",
  "backup:GetBackupVaultAccessPolicy",
  "backup:GetBackupVaultNotifications",
  "backup:ListBackupJobs",
  "backup:ListBackupPlanVersions",
  "backup:ListBackupPlans",
  "backup:ListBackupSelections",
  "backup:ListBackupVaults",
  "backup:ListCopyJobs",
  "backup:ListProtectedResources",
  "backup:ListRecoveryPointsByBackupVault",
  "backup:ListRestoreJobs",
  "backup:ListRestoreTestingPlans",
  "backup:ListScanJobs",
  "tag:GetResources",
  "kms:DescribeKey",
  "kms:ListAliases",
  "iam:GetRole",
  "ram:ListResources",
  "ram:ListPrincipals",
] as const;

/** Management (or delegated administrator) role: the organization's tree and backup policies. */
export const MANAGEMENT_READ_ACTIONS = [
  "organizations:DescribeEffectivePolicy",
  "organizations:DescribeOrganization",
  "organizations:DescribePolicy",
  "organizations:ListAccountsForParent",
  "organizations:ListDelegatedAdministrators",
  "organizations:ListOrganizationalUnitsForParent",
  "organizations:ListPolicies",
  "organizations:ListPoliciesForTarget",
  "organizations:ListRoots",
  "organizations:ListTargetsForPolicy",
] as const;

/**
 * Backup policy push (optional), on the management role it runs as (lib/aws/organizations.push.ts):
 * the reads it makes to compare, and the writes it makes to apply.
 */
export const POLICY_PUSH_ACTIONS = [
  "organizations:AttachPolicy",
  "organizations:CreatePolicy",
  "organizations:DescribePolicy",
  "organizations:DetachPolicy",
  "organizations:EnablePolicyType",
  "organizations:ListPolicies",
  "organizations:ListPoliciesForTarget",
  "organizations:ListRoots",
  "organizations:ListTagsForResource",
  "organizations:ListTargetsForPolicy",
  "organizations:TagResource",
  "organizations:UpdatePolicy",
] as const;

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: "*" }[];
}

/** An identity policy allowing `actions` on every resource (these APIs take no resource ARNs to narrow to). */
export function permissionsPolicy(sid: string, actions: readonly string[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: [...actions], Resource: "*" }] };
}

export const memberPermissions = () => permissionsPolicy("BackupGovernanceRead", MEMBER_READ_ACTIONS);
export const managementPermissions = () =>
  permissionsPolicy("BackupGovernanceOrganizationRead", MANAGEMENT_READ_ACTIONS);
export const policyPushPermissions = () => permissionsPolicy("BackupGovernancePolicyPush", POLICY_PUSH_ACTIONS);

export interface DelegationDocument {
  Version: "2012-10-17";
  Statement: {
    Sid: string;
    Effect: "Allow";
    Principal: { AWS: string };
    Action: string[];
    Resource: "*";
    Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_POLICY" } };
  }[];
}

/**
 * The management account's resource-based delegation policy (Organizations PutResourcePolicy) for a
 * push role in another account: Organizations refuses a member account's policy calls unless this
 * policy allows them, whatever the role's own IAM policy says (User Guide, "Delegated administrator
 * for AWS Organizations"). It names exactly the push's actions, for any principal of that account
 * (the push role's IAM policy narrows it to the role), and only for backup policies: every push
 * action but ListRoots carries organizations:PolicyType, and `IfExists` lets ListRoots, which has
 * no policy type, through, as AWS's "manage an organization's backup policies" example writes it.
 */
export function policyPushDelegation(accountId: string, partition = "aws"): DelegationDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BackupGovernancePolicyPush",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [...POLICY_PUSH_ACTIONS],
        Resource: "*",
        Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_POLICY" } },
      },
    ],
  };
}

/** The member role's permissions policy (IAM JSON), as the onboarding page shows it. */
export function memberReadPolicy(): string {
  return JSON.stringify(memberPermissions(), null, 2);
}
