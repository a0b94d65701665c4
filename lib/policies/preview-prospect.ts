// The inventory as it would be once AWS has applied a change: the last snapshot with, in each
// account whose effective policy changes, the org-managed plans reconciled with the new effective
// policy (AWS Backup re-materialises them when the effective policy changes, and leaves an account
// whose effective policy is the same alone), the effective policy AWS would report, the policies
// and attachments Organizations would hold, and the account's new place for a move. Everything
// else (resources, vaults, recovery points, jobs, hand-made plans) is as last read.
import type { StreamedSnapshot } from "@/lib/compliance/engine/evaluate-stream";
import type { Account, BackupPlan, EffectiveBackupPolicy, OrgBackupPolicy } from "@/lib/inventory/types";
import type { ManagedPolicyIntent } from "./drift-diff";
import type { JsonObject } from "./parse";
import { materialisePolicyPlans, reconcileOrgPlans } from "./plan-materialize";

export interface AccountProspect {
  accountId: string;
  /** The effective policy after the change; null when none applies. */
  after: JsonObject | null;
  /** Whether it differs from the one before (only then does AWS touch the account's plans). */
  changed: boolean;
  ouPathAfter: readonly string[];
}

/** Same JSON, key order aside (the merge may order keys differently from AWS). */
export function sameDocument(a: JsonObject | null, b: JsonObject | null): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : typeof v === "object" && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * `orgPolicies`: the Organizations backup policies as they would be (null keeps what was read);
 * `pushed`: the version the push would make the intent of its managed policy (BK-17 compares each
 * managed policy's last pushed version with what AWS holds); `at`: when AWS would apply it all.
 */
export function buildProspectiveSnapshot(
  snapshot: StreamedSnapshot,
  prospects: readonly AccountProspect[],
  orgPolicies: readonly OrgBackupPolicy[] | null,
  at: Date,
  pushed?: Omit<ManagedPolicyIntent, "pushedAt" | "awsReadSincePush">,
): StreamedSnapshot {
  const byAccount = new Map(prospects.map((p) => [p.accountId, p]));
  const active = new Set(snapshot.accounts.filter((a) => a.state === "ACTIVE").map((a) => a.accountId));
  // AWS Backup works only in active accounts; a suspended account keeps what it had.
  const rematerialise = new Set(prospects.filter((p) => p.changed && active.has(p.accountId)).map((p) => p.accountId));

  const plans: BackupPlan[] = snapshot.plans.filter((p) => !rematerialise.has(p.accountId));
  for (const u of snapshot.units) {
    if (!rematerialise.has(u.accountId)) continue;
    const effective = byAccount.get(u.accountId)!.after;
    const desired = effective ? materialisePolicyPlans(effective, u.accountId, u.region) : [];
    const existing = snapshot.plans.filter((p) => p.accountId === u.accountId && p.region === u.region);
    plans.push(...reconcileOrgPlans(existing, desired, u));
  }
  // Plans of units the snapshot has no unit for (never the case for a synced unit) are kept as read.
  const unitKeys = new Set(snapshot.units.map((u) => `${u.accountId}|${u.region}`));
  for (const p of snapshot.plans)
    if (rematerialise.has(p.accountId) && !unitKeys.has(`${p.accountId}|${p.region}`)) plans.push(p);
  // The engine streams account by account and relies on this order.
  plans.sort(
    (a, b) =>
      a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.planId.localeCompare(b.planId),
  );

  let effective: EffectiveBackupPolicy[] | null = snapshot.effectiveBackupPolicies
    ? [...snapshot.effectiveBackupPolicies]
    : null;
  if (effective) {
    for (const p of prospects) {
      if (!p.changed) continue;
      effective = effective.filter((e) => e.accountId !== p.accountId);
      if (p.after) effective.push({ accountId: p.accountId, content: JSON.stringify(p.after), lastUpdated: at });
    }
    effective.sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  const accounts: Account[] = snapshot.accounts.map((a) => {
    const p = byAccount.get(a.accountId);
    if (!p || p.ouPathAfter.join("/") === a.ouPath.join("/")) return a;
    return { ...a, ouPath: [...p.ouPathAfter], parentId: p.ouPathAfter[p.ouPathAfter.length - 1] ?? a.parentId };
  });

  // Always a new list: BK-17 keeps its drift comparison per list, and the old one was judged against the old policies.
  const intents = (snapshot.managedBackupPolicies ?? []).filter((i) => i.policyId !== pushed?.policyId);
  if (pushed) intents.push({ ...pushed, pushedAt: at, awsReadSincePush: true });

  return {
    ...snapshot,
    accounts,
    plans,
    effectiveBackupPolicies: effective,
    orgBackupPolicies: snapshot.orgBackupPolicies === null ? null : (orgPolicies ?? snapshot.orgBackupPolicies),
    managedBackupPolicies: intents,
  };
}
