// BK-09 (Audit Manager BACKUP_LAST_RECOVERY_POINT_CREATED): the newest usable recovery point
// (any vault, copies included) is younger than the RPO; an active continuous backup meets any RPO.
// Reasons name times, not ages ("3.2 h old" would change at every evaluation, and storage keeps a
// finding only when its status or reason changes); screens show the age from the evidence.
import { z } from "zod";
import { defineControl, ev, finding, formatTime, hoursAgo, subjects, toHours } from "./control";
import { forEachResource, resolveProtection } from "./resource-scope";

/** Age as unit + value (Audit Manager's parameters), bounded by `ageAtMost`. */
export const ageFields = {
  unit: z.enum(["hours", "days"]).default("days"),
  value: z.number().int().min(1, "age must be at least 1").default(1),
};

export const ageAtMost =
  (maxHours: number, maxDays: number) => (p: { unit: "hours" | "days"; value: number }, c: z.RefinementCtx) => {
    const max = p.unit === "hours" ? maxHours : maxDays;
    if (p.value > max) c.addIssue({ code: "custom", path: ["value"], message: `age is at most ${max} ${p.unit}` });
  };

export const ageParams = (maxHours: number, maxDays: number) =>
  z.object(ageFields).strict().superRefine(ageAtMost(maxHours, maxDays));

export const bk09Params = ageParams(744, 31);

export const bk09 = defineControl({
  id: "BK-09",
  title: "Last recovery point within the RPO",
  subjectTypes: ["resource"],
  description:
    "The resource's newest completed recovery point is younger than the RPO (continuous backup counts as current).",
  remediation:
    "Find why no recent recovery point exists: look at the resource's latest backup jobs (failed, expired or never started), fix their cause, make sure a rule runs at least as often as the RPO, and start an on-demand backup to close the gap.",
  params: bk09Params,
  evaluate(ctx, params, scope, emit) {
    const limit = toHours(params.unit, params.value);
    forEachResource(ctx, "BK-09", scope, emit, (r) => {
      const f = ctx.facts.resource(r.resourceArn);
      const subject = subjects.resource(r);
      if (f?.continuousRecoveryPoint) {
        emit(
          finding("BK-09", subject, "PASS", "continuous backup (point-in-time recovery) is active", [
            ev.resource(r),
            ev.point(f.continuousRecoveryPoint, { continuous: true }),
          ]),
        );
        return;
      }
      const newest = f?.newestRecoveryPoint ?? null;
      if (!newest) {
        const p = resolveProtection(ctx, r);
        const why =
          p.kind === "protected"
            ? `no recovery point yet, although plan ${p.matches[0]!.plan.planName} selects it (first backup pending)`
            : `no recovery point; ${p.reason}`;
        emit(finding("BK-09", subject, "FAIL", why, [ev.resource(r)]));
        return;
      }
      const ok = hoursAgo(ctx.now, newest.creationDate) <= limit;
      const rpo = `the RPO of ${params.value} ${params.unit}`;
      emit(
        finding(
          "BK-09",
          subject,
          ok ? "PASS" : "FAIL",
          ok
            ? `newest recovery point is within ${rpo}`
            : `newest recovery point, made ${formatTime(newest.creationDate)}, is older than ${rpo}`,
          [ev.resource(r), ev.point(newest)],
        ),
      );
    });
  },
});
