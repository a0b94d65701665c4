// BK-02 (Audit Manager BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK): a plan passes when
// at least one rule runs at least as often as required (worst-case gap of its cron, so a
// weekday-only rule is 72 h) and keeps recovery points at least the required days
// ("never expires" keeps them longer than any minimum). Continuous backup is continuous.
import { z } from "zod";
import type { BackupPlan, BackupRule } from "@/lib/inventory/types";
import { analyseSchedule } from "@/lib/compliance/schedule/schedule-interval";
import { cadenceWord, describeRetention, ruleRetention } from "@/lib/compliance/lifecycle";
import type { Evidence } from "@/lib/compliance/model/finding";
import { defineControl, ev, finding, judge, subjects, toHours, unreadable } from "./control";

export const bk02Params = z
  .object({
    frequencyUnit: z.enum(["hours", "days"]).default("days"),
    frequencyValue: z.number().int().min(1, "frequency must be at least 1").default(1),
    requiredRetentionDays: z.number().int().min(0, "retention must not be negative").default(35),
  })
  .strict()
  .superRefine((p, c) => {
    const max = p.frequencyUnit === "hours" ? 24 : 31;
    if (p.frequencyValue > max) {
      c.addIssue({
        code: "custom",
        path: ["frequencyValue"],
        message: `frequency is at most ${max} ${p.frequencyUnit}`,
      });
    }
  });

const hours = (min: number) => `${Math.round((min / 60) * 10) / 10} h`;

interface RuleVerdict {
  rule: BackupRule;
  ok: boolean;
  error: string | null;
  problem: string | null;
  evidence: Evidence;
  summary: string;
}

function judgeRule(
  plan: BackupPlan,
  rule: BackupRule,
  now: Date,
  requiredMinutes: number,
  requiredDays: number,
): RuleVerdict {
  const sched = analyseSchedule(
    rule.scheduleExpression,
    rule.scheduleExpressionTimezone,
    rule.enableContinuousBackup,
    now,
  );
  const retention = ruleRetention(rule);
  const keeps = describeRetention(retention);
  if (!sched.ok) {
    return {
      rule,
      ok: false,
      error: `rule ${rule.ruleName}: cannot interpret schedule (${sched.error})`,
      problem: null,
      evidence: ev.rule(plan, rule, { scheduleError: sched.error }),
      summary: "",
    };
  }
  const cadence = cadenceWord(sched.worstCaseMinutes);
  const evidence = ev.rule(plan, rule, {
    worstCaseIntervalHours: sched.worstCaseMinutes / 60,
    retentionDays: retention.days,
    scheduleSummary: sched.summary,
  });
  const problems: string[] = [];
  if (sched.worstCaseMinutes > requiredMinutes) {
    const worst = Number.isFinite(sched.worstCaseMinutes)
      ? `runs at most ${hours(sched.worstCaseMinutes)} apart`
      : "never runs again";
    problems.push(
      `rule ${rule.ruleName} ${worst} (${rule.scheduleExpression}); every ${hours(requiredMinutes)} required`,
    );
  }
  if (retention.days !== null && retention.days < requiredDays) {
    problems.push(`${cadence} rule ${rule.ruleName} keeps recovery points ${keeps}; ${requiredDays} required`);
  }
  return {
    rule,
    ok: problems.length === 0,
    error: null,
    problem: problems.length ? problems.join("; ") : null,
    evidence,
    summary: `${cadence} rule ${rule.ruleName} (worst case ${hours(sched.worstCaseMinutes)}) keeps recovery points ${keeps}`,
  };
}

export const bk02 = defineControl({
  id: "BK-02",
  title: "Backup plan minimum frequency and minimum retention",
  subjectTypes: ["plan"],
  description:
    "At least one rule of the plan backs up at least as often as required (worst case of its schedule) and keeps recovery points at least the required days.",
  remediation:
    "Edit the plan's rules so that at least one rule runs as often as required and keeps recovery points at least the required number of days (lifecycle DeleteAfterDays). For plans pushed by an Organizations backup policy, change the policy, not the plan.",
  params: bk02Params,
  evaluate(ctx, params, scope, emit) {
    const requiredMinutes = toHours(params.frequencyUnit, params.frequencyValue) * 60;
    for (const plan of ctx.snapshot.plans) {
      if (!scope.account(plan.accountId) || !scope.region(plan.region)) continue;
      const subject = subjects.plan(plan);
      const unread = judge("BK-02", subject, ctx.unitState(plan.accountId, plan.region));
      if (unread) {
        emit(unread);
        continue;
      }
      if (plan.rules.length === 0) {
        emit(finding("BK-02", subject, "FAIL", `plan ${plan.planName} has no rules`, [ev.plan(plan)]));
        continue;
      }
      const verdicts = plan.rules.map((r) =>
        judgeRule(plan, r, ctx.now, requiredMinutes, params.requiredRetentionDays),
      );
      const good = verdicts.find((v) => v.ok);
      const evidence = [ev.plan(plan), ...verdicts.map((v) => v.evidence)];
      if (good) {
        emit(
          finding(
            "BK-02",
            subject,
            "PASS",
            `${good.summary}; meets every ${hours(requiredMinutes)} / ${params.requiredRetentionDays} days`,
            evidence,
          ),
        );
        continue;
      }
      const errored = verdicts.find((v) => v.error);
      const firstProblem = verdicts.find((v) => v.problem);
      // An uninterpretable rule might be the one that passes: say so rather than guess.
      if (errored) {
        emit(judge("BK-02", subject, unreadable(errored.error!, evidence))!);
        continue;
      }
      const more = verdicts.length > 1 ? ` (no rule of ${verdicts.length} meets both)` : "";
      emit(finding("BK-02", subject, "FAIL", `${firstProblem!.problem}${more}`, evidence));
    }
  },
});
