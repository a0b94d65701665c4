import type { World } from "./schema";
import type { DemoAccounts } from "./demo-units";

/**
 * What the demo adds for the cost and hygiene report beyond the rest (which already has sizes,
 * cold-tier and never-expiring points, and empty Default vaults): a Prod Payments volume deleted
 * twenty days ago whose points (90 days) and central copies (365 days) outlive it, some of them
 * copies its plan no longer asks for; and a Staging plan whose selection was removed, so it
 * protects nothing. Appended after everything else and
 * drawing no random numbers, so the rest of the demo stays as it was.
 */
export function addDemoHygiene(world: World, ids: DemoAccounts): void {
  const batch = {
    account_id: ids.payments,
    region: "us-east-1",
    type: "EBS",
    id: "vol-0decommissioned0001",
    name: "payments-batch-old",
    tags: { Name: "payments-batch-old", env: "prod", backup: "daily" },
    size_gb: 120,
    deleted: "-20d",
  } as const;
  (world.resources ??= []).push(batch);
  // A weekly plan for it that copied to Backup Central until its current version (60 days ago)
  // dropped the copy action: the copies made before are copies no rule asks for any more.
  const weekly = {
    name: "weekly",
    target_vault: "prod-vault",
    schedule: "rate(7 days)",
    lifecycle: { delete_after_days: 35 },
  };
  (world.plans ??= []).push({
    account_id: ids.payments,
    region: "us-east-1",
    name: "payments-batch",
    created: "-200d",
    versions: [
      {
        rules: [
          {
            ...weekly,
            copy_actions: [
              {
                destination_vault_arn: `arn:aws:backup:us-east-1:${ids.central}:backup-vault:central-vault`,
                lifecycle: { delete_after_days: 365 },
              },
            ],
          },
        ],
      },
      { created: "-60d", rules: [weekly] },
    ],
    selections: [
      {
        name: "batch-volume",
        iam_role_arn: `arn:aws:iam::${ids.payments}:role/service-role/AWSBackupDefaultServiceRole`,
        resources: [`arn:aws:ec2:us-east-1:${ids.payments}:volume/${batch.id}`],
      },
    ],
  });
  (world.plans ??= []).push({
    account_id: ids.staging,
    region: "us-east-1",
    name: "staging-retired",
    created: "-200d",
    versions: [
      {
        rules: [
          {
            name: "weekly",
            target_vault: "staging-vault",
            schedule: "rate(7 days)",
            lifecycle: { delete_after_days: 14 },
          },
        ],
      },
    ],
    selections: [],
  });
}
