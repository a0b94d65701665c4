// SOC 2 (2017 Trust Services Criteria), mapped as in PRODUCT.md "Framework templates".
import type { TemplateInput } from "./template-schema";

export const soc2Template: TemplateInput = {
  id: "soc2-2017",
  name: "SOC 2 (2017 TSC)",
  framework: "SOC 2",
  version: "2026.2",
  description: "Availability, confidentiality and common criteria that backup evidence supports.",
  parameters: {
    "BK-02": { frequencyUnit: "days", frequencyValue: 1, requiredRetentionDays: 35 },
    "BK-05": { requiredRetentionDays: 35 },
    "BK-09": { unit: "days", value: 1 },
    // A1.3: a Type II report covers a period (often 6-12 months) and auditors sample tests across
    // it; a restore test every quarter leaves no quarter of the window without one.
    "BK-13": { lookbackDays: 90 },
    "BK-10": { maxRestoreMinutes: 720 },
    "BK-14": { lookbackDays: 7, maxFailures: 0 },
    "BK-11": { unit: "days", value: 1 },
    "BK-12": { maxRetentionDays: 2555 },
    "BK-18": { maxAgeDays: 7 },
    "BK-19": { tag: { key: "criticality", value: "critical" }, unit: "days", value: 1 },
    // A1.3, as BK-13: a validated restore every quarter of the Type II window.
    "BK-20": { lookbackDays: 90 },
  },
  requirements: [
    {
      id: "A1.2",
      title: "Backup processes and recovery infrastructure",
      controls: ["BK-01", "BK-02", "BK-05", "BK-06", "BK-09", "BK-14"],
      description:
        "Resources are in backup plans of sufficient frequency and retention, copied to another region, recently backed up, with healthy jobs.",
    },
    {
      id: "A1.3",
      title: "Recovery plan procedures are tested",
      controls: ["BK-10", "BK-13", "BK-20"],
      description: "Restores are tested and validated within the look-back and meet their time target.",
    },
    {
      id: "CC6.1",
      title: "Logical access and protection of information assets (encryption)",
      controls: ["BK-04", "BK-16"],
      description: "Recovery points are encrypted; vaults use customer-managed keys.",
    },
    {
      id: "CC7.4",
      title: "Responds to identified security incidents",
      controls: ["BK-18", "BK-19"],
      description:
        "An incident can be contained and remediated from backups: a recent recovery point scanned clean of malware, and critical resources restorable from an air-gapped copy the attacker cannot reach.",
    },
    {
      id: "CC7.5",
      title: "Recovery from identified incidents",
      controls: ["BK-03", "BK-08", "BK-11", "BK-18", "BK-19"],
      description:
        "Backups survive an incident: deletion denied, vaults locked, copies in a logically air-gapped vault, a recent clean point, and a break-glass path to restore critical resources.",
    },
    {
      id: "CC9.1",
      title: "Risk mitigation for business disruption",
      controls: ["BK-06", "BK-07", "BK-15"],
      description: "Copies in other regions and accounts; every region is ready to back up.",
    },
    {
      id: "C1.2",
      title: "Disposal of confidential information",
      controls: ["BK-12"],
      description: "Backups are disposed of after the maximum retention; nothing is kept forever.",
    },
  ],
};
