// A simulator organization registered as a tenant (no sync needed: a push reads AWS itself), the
// push's dependencies pointed at it, and an SDK client as the management role to check what AWS holds.
import { randomBytes } from "node:crypto";
import * as O from "@aws-sdk/client-organizations";
import type { Db } from "@/db";
import { tenants } from "@/db/schema";
import { AwsFactory } from "@/lib/aws/client-factory";
import type { PushDeps } from "@/lib/policies/push";
import { startSimulator, type SimHandle } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { managementCreds, orgClient } from "@/tests/integration/sim/sim-clients";

export interface PolicyWorld {
  sim: SimHandle;
  tenantId: string;
  deps: PushDeps;
  /** Organizations as the management role, for checking what AWS holds. */
  org: O.OrganizationsClient;
  account(name: string): string;
  ou(name: string): string;
  rootId: string;
  stop(): Promise<void>;
}

export async function startPolicyWorld(db: Db): Promise<PolicyWorld> {
  // Throttling off: the tests inject exactly the faults they are about (operation_faults).
  const sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  const w = sim.summary();
  const name = `Policy World ${randomBytes(3).toString("hex")}`;
  const [tenant] = await db
    .insert(tenants)
    .values({
      name,
      slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      managementAccountId: w.management_account_id,
      managementRoleArn: w.management_role_arn,
      externalId: w.external_id,
      memberRoleName: w.member_role_name,
      regions: w.regions,
      status: "active",
    })
    .returning();
  const factory = new AwsFactory({
    endpoint: sim.url,
    region: "us-east-1",
    baseCredentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key },
    maxAttempts: 2,
  });
  // Two attempts: an injected fault fails the push in a second, not after the SDK's full backoff.
  const deps: PushDeps = { factory, maxAttempts: 2, enableWait: { tries: 3, delayMs: 10 } };
  const org = orgClient(sim, await managementCreds(sim));
  const ous = sim.runtime.state.org.ous;
  return {
    sim,
    tenantId: tenant!.id,
    deps,
    org,
    rootId: w.root_id,
    account: (n) => w.accounts.find((a) => a.name === n)!.account_id,
    ou: (n) => [...ous.values()].find((o) => o.name === n)!.id,
    stop: async () => {
      factory.destroy();
      await sim.stop();
    },
  };
}

/** A complete, valid backup policy: daily backups of resources tagged backup=daily, kept `days` days. */
export function policyDocument(days: number, vault = "org-vault"): string {
  return JSON.stringify(
    {
      plans: {
        "bg-daily": {
          regions: { "@@assign": ["us-east-1"] },
          rules: {
            daily: {
              schedule_expression: { "@@assign": "cron(0 5 ? * * *)" },
              target_backup_vault_name: { "@@assign": vault },
              lifecycle: { delete_after_days: { "@@assign": String(days) } },
            },
          },
          selections: {
            tags: {
              tagged: {
                iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole" },
                tag_key: { "@@assign": "backup" },
                tag_value: { "@@assign": ["daily"] },
              },
            },
          },
        },
      },
    },
    null,
    2,
  );
}
