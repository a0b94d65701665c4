import type { DelegatedAdministrator, EffectiveBackupPolicy, OrgBackupPolicy, OrgUnit } from "@/lib/inventory/types";
import type { OrgTree } from "@/lib/aws/organizations.fetch";
import { executeAll, type Queryable } from "./bulk";
import { publishStatements } from "./row-sink";
import type { TableSpec } from "./table-specs";

// The organization's tables, replaced as a whole in the organization unit's publish transaction.

const TENANT = ["tenant_id"] as const;
const json = (v: unknown) => JSON.stringify(v);

const organizationSpec: TableSpec<OrgTree["organization"]> = {
  table: "org_organizations",
  scope: TENANT,
  key: [],
  columns: [
    ["organization_id", "text"],
    ["arn", "text"],
    ["feature_set", "text"],
    ["management_account_id", "text"],
    ["management_account_email", "text"],
    ["root_id", "text"],
    ["enabled_policy_types", "text[]"],
  ],
  values: (o) => [
    o.organizationId,
    o.arn,
    o.featureSet,
    o.managementAccountId,
    o.managementAccountEmail,
    o.rootId,
    json(o.enabledPolicyTypes),
  ],
};

const unitSpec: TableSpec<OrgUnit> = {
  table: "org_units",
  scope: TENANT,
  key: [["ou_id", "text"]],
  columns: [
    ["name", "text"],
    ["parent_id", "text"],
    ["path", "text[]"],
  ],
  values: (u) => [u.id, u.name, u.parentId, json(u.path)],
};

const accountSpec: TableSpec<OrgTree["accounts"][number]> = {
  table: "org_accounts",
  scope: TENANT,
  key: [["account_id", "text"]],
  columns: [
    ["name", "text"],
    ["email", "text"],
    ["state", "text"],
    ["parent_id", "text"],
    ["ou_path", "text[]"],
    ["joined_method", "text"],
    ["joined_at", "timestamptz"],
  ],
  values: (a) => [a.accountId, a.name, a.email, a.state, a.parentId, json(a.ouPath), a.joinedMethod, a.joinedAt],
};

const delegatedSpec: TableSpec<DelegatedAdministrator> = {
  table: "org_delegated_admins",
  scope: TENANT,
  key: [["account_id", "text"]],
  columns: [
    ["name", "text"],
    ["email", "text"],
    ["state", "text"],
    ["delegation_enabled_at", "timestamptz"],
  ],
  values: (d) => [d.accountId, d.name, d.email, d.state, d.delegationEnabledAt],
};

const policySpec: TableSpec<OrgBackupPolicy> = {
  table: "org_policies",
  scope: TENANT,
  key: [["policy_id", "text"]],
  columns: [
    ["arn", "text"],
    ["name", "text"],
    ["description", "text"],
    ["aws_managed", "bool"],
    ["content", "text"],
    ["targets", "text[]"],
    ["target_positions", "int4[]"],
  ],
  values: (p) => [
    p.policyId,
    p.policyArn,
    p.name,
    p.description,
    p.awsManaged,
    p.content,
    json(p.targets),
    json(p.targetPositions ?? []),
  ],
};

const effectiveSpec: TableSpec<EffectiveBackupPolicy> = {
  table: "org_effective_policies",
  scope: TENANT,
  key: [["account_id", "text"]],
  columns: [
    ["content", "text"],
    ["last_updated", "timestamptz"],
  ],
  values: (e) => [e.accountId, e.content, e.lastUpdated],
};

/** The organization's tables. */
export const ORG_TABLES = [organizationSpec, unitSpec, accountSpec, delegatedSpec, policySpec, effectiveSpec].map(
  (spec) => spec.table,
);

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
