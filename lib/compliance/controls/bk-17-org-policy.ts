// BK-17: each (account, region) is covered by an Organizations backup policy (one of the named
// policies, when names are given) and the org-managed plans AWS materialised there match the
// account's effective policy. Plans created by hand are noted, not failed: they are the third
// leg of the three-way drift, shown beside intent and materialisation.
// Coverage by name: an effective plan counts when a counted policy attached to the account, one
// of its OUs or the root defines a plan of that name (DescribeEffectivePolicy does not say which
// policy contributed a plan).
import { z } from "zod";
import type { Evidence } from "@/lib/compliance/model/finding";
import { diffPlan, parseBackupPolicy, policyPlanNames } from "@/lib/compliance/org/backup-policy";
import { deleteAfterDays } from "@/lib/compliance/retention/retention";
import { defineControl, finding, subjects } from "./control";

export const bk17Params = z
  .object({ policyNames: z.array(z.string().min(1, "policy name must not be empty").max(128)).default([]) })
  .strict();

export const bk17 = defineControl({
  id: "BK-17",
  title: "Covered by an Organizations backup policy, without drift",
  subjectTypes: ["account-region"],
  description: "An Organizations backup policy covers the account and region, and the org-managed plans there match the account's effective policy.",
  params: bk17Params,
  evaluate(ctx, params, scope, emit) {
    const snap = ctx.snapshot;
    const effective = snap.effectiveBackupPolicies ? new Map(snap.effectiveBackupPolicies.map((e) => [e.accountId, e])) : null;
    const counted = (snap.orgBackupPolicies ?? []).filter((p) => params.policyNames.length === 0 || params.policyNames.includes(p.name));
    const countedPlans = counted.map((p) => ({ policy: p, targets: new Set(p.targets), plans: new Set(policyPlanNames(p.content)) }));
    for (const u of snap.units) {
      if (!scope.account(u.accountId) || !scope.region(u.region)) continue;
      const subject = subjects.unit(u.accountId, u.region);
      const account = ctx.account(u.accountId);
      if (account && account.state !== "ACTIVE") {
        emit(finding("BK-17", subject, "NOT_APPLICABLE", `account ${u.accountId} is ${account.state.toLowerCase()}`, []));
        continue;
      }
      const state = ctx.unitState(u.accountId, u.region);
      if (!state.usable) {
        emit(finding("BK-17", subject, state.skipped ? "NOT_APPLICABLE" : "ERROR", state.reason, [state.evidence]));
        continue;
      }
      if (!effective || !snap.orgBackupPolicies) {
        emit(finding("BK-17", subject, "ERROR", "Organizations backup policies were not read", []));
        continue;
      }
      const plans = ctx.plansIn(u.accountId, u.region);
      const handMade = plans.filter((p) => !p.orgManaged);
      const orgPlans = plans.filter((p) => p.orgManaged);
      const note = handMade.length ? `; ${handMade.length} hand-made plan${handMade.length > 1 ? "s" : ""} (${handMade.map((p) => p.planName).join(", ")}) also present` : "";
      const evidence: Evidence[] = [
        ...handMade.map((p): Evidence => ({ kind: "plan", id: p.planArn, details: { name: p.planName, orgManaged: false, handMade: true } })),
      ];
      const eff = effective.get(u.accountId);
      if (!eff) {
        emit(finding("BK-17", subject, "FAIL", `no Organizations backup policy applies to account ${u.accountId}${note}`, evidence));
        continue;
      }
      evidence.unshift({ kind: "effective-policy", id: u.accountId, details: { lastUpdated: eff.lastUpdated?.toISOString() ?? null, characters: eff.content.length } });
      const parsed = parseBackupPolicy(eff.content);
      if (!parsed.ok) {
        emit(finding("BK-17", subject, "ERROR", `effective policy of ${u.accountId}: ${parsed.error}`, evidence));
        continue;
      }
      const here = parsed.plans.filter((p) => p.regions.includes(u.region));
      if (here.length === 0) {
        emit(finding("BK-17", subject, "FAIL", `the effective backup policy has no plan for ${u.region}${note}`, evidence));
        continue;
      }
      const chain = new Set([...(account?.ouPath ?? []), u.accountId]);
      const countedHere = here.filter((pp) => countedPlans.some((c) => c.plans.has(pp.name) && [...c.targets].some((t) => chain.has(t))));
      for (const c of countedPlans) if ([...c.targets].some((t) => chain.has(t))) evidence.push({ kind: "org-policy", id: c.policy.policyArn, details: { name: c.policy.name, plans: [...c.plans] } });
      if (countedHere.length === 0) {
        emit(finding("BK-17", subject, "FAIL", `plans ${here.map((p) => p.name).join(", ")} for ${u.region} come from no counted policy (${params.policyNames.join(", ")})${note}`, evidence));
        continue;
      }
      const drift: string[] = [];
      for (const intent of here) {
        const mat = orgPlans.find((p) => p.planName === intent.name);
        if (!mat) {
          drift.push(`plan ${intent.name} is not materialised`);
          continue;
        }
        evidence.push({ kind: "plan", id: mat.planArn, details: { name: mat.planName, orgManaged: true, versionId: mat.versionId } });
        const rules = mat.rules.map((r) => ({
          ruleName: r.ruleName,
          scheduleExpression: r.scheduleExpression,
          targetBackupVaultName: r.targetBackupVaultName,
          deleteAfterDays: deleteAfterDays(r.lifecycle),
          coldAfterDays: r.lifecycle?.moveToColdStorageAfterDays ?? null,
          continuous: r.enableContinuousBackup,
          copyDestinations: r.copyActions.map((c) => c.destinationBackupVaultArn),
        }));
        drift.push(...diffPlan(intent, rules, u.accountId, u.region).map((d) => `plan ${intent.name}: ${d}`));
      }
      for (const mat of orgPlans) {
        if (!here.some((p) => p.name === mat.planName)) drift.push(`org-managed plan ${mat.planName} is not in the effective policy`);
      }
      if (drift.length > 0) {
        emit(finding("BK-17", subject, "FAIL", `drift from the effective policy: ${drift.slice(0, 3).join("; ")}${drift.length > 3 ? ` (+${drift.length - 3} more)` : ""}${note}`, evidence));
        continue;
      }
      emit(finding("BK-17", subject, "PASS", `covered by ${countedHere.map((p) => p.name).join(", ")}, materialised without drift${note}`, evidence));
    }
  },
});
