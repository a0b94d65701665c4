import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { TenantRoles } from "@/lib/aws/credentials";
import { classifyCallError, FailureError } from "@/lib/aws/errors";
import { describeOrganization, walkOrganization, type OrgTree } from "@/lib/aws/organizations.fetch";

// Which accounts a tenant's sync covers: every account of the organization the entry role reaches
// (its tree walked through the management account or a delegated administrator), each in every
// region of the tenant. The sync's organization unit and "Test connection" both read it here.

/** DescribeOrganization (checking it is the tenant's organization), then the whole tree. */
export async function readOrganizationTree(client: OrganizationsClient, t: TenantRoles): Promise<OrgTree> {
  const organization = await describeOrganization(client, t.managementAccountId);
  if (organization.managementAccountId !== t.managementAccountId) {
    throw new FailureError({
      kind: "not_management",
      message: `account ${t.managementAccountId} is not the management account of organization ${organization.organizationId} (AWS says its management account is ${organization.managementAccountId})`,
      remedy:
        "Set the organization's management account ID to the one AWS reports, and the role ARN to a role in that account (or in a delegated administrator account).",
      transient: false,
    });
  }
  return walkOrganization(client, organization).catch((error: unknown) => {
    throw notAnAdministrator(error, t) ?? error;
  });
}

/**
 * Organizations answers its reads only to the management account and to a delegated administrator
 * (DescribeOrganization answers anyone, so the refusal comes with the tree): when the role is in
 * another account, that is the likelier cause than a missing permission, and the remedy differs.
 */
function notAnAdministrator(error: unknown, t: TenantRoles): FailureError | null {
  const roleAccount = /:iam::(\d{12}):role\//.exec(t.managementRoleArn)?.[1];
  if (!roleAccount || roleAccount === t.managementAccountId) return null;
  const f = error instanceof FailureError ? error.failure : classifyCallError(error, {});
  if (f.kind !== "access_denied") return null;
  return new FailureError({
    kind: "access_denied",
    message: `AWS Organizations refused its reads to account ${roleAccount}, the role's account, which is neither the management account (${t.managementAccountId}) nor, it seems, a delegated administrator of the organization (${f.message})`,
    remedy: `Register account ${roleAccount} as a delegated administrator (for AWS Backup, or for AWS Organizations with a resource-based delegation policy allowing the reads), or set the role ARN to a role in the management account.`,
    transient: false,
  });
}
