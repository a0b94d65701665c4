// BK-15 (region ready), limited to what the four APIs we read can show:
// - every resource type in scope that has resources in the region is opted in (region settings);
// - every rule's target vault exists in the account and region, and an air-gapped target or a
//   copy destination in one of the tenant's accounts exists too;
// - every selection's IAM role is a role ARN of the plan's own account (an unsubstituted
//   "$account" or a foreign account is a defect) and no backup job in the region failed in the
//   look-back because of the role. We do not read IAM, so a role deleted since its last job is
//   only seen once a job fails; the reason says so.
import { z } from "zod";
import type { Evidence } from "@/lib/compliance/model/finding";
import { parseArn } from "@/lib/compliance/matching/arn";
import { defineControl, ev, finding, judge, subjects, unreadable } from "./control";

export const bk15Params = z
  .object({ roleFailureLookbackDays: z.number().int().min(1).max(90, "look-back is at most 90 days").default(7) })
  .strict();

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/;

export const bk15 = defineControl({
  id: "BK-15",
  title: "Region ready for backup",
  subjectTypes: ["account-region"],
  description:
    "Every resource type in scope present in the region is opted in, every rule's target vault exists, and every selection's IAM role is a role of the account with no role failures (IAM itself is not read).",
  remediation:
    "Opt the region in for every resource type that is present (AWS Backup Settings), create every vault the plan rules target, and give every selection an existing IAM role that AWS Backup can assume.",
  params: bk15Params,
  jobLookbackDays: (p) => p.roleFailureLookbackDays,
  evaluate(ctx, params, scope, emit) {
    const since = ctx.now.getTime() - params.roleFailureLookbackDays * 86_400_000;
    const tenantAccounts = new Set(ctx.snapshot.accounts.map((a) => a.accountId));
    for (const u of ctx.snapshot.units) {
      if (!scope.account(u.accountId) || !scope.region(u.region)) continue;
      const subject = subjects.unit(u.accountId, u.region);
      const unread = judge("BK-15", subject, ctx.unitState(u.accountId, u.region));
      if (unread) {
        emit(unread);
        continue;
      }
      const types = new Set(
        ctx
          .resourcesIn(u.accountId, u.region)
          .filter((r) => scope.resourceType(r.resourceType) && scope.tags(r.tags))
          .map((r) => r.resourceType),
      );
      const plans = ctx.plansIn(u.accountId, u.region);
      if (types.size === 0 && plans.length === 0) {
        emit(
          finding("BK-15", subject, "NOT_APPLICABLE", "no resources in scope and no backup plans in this region", [
            { kind: "unit", id: subject.id, details: { resourcesInScope: 0, backupPlans: 0 } },
          ]),
        );
        continue;
      }
      const problems: string[] = [];
      const evidence: Evidence[] = [];
      const settings = ctx.regionSettings(u.accountId, u.region);
      if (types.size > 0 && !settings) {
        emit(
          judge(
            "BK-15",
            subject,
            unreadable("region settings (resource type opt-in) were not read", [
              { kind: "region-setting", id: subject.id, details: { read: false, resourceTypes: [...types].sort() } },
            ]),
          )!,
        );
        continue;
      }
      for (const t of [...types].sort()) {
        const opted = settings!.resourceTypeOptIn[t] === true;
        evidence.push({ kind: "region-setting", id: `${u.accountId}/${u.region}/${t}`, details: { optedIn: opted } });
        if (!opted) problems.push(`${t} is not opted in`);
      }
      for (const plan of plans) {
        for (const rule of plan.rules) {
          const vault = ctx.vaultByName(u.accountId, u.region, rule.targetBackupVaultName);
          if (!vault) {
            problems.push(
              `rule ${rule.ruleName} of plan ${plan.planName} targets vault ${rule.targetBackupVaultName}, which does not exist here`,
            );
            evidence.push(ev.rule(plan, rule, { targetVaultExists: false }));
          }
          const others = [
            rule.targetLogicallyAirGappedBackupVaultArn,
            ...rule.copyActions.map((c) => c.destinationBackupVaultArn),
          ];
          for (const arn of others) {
            if (!arn) continue;
            const acct = parseArn(arn)?.accountId;
            if (acct && tenantAccounts.has(acct) && !ctx.vaultByArn(arn)) {
              problems.push(`rule ${rule.ruleName} of plan ${plan.planName} sends to ${arn}, which does not exist`);
              evidence.push(ev.rule(plan, rule, { missingVault: arn }));
            }
          }
        }
        for (const sel of plan.selections) {
          const m = ROLE_ARN.exec(sel.iamRoleArn);
          if (!m || m[1] !== u.accountId) {
            problems.push(
              `selection ${sel.selectionName} of plan ${plan.planName} uses role ${sel.iamRoleArn}, not a role of account ${u.accountId}`,
            );
            evidence.push({
              kind: "selection",
              id: `${plan.planArn}#${sel.selectionId}`,
              details: { iamRoleArn: sel.iamRoleArn },
            });
          }
        }
      }
      const roleFailures = ctx.facts
        .roleFailures(u.accountId, u.region)
        .filter((j) => j.creationDate.getTime() >= since);
      if (roleFailures.length > 0) {
        problems.push(
          `${roleFailures.length} backup job${roleFailures.length > 1 ? "s" : ""} failed on the IAM role (${roleFailures[0]!.statusMessage})`,
        );
        evidence.push(...roleFailures.slice(0, 5).map(ev.job));
      }
      if (problems.length > 0) {
        emit(
          finding(
            "BK-15",
            subject,
            "FAIL",
            problems.slice(0, 3).join("; ") + (problems.length > 3 ? ` (+${problems.length - 3} more)` : ""),
            evidence,
          ),
        );
        continue;
      }
      const ruleCount = plans.reduce((n, p) => n + p.rules.length, 0);
      emit(
        finding(
          "BK-15",
          subject,
          "PASS",
          `${types.size} resource type${types.size === 1 ? "" : "s"} opted in, ${ruleCount} rule target vault${ruleCount === 1 ? "" : "s"} exist, selection roles belong to the account with no role failures in ${params.roleFailureLookbackDays} days (IAM not read)`,
          evidence,
        ),
      );
    }
  },
});
