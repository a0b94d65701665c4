// BK-14 (backup jobs healthy): failed, aborted, expired, partial or completed-with-issues
// (COMPLETED with a MessageCategory other than SUCCESS) backup and copy jobs in the look-back
// must not exceed the allowed count. A parent job's children are counted, not the parent.
import { z } from "zod";
import { defineControl, ev, finding, subjects } from "./control";
import { forEachResource } from "./resource-scope";

const DAY_MS = 86_400_000;

export const bk14Params = z
  .object({
    lookbackDays: z
      .number()
      .int()
      .min(1, "look-back is at least 1 day")
      .max(90, "look-back is at most 90 days (job history kept)")
      .default(7),
    maxFailures: z.number().int().min(0, "max failures must not be negative").default(0),
  })
  .strict();

export const bk14 = defineControl({
  id: "BK-14",
  title: "Backup jobs healthy",
  subjectTypes: ["resource"],
  description:
    "Failed, aborted, expired or completed-with-issues backup and copy jobs of the resource within the look-back do not exceed the allowed number.",
  remediation:
    "Open the failed, aborted or expired jobs, read their status messages, and fix the cause (IAM role permissions, KMS key access, a completion window too short, the resource busy or deleted); then run an on-demand backup.",
  params: bk14Params,
  jobLookbackDays: (p) => p.lookbackDays,
  evaluate(ctx, params, scope, emit) {
    const since = ctx.now.getTime() - params.lookbackDays * DAY_MS;
    forEachResource(ctx, "BK-14", scope, emit, (r) => {
      const f = ctx.facts.resource(r.resourceArn);
      const issues = (f?.jobIssues ?? []).filter((j) => j.creationDate.getTime() >= since);
      const subject = subjects.resource(r);
      if (issues.length === 0 && (!f?.lastJobAt || f.lastJobAt.getTime() < since)) {
        emit(
          finding("BK-14", subject, "NOT_APPLICABLE", `no backup jobs in the last ${params.lookbackDays} days`, [
            ev.resource(r),
          ]),
        );
        return;
      }
      const ok = issues.length <= params.maxFailures;
      const first = issues[0];
      const what = first
        ? `; latest ${first.kind} job ${first.state}${first.state === "COMPLETED" ? ` with ${first.messageCategory}` : ""}${first.statusMessage ? `: ${first.statusMessage}` : ""}`
        : "";
      emit(
        finding(
          "BK-14",
          subject,
          ok ? "PASS" : "FAIL",
          `${issues.length} unhealthy job${issues.length === 1 ? "" : "s"} in the last ${params.lookbackDays} days (at most ${params.maxFailures})${what}`,
          [ev.resource(r), ...issues.slice(0, 10).map(ev.job)],
        ),
      );
    });
  },
});
