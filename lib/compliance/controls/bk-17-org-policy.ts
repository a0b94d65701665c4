// BK-17: each (account, region) is covered by an Organizations backup policy (one of the named
// policies, when names are given), no policy the product manages has drifted there (its content,
// or where it is attached, changed in AWS outside the product since its last push), and the
// org-managed plans AWS materialised there match the account's effective policy. Plans created by
// hand are noted, not failed: they are the third leg of the three-way drift, shown beside intent
// and materialisation.
// Coverage by name: an effective plan counts when a counted policy attached to the account, one
// of its OUs or the root defines a plan of that name (DescribeEffectivePolicy does not say which
// policy contributed a plan).
import { z } from "zod";
import type { Evidence } from "@/lib/compliance/model/finding";
import { materialisationDrift, parseBackupPolicy, policyPlanNames } from "@/lib/compliance/org/backup-policy";
import type { OrgBackupPolicy } from "@/lib/inventory/types";
import {
  chainDrift,
  comparePolicy,
  type ChainDrift,
  type ManagedPolicyIntent,
  type PolicyDrift,
} from "@/lib/policies/drift-diff";
import { defineControl, finding, judge, subjects, unreadable } from "./control";

export const bk17Params = z
  .object({ policyNames: z.array(z.string().min(1, "policy name must not be empty").max(128)).default([]) })
  .strict();

export const bk17 = defineControl({
  id: "BK-17",
  title: "Covered by an Organizations backup policy, without drift",
  subjectTypes: ["account-region"],
  description:
    "An Organizations backup policy covers the account and region, no policy the product manages was changed in AWS outside it, and the org-managed plans there match the account's effective policy.",
  remediation:
    "Attach an Organizations backup policy that covers the account and region; for drift, re-push the product's version of the policy or adopt the change in AWS as a new version (Policies → Drift).",
  params: bk17Params,
  evaluate(ctx, params, scope, emit) {
    const snap = ctx.snapshot;
    const effective = snap.effectiveBackupPolicies
      ? new Map(snap.effectiveBackupPolicies.map((e) => [e.accountId, e]))
      : null;
    const counted = (snap.orgBackupPolicies ?? []).filter(
      (p) => params.policyNames.length === 0 || params.policyNames.includes(p.name),
    );
    const countedPlans = counted.map((p) => ({
      policy: p,
      targets: new Set(p.targets),
      plans: new Set(policyPlanNames(p.content)),
    }));
    const managed = managedDrift(snap.managedBackupPolicies, snap.orgBackupPolicies);
    for (const u of snap.units) {
      if (!scope.account(u.accountId) || !scope.region(u.region)) continue;
      const subject = subjects.unit(u.accountId, u.region);
      const account = ctx.account(u.accountId);
      if (account && account.state !== "ACTIVE") {
        emit(
          finding("BK-17", subject, "NOT_APPLICABLE", `account ${u.accountId} is ${account.state.toLowerCase()}`, [
            { kind: "unit", id: subject.id, details: { accountName: account.name, accountState: account.state } },
          ]),
        );
        continue;
      }
      const unread = judge("BK-17", subject, ctx.unitState(u.accountId, u.region));
      if (unread) {
        emit(unread);
        continue;
      }
      if (!effective || !snap.orgBackupPolicies) {
        emit(
          judge(
            "BK-17",
            subject,
            unreadable("Organizations backup policies were not read", [
              {
                kind: "org-policy",
                id: "organization",
                details: {
                  policiesRead: snap.orgBackupPolicies !== null,
                  effectivePoliciesRead: snap.effectiveBackupPolicies !== null,
                },
              },
            ]),
          )!,
        );
        continue;
      }
      const plans = ctx.plansIn(u.accountId, u.region);
      const handMade = plans.filter((p) => !p.orgManaged);
      const orgPlans = plans.filter((p) => p.orgManaged);
      const note = handMade.length
        ? `; ${handMade.length} hand-made plan${handMade.length > 1 ? "s" : ""} (${handMade.map((p) => p.planName).join(", ")}) also present`
        : "";
      const evidence: Evidence[] = [
        ...handMade.map((p): Evidence => ({
          kind: "plan",
          id: p.planArn,
          details: { name: p.planName, orgManaged: false, handMade: true },
        })),
      ];
      const eff = effective.get(u.accountId);
      if (eff)
        evidence.unshift({
          kind: "effective-policy",
          id: u.accountId,
          details: { lastUpdated: eff.lastUpdated?.toISOString() ?? null, characters: eff.content.length },
        });
      const chainIds = [...(account?.ouPath ?? []), u.accountId];
      const drifted = managed.length ? chainDrift(chainIds, u.region, managed) : [];
      if (drifted.length > 0) {
        evidence.push(...drifted.map(driftEvidence));
        emit(
          finding(
            "BK-17",
            subject,
            "FAIL",
            `changed in AWS outside the product: ${drifted.map((d) => d.reason).join("; ")}${note}`,
            evidence,
          ),
        );
        continue;
      }
      if (!eff) {
        emit(
          finding(
            "BK-17",
            subject,
            "FAIL",
            `no Organizations backup policy applies to account ${u.accountId}${note}`,
            evidence,
          ),
        );
        continue;
      }
      const parsed = parseBackupPolicy(eff.content);
      if (!parsed.ok) {
        emit(judge("BK-17", subject, unreadable(`effective policy of ${u.accountId}: ${parsed.error}`, evidence))!);
        continue;
      }
      const here = parsed.plans.filter((p) => p.regions.includes(u.region));
      if (here.length === 0) {
        emit(
          finding("BK-17", subject, "FAIL", `the effective backup policy has no plan for ${u.region}${note}`, evidence),
        );
        continue;
      }
      const chain = new Set(chainIds);
      const countedHere = here.filter((pp) =>
        countedPlans.some((c) => c.plans.has(pp.name) && [...c.targets].some((t) => chain.has(t))),
      );
      for (const c of countedPlans)
        if ([...c.targets].some((t) => chain.has(t)))
          evidence.push({
            kind: "org-policy",
            id: c.policy.policyArn,
            details: { name: c.policy.name, plans: [...c.plans] },
          });
      if (countedHere.length === 0) {
        emit(
          finding(
            "BK-17",
            subject,
            "FAIL",
            `plans ${here.map((p) => p.name).join(", ")} for ${u.region} come from no counted policy (${params.policyNames.join(", ")})${note}`,
            evidence,
          ),
        );
        continue;
      }
      for (const intent of here) {
        const mat = orgPlans.find((p) => p.planName === intent.name);
        if (mat)
          evidence.push({
            kind: "plan",
            id: mat.planArn,
            details: { name: mat.planName, orgManaged: true, versionId: mat.versionId },
          });
      }
      const drift = materialisationDrift(here, orgPlans, u.accountId, u.region);
      if (drift.length > 0) {
        emit(
          finding(
            "BK-17",
            subject,
            "FAIL",
            `drift from the effective policy: ${drift.slice(0, 3).join("; ")}${drift.length > 3 ? ` (+${drift.length - 3} more)` : ""}${note}`,
            evidence,
          ),
        );
        continue;
      }
      emit(
        finding(
          "BK-17",
          subject,
          "PASS",
          `covered by ${countedHere.map((p) => p.name).join(", ")}, materialised without drift${note}`,
          evidence,
        ),
      );
    }
  },
});

