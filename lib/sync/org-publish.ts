import type { DelegatedAdministrator, EffectiveBackupPolicy, OrgBackupPolicy, OrgUnit } from "@/lib/inventory/types";
import type { OrgTree } from "@/lib/aws/organizations.fetch";
import { executeAll, type Queryable } from "./bulk";
import { publishStatements } from "./row-sink";
import { tableSpec } from "./table-specs";
import {
  orgAccounts,
  orgDelegatedAdmins,
  orgEffectivePolicies,
  orgOrganizations,
  orgPolicies,
  orgUnits,
} from "@/db/schema";

// The organization's tables, replaced as a whole in the organization unit's publish transaction.

const TENANT = ["tenantId"] as const;
const json = (v: unknown) => JSON.stringify(v);

const organizationSpec = tableSpec<OrgTree["organization"]>()(orgOrganizations, {
  scope: TENANT,
  key: [],
  values: {
    organizationId: (o) => o.organizationId,
    arn: (o) => o.arn,
    featureSet: (o) => o.featureSet,
    managementAccountId: (o) => o.managementAccountId,
    managementAccountEmail: (o) => o.managementAccountEmail,
    rootId: (o) => o.rootId,
    enabledPolicyTypes: (o) => json(o.enabledPolicyTypes),
  },
});

const unitSpec = tableSpec<OrgUnit>()(orgUnits, {
  scope: TENANT,
  key: ["ouId"],
  values: {
    ouId: (u) => u.id,
    name: (u) => u.name,
    parentId: (u) => u.parentId,
    path: (u) => json(u.path),
  },
});

const accountSpec = tableSpec<OrgTree["accounts"][number]>()(orgAccounts, {
  scope: TENANT,
  key: ["accountId"],
  values: {
    accountId: (a) => a.accountId,
    name: (a) => a.name,
    email: (a) => a.email,
    state: (a) => a.state,
    parentId: (a) => a.parentId,
    ouPath: (a) => json(a.ouPath),
    joinedMethod: (a) => a.joinedMethod,
    joinedAt: (a) => a.joinedAt,
  },
});

const delegatedSpec = tableSpec<DelegatedAdministrator>()(orgDelegatedAdmins, {
  scope: TENANT,
  key: ["accountId"],
  values: {
    accountId: (d) => d.accountId,
    name: (d) => d.name,
    email: (d) => d.email,
    state: (d) => d.state,
    delegationEnabledAt: (d) => d.delegationEnabledAt,
  },
});

const policySpec = tableSpec<OrgBackupPolicy>()(orgPolicies, {
  scope: TENANT,
  key: ["policyId"],
  values: {
    policyId: (p) => p.policyId,
    arn: (p) => p.policyArn,
    name: (p) => p.name,
    description: (p) => p.description,
    awsManaged: (p) => p.awsManaged,
    content: (p) => p.content,
    targets: (p) => json(p.targets),
    targetPositions: (p) => json(p.targetPositions ?? []),
  },
});

const effectiveSpec = tableSpec<EffectiveBackupPolicy>()(orgEffectivePolicies, {
  scope: TENANT,
  key: ["accountId"],
  values: {
    accountId: (e) => e.accountId,
    content: (e) => e.content,
    lastUpdated: (e) => e.lastUpdated,
  },
});

/** Every spec the organization unit writes. */
export const ORG_SPECS = [organizationSpec, unitSpec, accountSpec, delegatedSpec, policySpec, effectiveSpec] as const;

/** The organization's tables. */
export const ORG_TABLES = ORG_SPECS.map((spec) => spec.table);

export interface OrgSnapshot {
  tree: OrgTree;
  delegated: DelegatedAdministrator[];
  policies: OrgBackupPolicy[];
  effective: EffectiveBackupPolicy[];
}

export async function publishOrganization(
  tx: Queryable,
  tenantId: string,
  s: OrgSnapshot,
): Promise<Record<string, number>> {
  const scope = [tenantId];
  const changes = await executeAll(tx, [
    ...publishStatements(organizationSpec, scope, [s.tree.organization], false),
    ...publishStatements(unitSpec, scope, s.tree.units),
    ...publishStatements(accountSpec, scope, s.tree.accounts),
    ...publishStatements(delegatedSpec, scope, s.delegated),
    ...publishStatements(policySpec, scope, s.policies),
    ...publishStatements(effectiveSpec, scope, s.effective),
  ]);
  return {
    changes,
    accounts: s.tree.accounts.length,
    ous: s.tree.units.filter((u) => u.parentId !== null).length,
    delegated_administrators: s.delegated.length,
    backup_policies: s.policies.length,
    effective_policies: s.effective.length,
  };
}
