import { DescribeRegionSettingsCommand, ListBackupPlansCommand, ListBackupVaultsCommand } from "@aws-sdk/client-backup";
import { ListPoliciesCommand } from "@aws-sdk/client-organizations";
import { mapLimit } from "@/lib/aws/backup.fetch";
import { AwsFactory, type AwsSettings } from "@/lib/aws/client-factory";
import { checkTenantRoles, CredentialChain } from "@/lib/aws/credentials";
import { classifyCallError, delegationMissing, errorName, FailureError, needsDelegation } from "@/lib/aws/errors";
import type { OrgTree } from "@/lib/aws/organizations.fetch";
import { clock } from "@/lib/clock";
import type { TenantForSync } from "@/lib/sync/context";
import { readOrganizationTree } from "@/lib/sync/org-scope";
import {
  CHECK_ACTIONS,
  checkOfError,
  disabledRegionCell,
  failed,
  OK,
  optInCheck,
  skipped,
  suspendedCell,
  unassumableCell,
  type CheckResult,
  type ConnectionAccount,
  type ConnectionCell,
  type ConnectionTestResult,
  type RoleCheck,
} from "./connection-checks";

// "Test connection": every role the tenant's sync and push assume, in every account and region
// the sync covers, probed with the cheapest call of each kind (one item a page). Nothing is
// written to AWS. Its own AWS client factory: few attempts and short timeouts (a person is
// waiting), and no session outlives the test. Results hold ARNs, ids and AWS's error codes,
// never credentials or the ExternalId.

export interface TestConnectionOptions {
  /** Accounts probed at once (each probes its regions side by side). */
  accountConcurrency?: number;
  requestTimeoutMs?: number;
}

export async function testConnection(
  tenant: TenantForSync,
  aws: AwsSettings,
  options: TestConnectionOptions = {},
): Promise<ConnectionTestResult> {
  // A malformed ARN or account id never reaches AWS: the caller shows the FailureError as it is.
  checkTenantRoles(tenant);
  const started = performance.now();
  const factory = new AwsFactory({
    ...aws,
    maxAttempts: 2,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    maxInFlight: 32,
  });
  try {
    const chain = new CredentialChain(factory, tenant);
    const [entry, policyPush] = await Promise.all([
      entryCheck(factory, chain, tenant),
      tenant.policyPushRoleArn ? policyPushCheck(factory, tenant, tenant.policyPushRoleArn) : null,
    ]);
    const accounts = entry.tree
      ? await mapLimit(entry.tree.accounts, options.accountConcurrency ?? 8, (a) =>
          testAccount(factory, chain, tenant, a),
        )
      : [];
    return {
      ranAt: clock.now().toISOString(),
      durationMs: Math.round(performance.now() - started),
      regions: [...tenant.regions],
      entry: entry.check,
      policyPush,
      accounts,
    };
  } finally {
    factory.destroy();
  }
}

/** The management (or delegated administrator) role: assume it, then list the organization's accounts. */
async function entryCheck(
  factory: AwsFactory,
  chain: CredentialChain,
  tenant: TenantForSync,
): Promise<{ check: RoleCheck; tree: OrgTree | null }> {
  const roleArn = tenant.managementRoleArn;
  try {
    await chain.managementCredentials();
  } catch (error) {
    return {
      check: {
        roleArn,
        assume: checkOfError(error, { operation: "AssumeRole", roleArn }),
        read: skipped("the role could not be assumed"),
      },
      tree: null,
    };
  }
  try {
    const tree = await readOrganizationTree(factory.organizations(chain.managementProvider, tenant.tenantId), tenant);
    return { check: { roleArn, assume: OK, read: OK }, tree };
  } catch (error) {
    // The walk fails on whichever of its reads came first; the SDK's error does not say which.
    const read = checkOfError(error, {
      operation: "reading the organization's accounts",
      roleArn,
      action:
        "organizations:ListRoots, organizations:ListOrganizationalUnitsForParent and organizations:ListAccountsForParent",
    });
    return { check: { roleArn, assume: OK, read }, tree: null };
  }
}

