// BK-05 (Audit Manager BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK). Exactly the required
// number of days passes (Prowler PR #7042 was an off-by-one here); "never expires" passes a minimum.
import { z } from "zod";
import { describeRetention } from "@/lib/compliance/lifecycle";
import { defineControl, finding } from "./control";
import {
  BASIS,
  pointEvidence,
  pointRetention,
  pointSubject,
  retentionReasonCache,
  screenRecoveryPoint,
} from "./recovery-point-scope";

const reason = retentionReasonCache();

export const bk05Params = z
  .object({ requiredRetentionDays: z.number().int().min(0, "retention must not be negative").default(35) })
  .strict();

export const bk05 = defineControl({
  id: "BK-05",
  title: "Recovery point minimum retention",
  subjectTypes: ["recovery-point"],
  description:
    "Every recovery point is kept at least the required number of days (its lifecycle, or its calculated delete date).",
  remediation:
    "Raise the retention (DeleteAfterDays) of the rule or copy action that made these points to at least the required days. Points already taken keep their lifecycle: change it on each point (UpdateRecoveryPointLifecycle) or let new backups replace them.",
  params: bk05Params,
  evaluateRecoveryPoint(rp, ctx, params, scope) {
    const s = screenRecoveryPoint("BK-05", rp, ctx, scope);
    if (s !== "evaluate") return s;
    const r = pointRetention(rp);
    const ok = r.days === null || r.days >= params.requiredRetentionDays;
    const text = reason(
      r,
      params.requiredRetentionDays,
      () => `recovery point kept ${describeRetention(r)}${BASIS[r.basis]}; ${params.requiredRetentionDays} required`,
    );
    return finding("BK-05", pointSubject(rp), ok ? "PASS" : "FAIL", text, pointEvidence(rp));
  },
});
