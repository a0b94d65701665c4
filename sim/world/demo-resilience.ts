import type { Rng } from "./rng";
import type { World } from "./schema";
import type { DemoAccounts } from "./demo-units";

const role = (account: string) => `arn:aws:iam::${account}:role/service-role/AWSBackupDefaultServiceRole`;

/**
 * What the demo adds for cyber resilience beyond demo-units.ts (which tags its resources, scans
 * and indexes its points and shares Backup Central's air-gapped vaults): an unshared air-gapped
 * vault in Audit, Prod Payments' critical tables copied daily into Backup Central's eu-west-1
 * air-gapped vault with each source deleted once copied (DELETE_AFTER_COPY), and a reporting
 * database whose restore tests fail validation, and a bucket of personal data whose every backup is
 * indexed. In eu-west-1 the copies ask 3 days, below the
 * air-gapped vault's 7-day Vault Lock minimum, so they fail and their sources stay listed (with
 * DeleteAfterEvent) until their 7 days pass; in us-east-1 each source goes once copied.
 * Appended after everything else, so the rest of the demo draws the same random numbers as before.
 */
export function addDemoResilience(world: World, ids: DemoAccounts, regions: string[], rng: Rng): void {
  (world.vaults ??= []).push({
    account_id: ids.audit,
    region: "us-east-1",
    name: "audit-airgap",
    type: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
    encryption: "aws-owned",
    lock: { mode: "compliance", min_retention_days: 7, max_retention_days: 3650, lock_date: "-150d" },
    created: "-180d",
  });
  for (const region of regions)
    (world.plans ??= []).push({
      account_id: ids.payments,
      region,
      name: "payments-airgap",
      created: "-60d",
      versions: [
        {
          rules: [
            {
              name: "daily-airgap",
              target_vault: "prod-vault",
              schedule: "cron(30 4 ? * * *)",
              lifecycle: { delete_after_days: 7 },
              copy_actions: [
                {
                  destination_vault_arn: `arn:aws:backup:eu-west-1:${ids.central}:backup-vault:airgap-vault`,
                  lifecycle: { delete_after_days: region === "us-east-1" ? 35 : 3 },
                },
              ],
              delete_source_after_copy: true,
            },
          ],
        },
      ],
      selections: [
        {
          name: "critical-tables",
          iam_role_arn: role(ids.payments),
          resources: ["arn:aws:dynamodb:*:*:table/*"],
          conditions: {
            string_equals: [{ key: "aws:ResourceTag/criticality", value: "critical" }],
            string_not_equals: [],
            string_like: [],
            string_not_like: [],
          },
        },
      ],
    });
  // Restore-tested weekly beside payments-db (RDS), but its validation fails.
  (world.resources ??= []).push({
    account_id: ids.payments,
    region: "us-east-1",
    type: "RDS",
    id: "payments-reporting-db",
    name: "payments-reporting-db",
    tags: { Name: "payments-reporting-db", env: "prod", tier: "gold" },
    size_gb: rng.int(8, 500),
    restore_minutes: 60,
    restore_validation: "failed",
  });
  // Personal data every backup of which is indexed (Prod Data's data-protection plan indexes S3
  // and no other plan selects it): the case where an erasure request can search every backup.
  world.resources.push({
    account_id: ids.data,
    region: "us-east-1",
    type: "S3",
    id: "customer-exports",
    name: "customer-exports",
    tags: { Name: "customer-exports", env: "prod", "data-class": "pii", "data-classification": "personal" },
    size_gb: rng.int(8, 500),
  });
}
