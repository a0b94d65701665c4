import type { PlanRt, SimState, Unit } from "../engine/model";
import { addPlan, addPlanVersion, buildSelection, currentVersion } from "../engine/plans";
import { stableUuid } from "../world/ids";
import { plansFromEffective } from "./backup-policy";
import { mergePolicies } from "./policy-merge";
import { ancestors, policyLevels } from "./tree";

/** The account's effective backup policy, or undefined (type disabled or nothing attached). */
export function effectiveBackupPolicy(state: SimState, accountId: string): Record<string, unknown> | undefined {
  if (!state.org.enabledPolicyTypes.has("BACKUP_POLICY")) return undefined;
  return mergePolicies(policyLevels(state.org, accountId, "BACKUP_POLICY"));
}

/**
 * Brings every account's org-managed plans (ARN …:backup-plan:orgs/<id>) in line with its
 * effective policy, as AWS Backup does after a policy is created, updated, attached or detached:
 * new plans are created, changed ones get a new version, plans no longer in force are deleted.
 * `at` is when the change took effect; at build time each account uses its newest policy's date.
 */
export function materialiseOrgPlans(state: SimState, at?: number): void {
  for (const accountId of state.org.accountOrder) {
    const account = state.org.accounts.get(accountId);
    if (!account || account.state !== "ACTIVE") continue;
    const effective = effectiveBackupPolicy(state, accountId);
    const when = at ?? newestPolicyDate(state, accountId);
    const text = effective ? JSON.stringify(effective) : "";
    if (state.org.effectiveText.get(accountId) !== text) {
      state.org.effectiveText.set(accountId, text);
      state.org.effectiveUpdated.set(accountId, when);
    }
    for (const region of state.regions) {
      const unit = state.unitByKey.get(`${accountId}/${region}`) as Unit;
      reconcileUnit(state, unit, effective ? plansFromEffective(effective, accountId, region) : [], when);
    }
  }
  state.version++;
}

function reconcileUnit(state: SimState, unit: Unit, desired: ReturnType<typeof plansFromEffective>, at: number) {
  const existing = new Map<string, PlanRt>();
  for (const i of unit.plans) {
    const p = state.plans[i] as PlanRt;
    if (p.orgPlanName !== undefined && p.deleted === undefined) existing.set(p.orgPlanName, p);
  }
  for (const d of desired) {
    const fingerprint = JSON.stringify({ rules: d.rules, advanced: d.advanced });
    let plan = existing.get(d.name);
    existing.delete(d.name);
    if (plan && currentVersion(plan).fingerprint === fingerprint && sameSelections(plan, d.selections)) continue;
    if (!plan) {
      const id = `orgs/${stableUuid(state.seed, "orgplan", unit.accountId, unit.region, d.name, at)}`;
      plan = addPlan(state, unit, { id, name: d.name, created: at, orgPlanName: d.name });
    }
    if (currentFingerprint(plan) !== fingerprint) addPlanVersion(state, plan, at, d.rules, d.advanced);
    if (!sameSelections(plan, d.selections)) {
      plan.selections = [];
      for (const s of d.selections)
        buildSelection(
          state,
          plan,
          { ...s, id: stableUuid(state.seed, "orgsel", plan.id, s.name, JSON.stringify(s)) },
          at,
        );
    }
  }
  for (const gone of existing.values()) gone.deleted = at;
}

function currentFingerprint(plan: PlanRt): string | undefined {
  return plan.versions.length ? currentVersion(plan).fingerprint : undefined;
}

function sameSelections(plan: PlanRt, defs: ReturnType<typeof plansFromEffective>[number]["selections"]): boolean {
  if (plan.selections.length !== defs.length) return false;
  return defs.every((d) => {
    const s = plan.selections.find((x) => x.name === d.name);
    return (
      s !== undefined &&
      s.iamRoleArn === d.iam_role_arn &&
      JSON.stringify([
        s.resources,
        s.notResources,
        s.listOfTags,
        s.conditions.stringEquals,
        s.conditions.stringNotEquals,
        s.conditions.stringLike,
        s.conditions.stringNotLike,
      ]) ===
        JSON.stringify([
          d.resources,
          d.not_resources,
          d.list_of_tags,
          d.conditions.string_equals,
          d.conditions.string_not_equals,
          d.conditions.string_like,
          d.conditions.string_not_like,
        ])
    );
  });
}

function newestPolicyDate(state: SimState, accountId: string): number {
  let newest = -Infinity;
  for (const target of [...ancestors(state.org, accountId), accountId]) {
    for (const id of state.org.attachments.get(target) ?? [])
      newest = Math.max(newest, state.org.policies.get(id)?.created ?? -Infinity);
  }
  return Number.isFinite(newest) ? newest : state.now;
}
