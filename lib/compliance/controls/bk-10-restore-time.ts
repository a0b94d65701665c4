// BK-10 (Audit Manager RESTORE_TIME_FOR_RESOURCES_MEET_TARGET): the latest completed restore
// (restore testing or manual) took at most the target. Without any restore the control does not
// apply (as in AWS Config); whether restores are tested at all is BK-13's question.
import { z } from "zod";
import { defineControl, ev, finding, subjects } from "./control";
import { forEachResource } from "./resource-scope";

export const bk10Params = z
  .object({ maxRestoreMinutes: z.number().int().min(1, "restore target is at least 1 minute").max(43200).default(720) })
  .strict();

export const bk10 = defineControl({
  id: "BK-10",
  title: "Restore time meets target",
  subjectTypes: ["resource"],
  description:
    "The latest completed restore of the resource (restore job or restore testing) finished within the target minutes.",
  remediation:
    "Restores took longer than the target: test restoring to a faster target (a larger instance class, fast snapshot restore for EBS), keep a warm copy in the restore region, or agree a realistic target and change the parameter.",
  params: bk10Params,
  evaluate(ctx, params, scope, emit) {
    forEachResource(ctx, "BK-10", scope, emit, (r) => {
      const restore = ctx.facts.resource(r.resourceArn)?.latestRestore ?? null;
      if (!restore) {
        emit(
          finding("BK-10", subjects.resource(r), "NOT_APPLICABLE", "no completed restore of this resource", [
            ev.resource(r),
          ]),
        );
        return;
      }
      const ok = restore.durationMinutes <= params.maxRestoreMinutes;
      const how = restore.restoreTestingPlanArn ? "restore test" : "restore";
      emit(
        finding(
          "BK-10",
          subjects.resource(r),
          ok ? "PASS" : "FAIL",
          `latest ${how} took ${Math.round(restore.durationMinutes)} min; target ${params.maxRestoreMinutes} min`,
          [ev.resource(r), ev.restore(restore)],
        ),
      );
    });
  },
});
