// The least privilege the sync needs, in one place: the onboarding page shows it as a policy to
// copy, error remedies name it, README lists it. Every action here is a read the sync makes.
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
  "backup:List*",
  "backup:Get*",
  "backup:Describe*",
  "tag:GetResources",
  "kms:DescribeKey",
  "kms:ListAliases",
  "iam:GetRole",
  "ram:ListResources",
  "ram:ListPrincipals",
] as const;

/** Management (or delegated administrator) role: the organization's tree and backup policies. */
export const MANAGEMENT_READ_ACTIONS = ["organizations:Describe*", "organizations:List*"] as const;

/** The member role's permissions policy (IAM JSON), as the onboarding page shows it. */
export function memberReadPolicy(): string {
  return JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [{ Sid: "BackupGovernanceRead", Effect: "Allow", Action: [...MEMBER_READ_ACTIONS], Resource: "*" }],
    },
    null,
    2,
  );
}
