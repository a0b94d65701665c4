import type {
  Account as SdkAccount,
  DelegatedAdministrator as SdkDelegatedAdministrator,
  EffectivePolicy,
  Organization as SdkOrganization,
  OrganizationalUnit,
  Policy,
  Root,
} from "@aws-sdk/client-organizations";
import {
  ACCOUNT_STATES,
  type Account,
  type AccountState,
  type DelegatedAdministrator,
  type EffectiveBackupPolicy,
  type Organization,
  type OrgBackupPolicy,
  type OrgUnit,
} from "@/lib/inventory/types";

// Pure mappers from Organizations SDK shapes to the domain model.

const date = (v: Date | undefined): Date | null => (v instanceof Date && !Number.isNaN(v.getTime()) ? v : null);

export function toOrganization(org: SdkOrganization, root: Root | undefined): Organization {
  return {
    organizationId: org.Id ?? "",
    arn: org.Arn ?? null,
    featureSet: org.FeatureSet ?? null,
    managementAccountId: org.MasterAccountId ?? "",
    managementAccountEmail: org.MasterAccountEmail ?? null,
    rootId: root?.Id ?? null,
    enabledPolicyTypes: (root?.PolicyTypes ?? [])
      .filter((p) => p.Status === "ENABLED")
      .map((p) => p.Type ?? "")
      .filter(Boolean),
  };
}

export function withRoot(org: Organization, root: Root | undefined): Organization {
  const fromRoot = toOrganization({}, root);
  return { ...org, rootId: fromRoot.rootId, enabledPolicyTypes: fromRoot.enabledPolicyTypes };
}

export function toRootUnit(root: Root): OrgUnit {
  return { id: root.Id ?? "", name: root.Name ?? "Root", parentId: null, path: [root.Id ?? ""] };
}

export function toOrgUnit(ou: OrganizationalUnit, parent: OrgUnit): OrgUnit {
  return { id: ou.Id ?? "", name: ou.Name ?? "", parentId: parent.id, path: [...parent.path, ou.Id ?? ""] };
}

/** `State` replaces `Status` (retired 9 September 2026); older answers carry only `Status`. */
export function accountStateOf(a: { State?: string; Status?: string }): AccountState {
  const s = a.State ?? a.Status ?? "ACTIVE";
  return (ACCOUNT_STATES as readonly string[]).includes(s) ? (s as AccountState) : "ACTIVE";
}

export function toAccount(a: SdkAccount, parent: OrgUnit): Account & { joinedMethod: string | null } {
  return {
    accountId: a.Id ?? "",
    name: a.Name ?? a.Id ?? "",
    email: a.Email ?? "",
    state: accountStateOf(a),
    parentId: parent.id,
    ouPath: [...parent.path],
    joinedAt: date(a.JoinedTimestamp),
    joinedMethod: a.JoinedMethod ?? null,
  };
}

export function toDelegatedAdministrator(d: SdkDelegatedAdministrator): DelegatedAdministrator {
  return {
    accountId: d.Id ?? "",
    name: d.Name ?? null,
    email: d.Email ?? null,
    state: d.State ?? d.Status ?? null,
    delegationEnabledAt: date(d.DelegationEnabledDate),
  };
}

export function toBackupPolicy(p: Policy, targets: string[]): OrgBackupPolicy {
  const s = p.PolicySummary;
  return {
    policyId: s?.Id ?? "",
    policyArn: s?.Arn ?? "",
    name: s?.Name ?? "",
    description: s?.Description ?? "",
    awsManaged: s?.AwsManaged ?? false,
    content: p.Content ?? "",
    targets,
  };
}

export function toEffectivePolicy(accountId: string, e: EffectivePolicy): EffectiveBackupPolicy {
  return {
    accountId: e.TargetId ?? accountId,
    content: e.PolicyContent ?? "",
    lastUpdated: date(e.LastUpdatedTimestamp),
  };
}
