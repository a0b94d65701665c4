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
import {
  DescribeBackupVaultCommand,
  DescribeRecoveryPointCommand,
  DescribeScanJobCommand,
  GetBackupPlanCommand,
  paginateListIndexedRecoveryPoints,
  paginateListRecoveryPointsByResource,
  paginateListScanJobs,
  type RecoveryPointByBackupVault,
} from "@aws-sdk/client-backup";
import { paginateListPrincipals, paginateListResources } from "@aws-sdk/client-ram";
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
  ramClient,
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

describe("cyber resilience through the SDK", () => {
  const idOf = (name: string) => sim.summary().accounts.find((a) => a.name === name)!.account_id;
  const session = async (name: string) => memberCreds(sim, await managementCreds(sim), idOf(name));
  async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const p of pages) out.push(p);
    return out;
  }
  const pointsIn = async (creds: Creds, region: string, vault: string) =>
    (
      await all(
        paginateListRecoveryPointsByBackupVault(
          { client: backupClient(sim, creds, region), pageSize: 50 },
          { BackupVaultName: vault },
        ),
      )
    ).flatMap((p) => p.RecoveryPoints ?? []);
  const ofResource = (points: RecoveryPointByBackupVault[], name: string) =>
    points.filter((p) => p.ResourceName === name);

  it("lists every unit's scan jobs (30 days) as the summary counts them, and describes them", async () => {
    const w = sim.summary();
    const mgmt = await managementCreds(sim);
    let seen = 0;
    for (const u of w.by_unit.filter((x) => x.reachable)) {
      const client = backupClient(sim, await memberCreds(sim, mgmt, u.account_id), u.region);
      const jobs = (await all(paginateListScanJobs({ client, pageSize: 10 }, {}))).flatMap((p) => p.ScanJobs ?? []);
      expect({ unit: `${u.account_id}/${u.region}`, n: jobs.length }).toEqual({
        unit: `${u.account_id}/${u.region}`,
        n: u.resilience.scan_jobs,
      });
      for (const j of jobs) {
        expect(j).toMatchObject({ MalwareScanner: "GUARDDUTY", AccountId: u.account_id });
        if (j.State === "COMPLETED") expect(j.ScanResult?.ScanResultStatus).toMatch(/^(NO_)?THREATS_FOUND$/);
        if (j.State === "FAILED") expect([j.ScanResult, typeof j.StatusMessage]).toEqual([undefined, "string"]);
      }
      if (jobs[0])
        expect(await client.send(new DescribeScanJobCommand({ ScanJobId: jobs[0].ScanJobId! }))).toMatchObject({
          ScanJobId: jobs[0].ScanJobId,
          RecoveryPointArn: jobs[0].RecoveryPointArn,
          State: jobs[0].State,
        });
      seen += jobs.length;
    }
    expect(seen).toBe(w.resilience.scan_jobs);
    expect(seen).toBeGreaterThan(0);
  }, 60_000);

  it("tells scanned points apart: clean, malware, failed scans and unscanned; incremental scans name their base", async () => {
    const data = await session("Prod Data");
    const east = await pointsIn(data, "us-east-1", "org-vault");
    const lake = ofResource(east, "data-lake");
    const scanned = lake.filter((p) => p.AggregatedScanResult);
    expect(scanned.some((p) => p.AggregatedScanResult!.Findings!.includes("MALWARE"))).toBe(true);
    expect(scanned.some((p) => p.AggregatedScanResult!.Findings!.length === 0)).toBe(true);
    for (const p of scanned) {
      expect(p.AggregatedScanResult!.FailedScan).toBe(false);
      expect(p.AggregatedScanResult!.LastComputed!.getTime()).toBeGreaterThan(p.CompletionDate!.getTime());
    }
    // The newest are infected, the older clean.
    const newest = [...scanned].sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
    expect(newest[0]!.AggregatedScanResult!.Findings).toEqual(["MALWARE"]);
    expect(newest.at(-1)!.AggregatedScanResult!.Findings).toEqual([]);
    // The org plan's points of the same bucket and the tables' points are not scanned.
    expect(east.some((p) => !p.AggregatedScanResult)).toBe(true);
    const described = await backupClient(sim, data, "us-east-1").send(
      new DescribeRecoveryPointCommand({
        BackupVaultName: "org-vault",
        RecoveryPointArn: newest[0]!.RecoveryPointArn!,
      }),
    );
    expect(described.ScanResults).toEqual([
      expect.objectContaining({ MalwareScanner: "GUARDDUTY", ScanJobState: "COMPLETED", Findings: ["MALWARE"] }),
    ]);
    const jobs = (
      await all(
        paginateListScanJobs(
          { client: backupClient(sim, data, "us-east-1") },
          { ByResourceArn: newest[0]!.ResourceArn!, ByScanResultStatus: "THREATS_FOUND" },
        ),
      )
    ).flatMap((p) => p.ScanJobs ?? []);
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.some((j) => j.ScanMode === "INCREMENTAL_SCAN" && j.ScanBaseRecoveryPointArn)).toBe(true);
    const mgmtEu = await pointsIn(await session("Management"), "eu-west-1", "Default");
    expect(mgmtEu.some((p) => p.AggregatedScanResult?.FailedScan === true)).toBe(true);
    const logs = await pointsIn(await session("Log Archive"), "us-east-1", "Default");
    expect(ofResource(logs, "org-cloudtrail").every((p) => p.AggregatedScanResult?.FailedScan === true)).toBe(true);
    expect(ofResource(logs, "org-config").every((p) => p.AggregatedScanResult?.FailedScan === false)).toBe(true);
  });

  it("reads indexes: ACTIVE in us-east-1, FAILED with a message in eu-west-1, and the indexed points list", async () => {
    const data = await session("Prod Data");
    for (const [region, status] of [
      ["us-east-1", "ACTIVE"],
      ["eu-west-1", "FAILED"],
    ] as const) {
      // The bucket's points of the plan that indexes S3 (the org plan's points are not indexed).
      const vaultPoints = await pointsIn(data, region, "org-vault");
      const points = ofResource(vaultPoints, "data-lake");
      const lake = points.filter((p) => p.CreatedBy?.BackupPlanName === "data-protection");
      expect(new Set(lake.map((p) => p.IndexStatus))).toEqual(new Set([status]));
      expect(points.filter((p) => p.CreatedBy?.BackupPlanName !== "data-protection").every((p) => !p.IndexStatus)).toBe(
        true,
      );
      for (const p of lake) expect(p.IndexStatusMessage === undefined).toBe(status !== "FAILED");
      const indexed = (
        await all(paginateListIndexedRecoveryPoints({ client: backupClient(sim, data, region), pageSize: 10 }, {}))
      ).flatMap((p) => p.IndexedRecoveryPoints ?? []);
      // The plan indexes every S3 bucket it backs up: the lake and, in us-east-1, customer-exports.
      const exportsPoints = ofResource(vaultPoints, "customer-exports");
      expect(exportsPoints.length > 0).toBe(region === "us-east-1");
      expect(exportsPoints.every((p) => p.IndexStatus === "ACTIVE")).toBe(true);
      expect(indexed.map((p) => p.RecoveryPointArn).sort()).toEqual(
        [...lake, ...exportsPoints].map((p) => p.RecoveryPointArn).sort(),
      );
      const byResource = (
        await all(
          paginateListRecoveryPointsByResource(
            { client: backupClient(sim, data, region), pageSize: 7 },
            { ResourceArn: lake[0]!.ResourceArn! },
          ),
        )
      ).flatMap((p) => p.RecoveryPoints ?? []);
      // The bucket's points in this account and region: the plan's and the org plan's.
      expect(byResource.filter((p) => p.IndexStatus === status).length).toBe(lake.length);
    }
  });

  it("shows points whose lifecycle deletes them once copied", async () => {
    const eu = await pointsIn(await session("Prod Payments"), "eu-west-1", "prod-vault");
    const dac = eu.filter((p) => p.Lifecycle?.DeleteAfterEvent === "DELETE_AFTER_COPY");
    expect(dac.length).toBeGreaterThan(0);
    expect(dac.every((p) => p.ResourceName === "payment-events" && p.Lifecycle!.DeleteAfterDays === 7)).toBe(true);
  });

  it("returns the plan's scan settings and each rule's scan and index actions", async () => {
    const data = backupClient(sim, await session("Prod Data"), "us-east-1");
    const plan = sim.runtime.state.plans.find(
      (p) => p.name === "data-protection" && sim.runtime.state.units[p.unit]!.accountId === idOf("Prod Data"),
    )!;
    const out = await data.send(new GetBackupPlanCommand({ BackupPlanId: plan.id }));
    expect(out.BackupPlan?.ScanSettings).toEqual([
      {
        MalwareScanner: "GUARDDUTY",
        ResourceTypes: ["S3"],
        ScannerRoleArn: `arn:aws:iam::${idOf("Prod Data")}:role/service-role/AWSBackupMalwareScanRole`,
      },
    ]);
    expect(out.BackupPlan?.Rules?.map((r) => [r.ScanActions, r.IndexActions])).toEqual([
      [[{ MalwareScanner: "GUARDDUTY", ScanMode: "INCREMENTAL_SCAN" }], [{ ResourceTypes: ["S3"] }]],
      [[{ MalwareScanner: "GUARDDUTY", ScanMode: "FULL_SCAN" }], [{ ResourceTypes: ["S3"] }]],
    ]);
  });

  it("reports restore-test validation per resource, and none for restores nobody validates", async () => {
    const b = backupClient(sim, await session("Prod Payments"), "us-east-1");
    const jobs = (await all(paginateListRestoreJobs({ client: b }, {}))).flatMap((p) => p.RestoreJobs ?? []);
    const tested = jobs.filter((j) => j.CreatedBy?.RestoreTestingPlanArn && j.Status === "COMPLETED");
    const statuses = new Set(tested.map((j) => j.ValidationStatus));
    expect([...statuses].filter((x) => x !== "VALIDATING").sort()).toEqual(["FAILED", "SUCCESSFUL", undefined].sort());
    for (const j of tested.filter((x) => x.ValidationStatus === "FAILED" || x.ValidationStatus === "SUCCESSFUL"))
      expect(j.ValidationStatusMessage).toEqual(expect.any(String));
    expect(jobs.filter((j) => !j.CreatedBy?.RestoreTestingPlanArn).every((j) => j.ValidationStatus === undefined)).toBe(
      true,
    );
  });

  it("names the MPA team of an air-gapped vault and who each shared vault is shared with (RAM)", async () => {
    const central = await session("Backup Central");
    const east = backupClient(sim, central, "us-east-1");
    expect(
      (await east.send(new DescribeBackupVaultCommand({ BackupVaultName: "airgap-vault" }))).MpaApprovalTeamArn,
    ).toMatch(new RegExp(`^arn:aws:mpa::${sim.summary().management_account_id}:approval-team/`));
    expect(
      (
        await backupClient(sim, central, "eu-west-1").send(
          new DescribeBackupVaultCommand({ BackupVaultName: "airgap-vault" }),
        )
      ).MpaApprovalTeamArn,
    ).toBeUndefined();
    const shares = async (name: string, region: string, resourceOwner: "SELF" | "OTHER-ACCOUNTS") => {
      const ram = ramClient(sim, await session(name), region);
      const q = { resourceOwner, resourceType: "backup:BackupVault" } as const;
      return {
        resources: (await all(paginateListResources({ client: ram, pageSize: 1 }, q))).flatMap(
          (p) => p.resources ?? [],
        ),
        principals: (await all(paginateListPrincipals({ client: ram, pageSize: 1 }, q))).flatMap(
          (p) => p.principals ?? [],
        ),
      };
    };
    const centralId = idOf("Backup Central");
    const outside = await shares("Backup Central", "us-east-1", "SELF");
    expect(outside.resources).toEqual([
      expect.objectContaining({
        arn: `arn:aws:backup:us-east-1:${centralId}:backup-vault:airgap-vault`,
        type: "backup:BackupVault",
        status: "AVAILABLE",
        resourceShareArn: expect.stringMatching(new RegExp(`^arn:aws:ram:us-east-1:${centralId}:resource-share/`)),
      }),
    ]);
    expect(outside.principals).toEqual([
      expect.objectContaining({
        id: "999988887777",
        external: true,
        resourceShareArn: outside.resources[0]!.resourceShareArn,
      }),
    ]);
    expect(outside.principals[0]!.creationTime).toBeInstanceOf(Date);
    const inside = await shares("Backup Central", "eu-west-1", "SELF");
    expect(inside.principals.map((p) => [p.id, p.external])).toEqual([
      [expect.stringMatching(/^arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]+\/ou-/), false],
      [idOf("Audit"), false],
    ]);
    // The Workloads OU reaches Prod Web; nothing is shared with it in us-east-1.
    const received = await shares("Prod Web", "eu-west-1", "OTHER-ACCOUNTS");
    expect(received.resources.map((r) => r.arn)).toEqual([
      `arn:aws:backup:eu-west-1:${centralId}:backup-vault:airgap-vault`,
    ]);
    expect(received.principals.map((p) => [p.id, p.external])).toEqual([[centralId, false]]);
    expect((await shares("Prod Web", "us-east-1", "OTHER-ACCOUNTS")).resources).toEqual([]);
    expect(await shares("Audit", "us-east-1", "SELF")).toEqual({ resources: [], principals: [] });
    const web = backupClient(sim, await session("Prod Web"), "eu-west-1");
    expect(
      (await all(paginateListBackupVaults({ client: web }, { ByShared: true })))
        .flatMap((p) => p.BackupVaultList ?? [])
        .map((v) => v.BackupVaultArn),
    ).toEqual([`arn:aws:backup:eu-west-1:${centralId}:backup-vault:airgap-vault`]);
    expect(
      (
        await web.send(
          new DescribeBackupVaultCommand({ BackupVaultName: "airgap-vault", BackupVaultAccountId: centralId }),
        )
      ).VaultType,
    ).toBe("LOGICALLY_AIR_GAPPED_BACKUP_VAULT");
  });
});
