// ISO/IEC 27001:2022 Annex A, mapped as in PRODUCT.md "Framework templates".
import type { TemplateInput } from "./template-schema";

export const iso27001Template: TemplateInput = {
  id: "iso-27001-2022",
  name: "ISO/IEC 27001:2022",
  framework: "ISO/IEC 27001:2022",
  version: "2026.2",
  description:
    "Annex A controls that AWS Backup evidence answers: backup, redundancy, continuity, cryptography, deletion, malware.",
  parameters: {
    // Audit Manager's defaults: daily backups kept 35 days, RPO 1 day.
    "BK-02": { frequencyUnit: "days", frequencyValue: 1, requiredRetentionDays: 35 },
    "BK-05": { requiredRetentionDays: 35 },
    "BK-09": { unit: "days", value: 1 },
    // A.8.13 says backups are "regularly tested"; twice a year is the usual floor in ISMS plans.
    "BK-13": { lookbackDays: 180 },
    "BK-14": { lookbackDays: 7, maxFailures: 0 },
    "BK-10": { maxRestoreMinutes: 720 },
    // A.8.10: seven years is the longest common statutory retention; beyond it data is kept without reason.
    "BK-12": { maxRetentionDays: 2555 },
    // A.8.7: a weekly clean point bounds what a ransomware restore loses to a week.
    "BK-18": { maxAgeDays: 7 },
    // A.5.30: critical systems recoverable from yesterday's air-gapped copy, like BK-11's default.
    "BK-19": { tag: { key: "criticality", value: "critical" }, unit: "days", value: 1 },
    "BK-20": { lookbackDays: 180 },
  },
  requirements: [
    {
      id: "A.8.13",
      title: "Information backup",
      controls: ["BK-01", "BK-02", "BK-04", "BK-05", "BK-09", "BK-13", "BK-14"],
      description:
        "Every resource is selected by a backup plan that runs often enough and keeps points long enough; points are encrypted, recent and kept; restores are tested; jobs succeed.",
    },
    {
      id: "A.8.14",
      title: "Redundancy of information processing facilities",
      controls: ["BK-06", "BK-07"],
      description: "Backups are copied to another region and to another account.",
    },
    {
      id: "A.5.29",
      title: "Information security during disruption",
      controls: ["BK-03", "BK-08"],
      description: "Recovery points cannot be deleted by hand and are held in locked vaults.",
    },
    {
      id: "A.5.30",
      title: "ICT readiness for business continuity",
      controls: ["BK-06", "BK-10", "BK-13", "BK-19", "BK-20"],
      description:
        "Copies exist in another region, restores meet their time target and are tested and validated; critical resources can be restored from an air-gapped copy when the organization's accounts are compromised.",
    },
    {
      id: "A.8.24",
      title: "Use of cryptography",
      controls: ["BK-04", "BK-16"],
      description: "Recovery points are encrypted and vaults use customer-managed KMS keys.",
    },
    {
      id: "A.8.10",
      title: "Information deletion",
      controls: ["BK-12"],
      description: "No rule or recovery point keeps data beyond the maximum retention, and none is kept forever.",
    },
    {
      id: "A.8.7",
      title: "Protection against malware",
      controls: ["BK-18"],
      description: "Backups are scanned for malware and a recovery point found clean is recent enough to restore from.",
    },
  ],
};
