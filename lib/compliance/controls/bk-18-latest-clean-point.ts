// BK-18 (latest clean recovery point): the newest usable recovery point that a malware scan found
// clean (AggregatedScanResult computed with neither findings nor a failed scan) was made within
// the last N days, so a restore after a ransomware attack need not reach back further than that.
// Newer points that are infected, failed their scan or were never scanned do not count. AWS
// Backup scans EC2, EBS and S3 recovery points only (GuardDuty Malware Protection for AWS Backup),
// so other types are NOT_APPLICABLE. Times, not ages, in reasons (see BK-09).
import { z } from "zod";
import { INFECTED_SCAN_STATUS } from "@/db/recovery-point-state";
import type { RecoveryPointRef } from "@/lib/compliance/facts/resource-facts";
import type { Evidence } from "@/lib/compliance/model/finding";
import { defineControl, ev, finding, formatTime, hoursAgo, pointName, subjects } from "./control";
import { forEachResource } from "./resource-scope";

/** The resource types GuardDuty Malware Protection for AWS Backup scans. */
export const SCANNABLE_TYPES: ReadonlySet<string> = new Set(["EC2", "EBS", "S3"]);

export const bk18Params = z
  .object({
    maxAgeDays: z.number().int().min(1, "age must be at least 1 day").max(365, "age is at most 365 days").default(7),
  })
  .strict();

const scanEvidence = (p: RecoveryPointRef): Evidence =>
  ev.point(p, { scanStatus: p.scanStatus ?? "NOT_SCANNED", scannedAt: p.scannedAt?.toISOString() ?? null });

/** What the newest point's scan says, when it is not the clean one. */
function newestState(p: RecoveryPointRef): string {
  if (p.scanStatus === INFECTED_SCAN_STATUS) return "malware scan found threats in the newest recovery point";
  if (p.scanStatus === "FAILED") return "malware scan of the newest recovery point failed";
  return "newest recovery point was never scanned";
}

export const bk18 = defineControl({
  id: "BK-18",
  title: "Latest clean recovery point",
  subjectTypes: ["resource"],
  description:
    "The newest recovery point that a malware scan found clean (no threats found) is at most the given number of days old; infected, failed and unscanned points do not count.",
  remediation:
    "Scan the resource's recovery points for malware: add a scan action (GuardDuty, incremental or full) to the rule of the plan that backs it up and give the plan scan settings with a scanner role, or start an on-demand scan of the newest point. If a scan found malware, clean the resource and take a new backup, then scan it.",
  params: bk18Params,
  evaluate(ctx, params, scope, emit) {
    const limitHours = params.maxAgeDays * 24;
    forEachResource(ctx, "BK-18", scope, emit, (r) => {
      const subject = subjects.resource(r);
      if (!SCANNABLE_TYPES.has(r.resourceType)) {
        emit(
          finding(
            "BK-18",
            subject,
            "NOT_APPLICABLE",
            `AWS Backup scans EC2, EBS and S3 recovery points for malware; ${r.resourceType} ones cannot be scanned`,
            [ev.resource(r)],
          ),
        );
        return;
      }
      const f = ctx.facts.resource(r.resourceArn);
      const newest = f?.newestRecoveryPoint ?? null;
      const clean = f?.newestCleanRecoveryPoint ?? null;
      const infected = f?.newestInfectedRecoveryPoint ?? null;
      if (!newest) {
        emit(finding("BK-18", subject, "FAIL", "no recovery point yet, so never scanned clean", [ev.resource(r)]));
        return;
      }
      const evidence: Evidence[] = [ev.resource(r)];
      for (const p of [clean, newest, infected])
        if (p && !evidence.some((e) => e.id === p.recoveryPointArn)) evidence.push(scanEvidence(p));
      // Reasons name no time that moves with each new backup (see BK-09): only the clean point's.
      const limit = `${params.maxAgeDays} days`;
      if (clean && hoursAgo(ctx.now, clean.creationDate) <= limitHours) {
        // A newer infected point matters to whoever restores; newer unscanned ones (copies) do not.
        const newer =
          infected && infected.creationDate > clean.creationDate
            ? "; the malware scan found threats in a newer recovery point"
            : "";
        emit(
          finding("BK-18", subject, "PASS", `newest clean recovery point is at most ${limit} old${newer}`, evidence),
        );
        return;
      }
      const last = clean
        ? `last clean recovery point ${pointName(clean.recoveryPointArn)}, made ${formatTime(clean.creationDate)}, is older than ${limit}`
        : "never scanned clean";
      emit(
        finding(
          "BK-18",
          subject,
          "FAIL",
          newest.recoveryPointArn === clean?.recoveryPointArn
            ? `${last}; no newer recovery point`
            : `${newestState(newest)}; ${last}`,
          evidence,
        ),
      );
    });
  },
});
