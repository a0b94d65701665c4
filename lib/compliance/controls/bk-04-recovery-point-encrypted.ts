// BK-04 (Audit Manager BACKUP_RECOVERY_POINT_ENCRYPTED).
import { z } from "zod";
import { defineControl, finding } from "./control";
import { pointEvidence, pointSubject, reasonCache, screenRecoveryPoint } from "./recovery-point-scope";

const reason = reasonCache();

export const bk04Params = z.object({}).strict();

export const bk04 = defineControl({
  id: "BK-04",
  title: "Recovery points encrypted",
  subjectTypes: ["recovery-point"],
  description: "Every recovery point is encrypted.",
  remediation:
    "Recovery points inherit encryption from their source or vault. Encrypt the source (an encrypted EBS volume or RDS instance, S3 default encryption) and use a vault with a KMS key; take a new backup, then let the unencrypted points expire or delete them.",
  params: bk04Params,
  evaluateRecoveryPoint(rp, ctx, _params, scope) {
    const s = screenRecoveryPoint("BK-04", rp, ctx, scope);
    if (s !== "evaluate") return s;
    return rp.isEncrypted
      ? finding(
          "BK-04",
          pointSubject(rp),
          "PASS",
          reason(
            rp.encryptionKeyArn ?? "",
            () => `encrypted${rp.encryptionKeyArn ? ` with ${rp.encryptionKeyArn}` : ""}`,
          ),
          pointEvidence(rp),
        )
      : finding("BK-04", pointSubject(rp), "FAIL", "recovery point is not encrypted", pointEvidence(rp));
  },
});
