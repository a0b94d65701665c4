// BK-12 (storage limitation): no rule, copy action or recovery point keeps data longer than the
// maximum. "Never expires" fails — Steampipe's PR #314 treated it as OK; for a maximum it is the
// worst case. A copy action without its own lifecycle inherits the rule's.
import { z } from "zod";
import type { Evidence } from "@/lib/compliance/model/finding";
import { copyRetention, describeRetention, ruleRetention } from "@/lib/compliance/lifecycle";
import { defineControl, ev, finding, judge, subjects } from "./control";
import {
  BASIS,
  pointEvidence,
  pointRetention,
  pointSubject,
  retentionReasonCache,
  screenRecoveryPoint,
} from "./recovery-point-scope";

const reason = retentionReasonCache();

export const bk12Params = z
  .object({ maxRetentionDays: z.number().int().min(1, "maximum retention is at least 1 day").max(36500).default(2555) })
  .strict();

export const bk12 = defineControl({
  id: "BK-12",
  title: "Maximum retention (storage limitation)",
  subjectTypes: ["plan-rule", "recovery-point"],
  description:
    'No backup rule, copy action or recovery point keeps data longer than the maximum; "never expires" fails.',
  remediation:
    "Lower the retention of the rule, copy action or recovery points to at most the allowed days, so personal data is not kept longer than needed. Points already taken keep their lifecycle until changed on each point.",
  params: bk12Params,
  evaluate(ctx, params, scope, emit) {
    const max = params.maxRetentionDays;
    for (const plan of ctx.snapshot.plans) {
      if (!scope.account(plan.accountId) || !scope.region(plan.region)) continue;
      const state = ctx.unitState(plan.accountId, plan.region);
      for (const rule of plan.rules) {
        const subject = subjects.rule(plan, rule);
        const unread = judge("BK-12", subject, state);
        if (unread) {
          emit(unread);
          continue;
        }
        const own = ruleRetention(rule);
        const problems: string[] = [];
        const evidence: Evidence[] = [ev.rule(plan, rule, { retentionDays: own.days })];
        if (own.days === null || own.days > max)
          problems.push(`rule ${rule.ruleName} keeps recovery points ${describeRetention(own)}`);
        for (const c of rule.copyActions) {
          const cr = copyRetention(rule, c);
          evidence.push({
            kind: "copy-action",
            id: `${plan.planArn}#${rule.ruleId}#${c.destinationBackupVaultArn}`,
            details: { destination: c.destinationBackupVaultArn, retentionDays: cr.days, basis: cr.basis },
          });
          if (cr.days === null || cr.days > max) {
            problems.push(
              `its copy to ${c.destinationBackupVaultArn} keeps ${describeRetention(cr)}${cr.basis === "inherited-rule-lifecycle" ? " (inherited)" : ""}`,
            );
          }
        }
        emit(
          problems.length > 0
            ? finding("BK-12", subject, "FAIL", `${problems.join("; ")}; at most ${max} days allowed`, evidence)
            : finding(
                "BK-12",
                subject,
                "PASS",
                `rule ${rule.ruleName} keeps recovery points ${describeRetention(own)}${rule.copyActions.length ? " and copies within the limit" : ""}; at most ${max} days`,
                evidence,
              ),
        );
      }
    }
  },
  evaluateRecoveryPoint(rp, ctx, params, scope) {
    const s = screenRecoveryPoint("BK-12", rp, ctx, scope);
    if (s !== "evaluate") return s;
    const r = pointRetention(rp);
    const ok = r.days !== null && r.days <= params.maxRetentionDays;
    const text = reason(
      r,
      params.maxRetentionDays,
      () =>
        `recovery point kept ${describeRetention(r)}${BASIS[r.basis]}; at most ${params.maxRetentionDays} days allowed`,
    );
    return finding("BK-12", pointSubject(rp), ok ? "PASS" : "FAIL", text, pointEvidence(rp));
  },
});