type ManagedDrift = Array<{ intent: ManagedPolicyIntent; drift: PolicyDrift; awsTargets: readonly string[] }>;
const managedCache = new WeakMap<readonly ManagedPolicyIntent[], ManagedDrift>();

/**
 * The product's own policies, each compared with what AWS held at the read: once per snapshot, not
 * once per account (the streamed evaluation calls BK-17 account by account on the same lists).
 */
function managedDrift(
  intents: readonly ManagedPolicyIntent[] | undefined,
  aws: readonly OrgBackupPolicy[] | null,
): ManagedDrift {
  if (!intents?.length || !aws) return [];
  const cached = managedCache.get(intents);
  if (cached) return cached;
  const byId = new Map(aws.map((p) => [p.policyId, p]));
  const out = intents.map((intent) => {
    const now = byId.get(intent.awsPolicyId);
    return { intent, drift: comparePolicy(intent, now, true), awsTargets: now?.targets ?? [] };
  });
  managedCache.set(intents, out);
  return out;
}

function driftEvidence(d: ChainDrift): Evidence {
  return {
    kind: "org-policy",
    id: d.intent.awsPolicyId,
    details: {
      name: d.intent.name,
      managedBy: "backup-governance",
      intendedVersion: d.intent.version,
      status: d.drift.status,
      paths: d.drift.differences.map((x) => x.path),
      attachedOutside: d.drift.attachedOutside,
      detachedOutside: d.drift.detachedOutside,
    },
  };
}
