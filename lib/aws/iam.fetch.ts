import { GetRoleCommand, type IAMClient } from "@aws-sdk/client-iam";
import type { AwsFactory, CallCounter } from "./client-factory";
import { CredentialChain, type TenantRoles } from "./credentials";
import { classifyCallError, errorName, FailureError } from "./errors";
import { roleNameOf, roleTrustFromGetRole, type RoleTrust } from "./iam.adapter";

// Whether a role exists in an account and trusts AWS Backup, read with IAM GetRole through the
// credential chain the sync uses (the product → the tenant's management role → the member role of
// the account). NoSuchEntity is a fact (the role is missing); AccessDenied says the member role
// may not read IAM; anything else (the role chain refused, throttling or 5xx past the retries,
// no network) is reported as what kept the product from knowing, never thrown.

const firstLine = (error: unknown) =>
  ((error as { message?: string } | undefined)?.message ?? String(error)).split("\n")[0]!.slice(0, 300);

export async function readRoleTrust(client: IAMClient, roleArn: string): Promise<RoleTrust> {
  const name = roleNameOf(roleArn);
  if (!name) return { outcome: "unreadable", detail: `${roleArn} is not an IAM role ARN` };
  try {
    return roleTrustFromGetRole((await client.send(new GetRoleCommand({ RoleName: name }))).Role);
  } catch (error) {
    if (errorName(error) === "NoSuchEntity" || errorName(error) === "NoSuchEntityException")
      return { outcome: "not-found" };
    const f = classifyCallError(error, { operation: "GetRole" });
    if (f.kind === "access_denied")
      return { outcome: "access-denied", detail: `${errorName(error)}: ${firstLine(error)}` };
    return { outcome: "unreadable", detail: f.message };
  }
}

export type RoleTrustReader = (accountId: string, roleArn: string) => Promise<RoleTrust>;

/**
 * getRoleTrust(accountId, roleArn) for one tenant: the management session is asked for once (a
 * product without access to the organization learns it once, not per account), each member
 * session once per account.
 */
export function roleTrustReader(factory: AwsFactory, roles: TenantRoles, counter?: CallCounter): RoleTrustReader {
  const chain = new CredentialChain(factory, roles, counter);
  let management: Promise<string | null> | null = null;
  const managementProblem = () =>
    (management ??= chain.managementCredentials().then(
      () => null,
      (error: unknown) => reason(error),
    ));
  return async (accountId, roleArn) => {
    const refused = await managementProblem();
    if (refused) return { outcome: "unreadable", detail: refused };
    let creds;
    try {
      creds = await chain.memberCredentials(accountId, counter);
    } catch (error) {
      return { outcome: "unreadable", detail: reason(error) };
    }
    return readRoleTrust(factory.iam(accountId, creds, counter), roleArn);
  };
}

function reason(error: unknown): string {
  return error instanceof FailureError ? error.failure.message : classifyCallError(error, {}).message;
}
