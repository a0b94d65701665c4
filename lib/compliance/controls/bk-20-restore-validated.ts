// BK-20 (restore validated): the resource was restored within the look-back and the restore's
// validation SUCCEEDED (ValidationStatus, which restore testing or a PutRestoreValidationResult
// after a hand-run restore sets). A completed restore without validation, or whose validation
// failed, timed out or is still running, shows only that data came back, not that it works, so
// it does not count; the reason says which. Per resource, like BK-13's resource granularity.
import { z } from "zod";
import type { RestoreRef } from "@/lib/compliance/facts/resource-facts";
import { defineControl, ev, finding, formatDay, subjects } from "./control";
import { forEachResource } from "./resource-scope";

const DAY_MS = 86_400_000;

export const bk20Params = z
  .object({
    lookbackDays: z
      .number()
      .int()
      .min(1, "look-back is at least 1 day")
      .max(730, "look-back is at most 730 days")
      .default(180),
  })
  .strict();

function validationOutcome(r: RestoreRef): string {
  switch (r.validationStatus) {
    case "FAILED":
      return "the validation failed";
    case "TIMED_OUT":
      return "the validation timed out";
    case "VALIDATING":
      return "the validation is still running";
    case null:
      return "the validation was not run";
    default:
      return `the validation is ${r.validationStatus}`;
  }
}

const how = (r: RestoreRef) => (r.restoreTestingPlanArn ? "restore-tested" : "restored");

export const bk20 = defineControl({
  id: "BK-20",
  title: "Restore validated",
  subjectTypes: ["resource"],
  description:
    "A restore of the resource within the look-back whose validation succeeded; restores without validation, or whose validation failed or timed out, do not count.",
  remediation:
    "Validate restores, not only run them: give the resource type a restore testing plan with a validation (an EventBridge rule that checks the restored resource and calls PutRestoreValidationResult), or after a hand-run restore check the data and record the result with PutRestoreValidationResult. Fix whatever made a validation fail, then restore and validate again.",
  params: bk20Params,
  evaluate(ctx, params, scope, emit) {
    const since = ctx.now.getTime() - params.lookbackDays * DAY_MS;
    const within = (r: RestoreRef) => r.completionDate.getTime() >= since;
    forEachResource(ctx, "BK-20", scope, emit, (r) => {
      const f = ctx.facts.resource(r.resourceArn);
      const validated = f?.latestValidatedRestore ?? null;
      const latest = f?.latestCompletedRestore ?? null;
      const subject = subjects.resource(r);
      if (validated && within(validated)) {
        emit(
          finding(
            "BK-20",
            subject,
            "PASS",
            `${how(validated)} on ${formatDay(validated.completionDate)} and the validation succeeded`,
            [ev.resource(r), ev.restore(validated)],
          ),
        );
        return;
      }
      const lastValidated = validated ? `; last validated restore on ${formatDay(validated.completionDate)}` : "";
      const reason =
        latest && within(latest)
          ? `${how(latest)} on ${formatDay(latest.completionDate)} but ${validationOutcome(latest)}${lastValidated}`
          : `no restore in the last ${params.lookbackDays} days${lastValidated || (latest ? `; last restored on ${formatDay(latest.completionDate)}` : "")}`;
      const evidence = [ev.resource(r)];
      for (const x of [latest, validated])
        if (x && !evidence.some((e) => e.id === x.restoreJobId)) evidence.push(ev.restore(x));
      emit(finding("BK-20", subject, "FAIL", reason, evidence));
    });
  },
});
