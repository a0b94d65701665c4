import type { World } from "./schema";
import type { DemoAccounts } from "./demo-units";

/**
 * What the demo adds for the cost and hygiene report beyond the rest (which already has sizes,
 * cold-tier and never-expiring points, and empty Default vaults): a Prod Payments volume deleted
 * twenty days ago whose points (90 days) and central copies (365 days) outlive it, and a Staging
 * plan whose selection was removed, so it protects nothing. Appended after everything else and
 * drawing no random numbers, so the rest of the demo stays as it was.
 */
export function addDemoHygiene(world: World, ids: DemoAccounts): void {
  (world.resources ??= []).push({
    account_id: ids.payments,
    region: "us-east-1",
    type: "EBS",
    id: "vol-0decommissioned0001",
    name: "payments-batch-old",
    tags: { Name: "payments-batch-old", env: "prod", backup: "daily" },
    size_gb: 120,
    deleted: "-20d",
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
