import {
  DescribeEffectivePolicyCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListAccountsForParent,
  paginateListDelegatedAdministrators,
  paginateListOrganizationalUnitsForParent,
  paginateListPolicies,
  paginateListPoliciesForTarget,
  paginateListRoots,
  paginateListTargetsForPolicy,
  type OrganizationsClient,
  type Root,
} from "@aws-sdk/client-organizations";
import type {
  Account,
  DelegatedAdministrator,
  EffectiveBackupPolicy,
  Organization,
  OrgBackupPolicy,
  OrgUnit,
} from "@/lib/inventory/types";
import { mapLimit } from "./backup.fetch";
import { errorName, FailureError, isNotFound } from "./errors";
import {
  toAccount,
  toBackupPolicy,
  toDelegatedAdministrator,
  toEffectivePolicy,
  toOrganization,
  toOrgUnit,
  toRootUnit,
  withRoot,
} from "./organizations.adapter";

// Organizations reads from the management (or delegated administrator) account. The tree is
// walked with ListOrganizationalUnitsForParent + ListAccountsForParent (so every account comes
// with its OU path), breadth first, each parent's two lists in parallel; pages of 20 (the maximum).

const PAGE = 20;

export interface OrgTree {
  organization: Organization;
  units: OrgUnit[];
  accounts: Array<Account & { joinedMethod: string | null }>;
}

/** DescribeOrganization, checking that the account we reached really is the management account. */
export async function describeOrganization(
  client: OrganizationsClient,
  expectedManagementAccountId: string,
): Promise<Organization> {
  let org;
  try {
    org = (await client.send(new DescribeOrganizationCommand({}))).Organization;
  } catch (error) {
    if (errorName(error) === "AWSOrganizationsNotInUseException") {
      throw new FailureError({
        kind: "not_in_organization",
        message: `account ${expectedManagementAccountId} is not a member of an AWS Organization`,
        remedy:
          "Point this organization at the management account of an AWS Organization (or at a delegated administrator of it).",
        transient: false,
      });
    }
    throw error;
  }
  return toOrganization(org ?? {}, undefined);
}

/** Discovery of the whole tree; `onAccounts` sees each parent's accounts as soon as they are read. */
export async function walkOrganization(
  client: OrganizationsClient,
  organization: Organization,
  onAccounts?: (accounts: OrgTree["accounts"]) => void,
): Promise<OrgTree> {
  const roots: Root[] = [];
  for await (const page of paginateListRoots({ client, pageSize: PAGE }, {})) roots.push(...(page.Roots ?? []));
  const root = roots[0];
  const org = withRoot(organization, root);
  const units: OrgUnit[] = roots.map(toRootUnit);
  const accounts: OrgTree["accounts"] = [];
  let level = [...units];
  while (level.length) {
    const next: OrgUnit[] = [];
    await mapLimit(level, 4, async (parent) => {
      await Promise.all([
        (async () => {
          for await (const page of paginateListOrganizationalUnitsForParent(
            { client, pageSize: PAGE },
            { ParentId: parent.id },
          )) {
            for (const ou of page.OrganizationalUnits ?? []) next.push(toOrgUnit(ou, parent));
          }
        })(),
        (async () => {
          for await (const page of paginateListAccountsForParent({ client, pageSize: PAGE }, { ParentId: parent.id })) {
            const found = (page.Accounts ?? []).map((a) => toAccount(a, parent));
            accounts.push(...found);
            onAccounts?.(found);
          }
        })(),
      ]);
    });
    units.push(...next);
    level = next;
  }
  return { organization: org, units, accounts };
}

export async function listDelegatedAdministrators(client: OrganizationsClient): Promise<DelegatedAdministrator[]> {
  const out: DelegatedAdministrator[] = [];
  for await (const page of paginateListDelegatedAdministrators({ client, pageSize: PAGE }, {}))
    out.push(...(page.DelegatedAdministrators ?? []).map(toDelegatedAdministrator));
  return out;
}

/** BACKUP_POLICY policies with their documents, targets and place on each target. */
export async function listBackupPolicies(client: OrganizationsClient, concurrency = 4): Promise<OrgBackupPolicy[]> {
  const ids: string[] = [];
  for await (const page of paginateListPolicies({ client, pageSize: PAGE }, { Filter: "BACKUP_POLICY" }))
    for (const p of page.Policies ?? []) if (p.Id) ids.push(p.Id);
  const policies = await mapLimit(ids, concurrency, async (id) => {
    const [described, targets] = await Promise.all([
      client.send(new DescribePolicyCommand({ PolicyId: id })),
      (async () => {
        const t: string[] = [];
        for await (const page of paginateListTargetsForPolicy({ client, pageSize: PAGE }, { PolicyId: id }))
          for (const x of page.Targets ?? []) if (x.TargetId) t.push(x.TargetId);
        return t;
      })(),
    ]);
    return toBackupPolicy(described.Policy ?? {}, targets);
  });
  return withTargetPositions(client, policies, concurrency);
}

/**
 * Each policy's place among the backup policies of each of its targets. Policies on one target are
 * merged in attachment order (Organizations guide, "Inheritance examples", example 6); no API names
 * that order but ListPoliciesForTarget, so its order is taken as attachment order. It is asked only
 * of targets holding two or more backup policies: with one, the place is 0.
 */
async function withTargetPositions(
  client: OrganizationsClient,
  policies: OrgBackupPolicy[],
  concurrency: number,
): Promise<OrgBackupPolicy[]> {
  const count = new Map<string, number>();
  for (const p of policies) for (const t of p.targets) count.set(t, (count.get(t) ?? 0) + 1);
  const shared = [...count].filter(([, n]) => n > 1).map(([t]) => t);
  const order = new Map<string, string[]>();
  await mapLimit(shared, concurrency, async (target) => {
    const ids: string[] = [];
    for await (const page of paginateListPoliciesForTarget(
      { client, pageSize: PAGE },
      { TargetId: target, Filter: "BACKUP_POLICY" },
    ))
      for (const p of page.Policies ?? []) if (p.Id) ids.push(p.Id);
    order.set(target, ids);
  });
  return policies.map((p) => ({
    ...p,
    targetPositions: p.targets.map((t) => Math.max(0, order.get(t)?.indexOf(p.policyId) ?? 0)),
  }));
}

/** The account's effective backup policy, or null when none applies (EffectivePolicyNotFoundException). */
export async function describeEffectiveBackupPolicy(
  client: OrganizationsClient,
  accountId: string,
): Promise<EffectiveBackupPolicy | null> {
  try {
    const out = await client.send(
      new DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: accountId }),
    );
    return out.EffectivePolicy ? toEffectivePolicy(accountId, out.EffectivePolicy) : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