/**
 * The policy push's own role: assume it (same ExternalId), then one ListPolicies of backup
 * policies, as the push starts. Nothing is written, so for a role outside the management account
 * this read is what can be verified of the delegation the push needs: a refusal there means the
 * management account's delegation policy does not reach the role (or is missing), and the advice
 * says to deploy it. A delegated administrator of another service may read without it, so a pass
 * there does not prove the writes are delegated.
 */
async function policyPushCheck(factory: AwsFactory, tenant: TenantForSync, roleArn: string): Promise<RoleCheck> {
  const chain = new CredentialChain(factory, { ...tenant, managementRoleArn: roleArn });
  try {
    await chain.managementCredentials();
  } catch (error) {
    return {
      roleArn,
      assume: checkOfError(error, { operation: "AssumeRole", roleArn }),
      read: skipped("the role could not be assumed"),
    };
  }
  try {
    await factory
      .organizations(chain.managementProvider, `${tenant.tenantId}|push`, undefined, 2)
      .send(new ListPoliciesCommand({ Filter: "BACKUP_POLICY", MaxResults: 1 }));
    return { roleArn, assume: OK, read: OK };
  } catch (error) {
    const read =
      errorName(error) === "AccessDeniedException" && needsDelegation(roleArn, tenant.managementAccountId)
        ? failed(delegationMissing(roleArn, tenant.managementAccountId, "ListPolicies"), errorName(error))
        : checkOfError(error, { operation: "ListPolicies", roleArn, action: "organizations:ListPolicies" });
    return { roleArn, assume: OK, read };
  }
}

async function testAccount(
  factory: AwsFactory,
  chain: CredentialChain,
  tenant: TenantForSync,
  a: OrgTree["accounts"][number],
): Promise<ConnectionAccount> {
  const memberRoleArn = chain.memberRoleArn(a.accountId);
  const row = { accountId: a.accountId, name: a.name, state: a.state, memberRoleArn };
  // The sync skips accounts that are not ACTIVE (AWS serves them nothing): so does the test.
  if (a.state !== "ACTIVE") return { ...row, cells: tenant.regions.map(suspendedCell) };
  let assume: CheckResult = OK;
  try {
    await chain.memberCredentials(a.accountId);
  } catch (error) {
    assume = checkOfError(error, { operation: "AssumeRole", roleArn: memberRoleArn });
  }
  if (assume.status === "fail") return { ...row, cells: tenant.regions.map((r) => unassumableCell(r, assume)) };
  const cells = await Promise.all(
    tenant.regions.map((region) => testRegion(factory, chain, a.accountId, region, memberRoleArn)),
  );
  chain.forget(a.accountId);
  return { ...row, cells };
}

async function testRegion(
  factory: AwsFactory,
  chain: CredentialChain,
  accountId: string,
  region: string,
  roleArn: string,
): Promise<ConnectionCell> {
  const backup = factory.backup(accountId, region, chain.memberProvider(accountId));
  try {
    const probe = async (check: keyof typeof CHECK_ACTIONS, call: () => Promise<unknown>): Promise<CheckResult> => {
      try {
        await call();
        return OK;
      } catch (error) {
        const action = CHECK_ACTIONS[check];
        return checkOfError(error, { operation: action.split(":")[1]!, region, roleArn, action });
      }
    };
    // First call doubles as the region probe, as in the sync: in a region the account has not
    // enabled, AWS refuses the session's token itself.
    let optIn: CheckResult;
    try {
      const settings = await backup.send(new DescribeRegionSettingsCommand({}));
      optIn = optInCheck(settings.ResourceTypeOptInPreference ?? {}, region, accountId);
    } catch (error) {
      const f = error instanceof FailureError ? error.failure : classifyCallError(error, { region });
      if (f.kind === "region_disabled") return disabledRegionCell(region, errorName(error));
      optIn = checkOfError(error, {
        operation: "DescribeRegionSettings",
        region,
        roleArn,
        action: CHECK_ACTIONS.optIn,
      });
    }
    const [plans, vaults] = await Promise.all([
      probe("plans", () => backup.send(new ListBackupPlansCommand({ MaxResults: 1 }))),
      probe("vaults", () => backup.send(new ListBackupVaultsCommand({ MaxResults: 1 }))),
    ]);
    return { region, checks: { assume: OK, region: OK, optIn, plans, vaults } };
  } finally {
    factory.release(accountId, region);
  }
}
