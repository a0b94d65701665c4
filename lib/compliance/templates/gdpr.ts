// GDPR (Regulation (EU) 2016/679), mapped as in PRODUCT.md "Framework templates".
import type { TemplateInput } from "./template-schema";

export const gdprTemplate: TemplateInput = {
  id: "gdpr",
  name: "GDPR",
  framework: "GDPR",
  version: "2026.2",
  description:
    "Security of processing (Art. 32), storage limitation / integrity (Art. 5) and erasure (Art. 17) as backup evidence shows them.",
  parameters: {
    "BK-02": { frequencyUnit: "days", frequencyValue: 1, requiredRetentionDays: 35 },
    "BK-09": { unit: "days", value: 1 },
    "BK-10": { maxRestoreMinutes: 720 },
    "BK-13": { lookbackDays: 180 },
    "BK-14": { lookbackDays: 7, maxFailures: 0 },
    // Art. 5(1)(e) sets no number: data may be kept no longer than necessary. A year of backups
    // (twelve monthly points) is the ceiling most controllers document for personal data; a
    // tenant with a longer documented need clones the template and raises it.
    "BK-12": { maxRetentionDays: 365 },
    "BK-18": { maxAgeDays: 7 },
    "BK-19": { tag: { key: "criticality", value: "critical" }, unit: "days", value: 1 },
    "BK-20": { lookbackDays: 180 },
    "BK-21": { tag: { key: "data-classification", value: "personal" } },
  },
  requirements: [
    {
      id: "Art. 32(1)(b)",
      title: "Confidentiality, integrity, availability and resilience",
      controls: ["BK-01", "BK-02", "BK-03", "BK-06", "BK-08"],
      description:
        "Personal data is backed up by plans of sufficient frequency and retention, protected from deletion and locked, with copies in another region.",
    },
    {
      id: "Art. 32(1)(c)",
      title: "Restore availability and access in a timely manner",
      controls: ["BK-09", "BK-10", "BK-13", "BK-18", "BK-19", "BK-20"],
      description:
        "Recent recovery points exist, a recent one is clean of malware, critical data can be restored from an air-gapped copy, and restores are tested, validated and meet their time target.",
    },
    {
      id: "Art. 32(1)(d)",
      title: "Regular testing of effectiveness",
      controls: ["BK-13", "BK-14"],
      description: "Restores are tested regularly and backup jobs are healthy.",
    },
    {
      id: "Art. 5(1)(e)",
      title: "Storage limitation",
      controls: ["BK-12"],
      description: 'No backup keeps personal data beyond the maximum retention; "never expires" fails.',
    },
    {
      id: "Art. 5(1)(f)",
      title: "Integrity and confidentiality",
      controls: ["BK-04", "BK-16"],
      description: "Recovery points are encrypted; vaults use customer-managed keys.",
    },
    {
      id: "Art. 17",
      title: "Right to erasure ('right to be forgotten')",
      controls: ["BK-21"],
      description:
        "Backups of resources holding personal data are indexed for search, so a data subject's data can be found in them when erasure is requested.",
    },
  ],
};
