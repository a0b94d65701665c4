import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  paginateListAccounts,
  paginateListOrganizationalUnitsForParent,
  ListRootsCommand,
} from "@aws-sdk/client-organizations";
import {
  paginateListBackupJobs,
  paginateListBackupPlans,
  paginateListBackupVaults,
  paginateListCopyJobs,
  paginateListProtectedResources,
  paginateListRecoveryPointsByBackupVault,
  paginateListRestoreJobs,
  paginateListBackupSelections,
} from "@aws-sdk/client-backup";
import { paginateGetResources } from "@aws-sdk/client-resource-groups-tagging-api";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { startSimulator, type SimHandle } from "@/sim/server";
import {
  assume,
  backupClient,
  kmsClient,
  managementCreds,
  memberCreds,
  orgClient,
  principalCreds,
  stsClient,
  taggingClient,
  type Creds,
} from "./sim-clients";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

/** A complete inventory through the real SDK v3 (paginators) sees exactly what /_sim/world counts. */
let sim: SimHandle;
beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW });
});
afterAll(() => sim.stop());

async function count<T>(pages: AsyncIterable<T>, items: (p: T) => unknown[] | undefined): Promise<number> {
  let n = 0;
  for await (const p of pages) n += items(p)?.length ?? 0;
  return n;
}

describe("identity", () => {
  it("knows the principal and chains into member roles", async () => {
    const w = sim.summary();
    const me = await stsClient(sim, principalCreds(sim)).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(w.principal.arn);
    const mgmt = await managementCreds(sim);
    const member = w.accounts.find((a) => a.assumable && a.account_id !== w.management_account_id)!;
    const m = await stsClient(sim, await memberCreds(sim, mgmt, member.account_id)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(m.Account).toBe(member.account_id);
    expect(m.Arn).toBe(`arn:aws:sts::${member.account_id}:assumed-role/${w.member_role_name}/sim-test`);
  });

  it("refuses a missing ExternalId and roles that are missing or do not trust the management role", async () => {
    const w = sim.summary();
    await expect(assume(sim, principalCreds(sim), w.management_role_arn)).rejects.toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    const mgmt = await managementCreds(sim);
    for (const a of w.accounts.filter((x) => x.state === "ACTIVE" && !x.assumable)) {
      await expect(memberCreds(sim, mgmt, a.account_id)).rejects.toMatchObject({ name: "AccessDenied" });
    }
    expect(
      w.accounts
        .filter((x) => x.state === "ACTIVE" && !x.assumable)
        .map((a) => a.member_role)
        .sort(),
    ).toEqual(["missing", "untrusted"]);
  });
});

describe("complete inventory", () => {
  it("walks the organization", async () => {
    const w = sim.summary();
    const org = orgClient(sim, await managementCreds(sim));
    expect(await count(paginateListAccounts({ client: org, pageSize: 5 }, {}), (p) => p.Accounts)).toBe(
      w.counts.accounts,
    );
    const roots = await org.send(new ListRootsCommand({}));
    const walk = async (parent: string): Promise<number> => {
      let n = 0;
      for await (const p of paginateListOrganizationalUnitsForParent(
        { client: org, pageSize: 1 },
        { ParentId: parent },
      )) {
        for (const ou of p.OrganizationalUnits ?? []) n += 1 + (await walk(ou.Id!));
      }
      return n;
    };
    expect(await walk(roots.Roots![0]!.Id!)).toBe(w.counts.ous);
  });

  it("sees in every reachable account and region what the world summary counts", async () => {
    const w = sim.summary();
    const mgmt = await managementCreds(sim);
    const sessions = new Map<string, Creds>();
    for (const u of w.by_unit.filter((x) => x.reachable)) {
      if (!sessions.has(u.account_id)) sessions.set(u.account_id, await memberCreds(sim, mgmt, u.account_id));
      const creds = sessions.get(u.account_id)!;
      const client = backupClient(sim, creds, u.region);
      const got = { plans: 0, selections: 0, vaults: 0, recovery_points: 0 } as Record<string, number> & {
        plans: number;
        selections: number;
        vaults: number;
        recovery_points: number;
      };
      for await (const p of paginateListBackupPlans({ client, pageSize: 2 }, {})) {
        for (const plan of p.BackupPlansList ?? []) {
          got.plans++;
          got.selections += await count(
            paginateListBackupSelections({ client, pageSize: 1 }, { BackupPlanId: plan.BackupPlanId! }),
            (s) => s.BackupSelectionsList,
          );
        }
      }
      for await (const p of paginateListBackupVaults({ client, pageSize: 2 }, {})) {
        for (const v of p.BackupVaultList ?? []) {
          got.vaults++;
          got.recovery_points += await count(
            paginateListRecoveryPointsByBackupVault({ client, pageSize: 100 }, { BackupVaultName: v.BackupVaultName! }),
            (r) => r.RecoveryPoints,
          );
        }
      }
      got.protected_resources = await count(
        paginateListProtectedResources({ client, pageSize: 7 }, {}),
        (p) => p.Results,
      );
      got.backup_jobs = await count(paginateListBackupJobs({ client, pageSize: 1000 }, {}), (p) => p.BackupJobs);
      got.copy_jobs = await count(paginateListCopyJobs({ client, pageSize: 1000 }, {}), (p) => p.CopyJobs);
      got.restore_jobs = await count(paginateListRestoreJobs({ client, pageSize: 1000 }, {}), (p) => p.RestoreJobs);
      got.resources = await count(
        paginateGetResources({ client: taggingClient(sim, creds, u.region), pageSize: 3 }, {}),
        (p) => p.ResourceTagMappingList,
      );
      for (const [k, v] of Object.entries(got))
        expect({ unit: `${u.account_id}/${u.region}`, [k]: v }).toEqual({
          unit: `${u.account_id}/${u.region}`,
          [k]: u.counts[k as keyof typeof u.counts],
        });
    }
  }, 120_000);
});

describe("vault keys", () => {
  it("KMS names the manager the world gave every key a vault's account may describe, and refuses the others", async () => {
    const w = sim.summary();
    const s = sim.runtime.state;
    const mgmt = await managementCreds(sim);
    const keys = new Map([...s.kms.values()].flatMap((u) => [...u.keys.values()]).map((k) => [k.arn, k]));
    const seen = { AWS: 0, CUSTOMER: 0, denied: 0 };
    for (const u of w.by_unit.filter((x) => x.reachable)) {
      const creds = await memberCreds(sim, mgmt, u.account_id);
      const kms = kmsClient(sim, creds, u.region);
      for await (const p of paginateListBackupVaults({ client: backupClient(sim, creds, u.region) }, {})) {
        for (const v of p.BackupVaultList ?? []) {
          if (v.EncryptionKeyType === "AWS_OWNED_KMS_KEY") continue;
          const world = keys.get(v.EncryptionKeyArn!)!;
          const may = world.accountId === u.account_id || world.describableBy.has(u.account_id);
          const got = await kms.send(new DescribeKeyCommand({ KeyId: v.EncryptionKeyArn! })).then(
            (o) => o.KeyMetadata!.KeyManager!,
            (e: Error) => e.name,
          );
          expect([v.BackupVaultArn, got]).toEqual([v.BackupVaultArn, may ? world.manager : "AccessDeniedException"]);
          if (got === "AWS" || got === "CUSTOMER") seen[got]++;
          else seen.denied++;
        }
      }
    }
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  }, 60_000);
});
