// BK-11 (Audit Manager RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT): a recovery point of the resource
// in a logically air-gapped vault, no older than the given age (Config rule max 2184 h / 91 d).
import { defineControl, ev, finding, formatTime, hoursAgo, subjects, toHours } from "./control";
import { forEachResource } from "./resource-scope";
import { ageParams } from "./bk-09-last-recovery-point";

export const bk11Params = ageParams(2184, 91);

export const bk11 = defineControl({
  id: "BK-11",
  title: "Recovery point in a logically air-gapped vault",
  subjectTypes: ["resource"],
  description: "The resource has a recovery point in a logically air-gapped vault no older than the given age.",
  remediation:
    "Copy the resource's recovery points to a logically air-gapped vault: add a copy action to the plan's rule with that vault as destination, often enough for the required age.",
  params: bk11Params,
  evaluate(ctx, params, scope, emit) {
    const limit = toHours(params.unit, params.value);
    forEachResource(ctx, "BK-11", scope, emit, (r) => {
      const p = ctx.facts.resource(r.resourceArn)?.newestAirGappedRecoveryPoint ?? null;
      if (!p) {
        emit(
          finding("BK-11", subjects.resource(r), "FAIL", "no recovery point in a logically air-gapped vault", [
            ev.resource(r),
          ]),
        );
        return;
      }
      // Times, not ages, in reasons: see BK-09.
      const ok = hoursAgo(ctx.now, p.creationDate) <= limit;
      const limitText = `${params.value} ${params.unit}`;
      emit(
        finding(
          "BK-11",
          subjects.resource(r),
          ok ? "PASS" : "FAIL",
          ok
            ? `newest air-gapped recovery point is at most ${limitText} old`
            : `newest air-gapped recovery point, made ${formatTime(p.creationDate)}, is older than ${limitText}`,
          [ev.resource(r), ev.point(p)],
        ),
      );
    });
  },
});
