// What a change does to each account's effective policy, from what the last sync stored: which
// accounts it reaches, and their chain of attached policies before and after. Two changes: a
// version of a managed policy attached to its targets (replacing the policy's current content and
// attachments, as the push does), and an account moved under another parent.
import { computeEffectivePolicy, type EffectivePolicyResult } from "./effective";
import { buildPolicyChain, type AttachedPolicy, type PolicyChain } from "./effective-check";

export interface OrgModel {
  rootId: string | null;
  backupPoliciesEnabled: boolean;
  /** Root and OUs, each with its path from the root (inclusive). */
  units: ReadonlyArray<{ id: string; name: string; path: readonly string[] }>;
  accounts: ReadonlyArray<{ accountId: string; name: string; state: string; ouPath: readonly string[] }>;
  policies: ReadonlyArray<AttachedPolicy & { name: string }>;
}

/** Stands for a policy AWS has not created yet (the first push of a managed policy). */
export const NEW_POLICY_ID = "(new policy)";

export interface ChainSide {
  chain: PolicyChain;
  effective: EffectivePolicyResult;
}

export interface AccountChains {
  accountId: string;
  name: string;
  state: string;
  ouPathBefore: readonly string[];
  ouPathAfter: readonly string[];
  before: ChainSide;
  after: ChainSide;
}

export type TargetKind = "root" | "ou" | "account";

export function targetKind(id: string): TargetKind {
  return id.startsWith("r-") ? "root" : id.startsWith("ou-") ? "ou" : "account";
}

/** Accounts whose chain (root, OUs, account) contains one of `targets`. */
export function accountsUnder(org: OrgModel, targets: readonly string[]): string[] {
  const set = new Set(targets);
  return org.accounts.filter((a) => set.has(a.accountId) || a.ouPath.some((id) => set.has(id))).map((a) => a.accountId);
}

/**
 * The stored policies with `policyId`'s content and attachments replaced: the push updates the
 * content in place (UpdatePolicy keeps the policy's place on targets it stays on) and attaches it
 * to new targets last (AttachPolicy appends; policies on a target merge in attachment order).
 */
export function replacePolicy(
  policies: OrgModel["policies"],
  p: { policyId: string | null; name: string; content: string; targets: readonly string[] },
): OrgModel["policies"] {
  const id = p.policyId ?? NEW_POLICY_ID;
  const old = policies.find((x) => x.policyId === id);
  const others = policies.filter((x) => x.policyId !== id);
  const positionsKnown = (x: AttachedPolicy) => x.targetPositions.length === x.targets.length;
  const targetPositions = p.targets.map((t) => {
    if (old && positionsKnown(old) && old.targets.includes(t)) return old.targetPositions[old.targets.indexOf(t)]!;
    let last = -1;
    for (const x of others)
      if (x.targets.includes(t) && positionsKnown(x)) last = Math.max(last, x.targetPositions[x.targets.indexOf(t)]!);
    return last + 1;
  });
  return [...others, { policyId: id, name: p.name, content: p.content, targets: [...p.targets], targetPositions }];
}

function side(path: readonly string[], policies: OrgModel["policies"], enabled: boolean): ChainSide {
  const chain = buildPolicyChain(path, policies);
  // Documents the sync read were accepted by AWS; the version's was checked when it was stored.
  return { chain, effective: computeEffectivePolicy(enabled ? chain.levels : []) };
}

/** Each account `targets` (before or after) reach, with its chain before and after the version is pushed. */
export function versionChains(
  org: OrgModel,
  change: { policyId: string | null; name: string; content: string; targets: readonly string[] },
): { accounts: AccountChains[]; policiesAfter: OrgModel["policies"] } {
  const current = change.policyId ? org.policies.find((p) => p.policyId === change.policyId) : undefined;
  const reached = new Set([...accountsUnder(org, change.targets), ...accountsUnder(org, current?.targets ?? [])]);
  const policiesAfter = replacePolicy(org.policies, change);
  const accounts = org.accounts
    .filter((a) => reached.has(a.accountId))
    .map((a) => {
      const path = [...a.ouPath, a.accountId];
      // The push enables BACKUP_POLICY on the root when it is not.
      return {
        accountId: a.accountId,
        name: a.name,
        state: a.state,
        ouPathBefore: a.ouPath,
        ouPathAfter: a.ouPath,
        before: side(path, org.policies, org.backupPoliciesEnabled),
        after: side(path, policiesAfter, true),
      };
    });
  return { accounts, policiesAfter };
}

/** The account's chain before and after it moves under `targetParentId` (the root or an OU); null when either is unknown. */
export function moveChains(org: OrgModel, accountId: string, targetParentId: string): AccountChains | null {
  const a = org.accounts.find((x) => x.accountId === accountId);
  const parent = org.units.find((u) => u.id === targetParentId);
  if (!a || !parent) return null;
  return {
    accountId,
    name: a.name,
    state: a.state,
    ouPathBefore: a.ouPath,
    ouPathAfter: parent.path,
    before: side([...a.ouPath, accountId], org.policies, org.backupPoliciesEnabled),
    after: side([...parent.path, accountId], org.policies, org.backupPoliciesEnabled),
  };
}
