import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as STS from "@aws-sdk/client-sts";
import * as O from "@aws-sdk/client-organizations";
import * as B from "@aws-sdk/client-backup";
import * as T from "@aws-sdk/client-resource-groups-tagging-api";
import * as K from "@aws-sdk/client-kms";
import * as I from "@aws-sdk/client-iam";
import * as R from "@aws-sdk/client-ram";
import { startSimulator, type SimHandle } from "@/sim/server";
import {
  backupClient,
  iamClient,
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
import { captureWire, validateWire, type Wire } from "./model-validator";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

/**
 * Drives every operation through the real SDK v3 clients (paginators where they exist) and
 * validates each raw response, success or error, against the AWS models.
 */
let sim: SimHandle;
let mgmt: Creds;
const wire: Wire[] = [];
const account = (name: string) => sim.summary().accounts.find((a) => a.name === name)!.account_id;

beforeAll(async () => {
  // Throttling has its own tests; here every call should reach its operation.
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  mgmt = await managementCreds(sim);
});
afterAll(async () => {
  await sim.stop();
});

function withCapture<C extends { middlewareStack: unknown }>(
  client: C,
  service: "backup" | "organizations" | "sts" | "tagging" | "kms" | "iam" | "ram",
): C {
  captureWire(client as never, service, wire);
  return client;
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

describe("STS", () => {
  it("AssumeRole and GetCallerIdentity", async () => {
    const sts = withCapture(stsClient(sim, principalCreds(sim)), "sts");
    const w = sim.summary();
    const out = await sts.send(
      new STS.AssumeRoleCommand({
        RoleArn: w.management_role_arn,
        RoleSessionName: "conformance",
        ExternalId: w.external_id,
        DurationSeconds: 1800,
      }),
    );
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(1700_000);
    expect((await sts.send(new STS.GetCallerIdentityCommand({}))).Account).toBe(w.management_account_id);
    await expect(
      sts.send(new STS.AssumeRoleCommand({ RoleArn: w.management_role_arn, RoleSessionName: "x" })),
    ).rejects.toMatchObject({ name: "ValidationError" });
    const chained = withCapture(stsClient(sim, mgmt), "sts");
    await expect(
      chained.send(
        new STS.AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account("Prod Web")}:role/${w.member_role_name}`,
          RoleSessionName: "long",
          DurationSeconds: 7200,
        }),
      ),
    ).rejects.toMatchObject({ name: "ValidationError", message: expect.stringContaining("role chaining") });
  });
});

describe("Organizations", () => {
  it("reads the tree, accounts, policies and effective policies", async () => {
    const org = withCapture(orgClient(sim, mgmt), "organizations");
    const roots = (await all(O.paginateListRoots({ client: org }, {}))).flatMap((p) => p.Roots ?? []);
    const root = roots[0]!;
    expect(root.PolicyTypes).toContainEqual({ Type: "BACKUP_POLICY", Status: "ENABLED" });
    expect((await org.send(new O.DescribeOrganizationCommand({}))).Organization?.MasterAccountId).toBe(
      sim.summary().management_account_id,
    );
    const ous = (
      await all(O.paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: root.Id! }))
    ).flatMap((p) => p.OrganizationalUnits ?? []);
    const workloads = ous.find((o) => o.Name === "Workloads")!;
    await org.send(new O.DescribeOrganizationalUnitCommand({ OrganizationalUnitId: workloads.Id! }));
    await all(O.paginateListChildren({ client: org }, { ParentId: workloads.Id!, ChildType: "ORGANIZATIONAL_UNIT" }));
    await all(O.paginateListChildren({ client: org }, { ParentId: root.Id!, ChildType: "ACCOUNT" }));
    const accounts = (await all(O.paginateListAccounts({ client: org, pageSize: 4 }, {}))).flatMap(
      (p) => p.Accounts ?? [],
    );
    expect(accounts.find((a) => a.Name === "Legacy")?.State).toBe("SUSPENDED");
    expect(accounts[0]?.JoinedTimestamp).toBeInstanceOf(Date);
    await all(O.paginateListAccountsForParent({ client: org }, { ParentId: root.Id! }));
    expect((await org.send(new O.ListParentsCommand({ ChildId: account("Prod Data") }))).Parents?.[0]?.Type).toBe(
      "ORGANIZATIONAL_UNIT",
    );
    await org.send(new O.DescribeAccountCommand({ AccountId: account("Audit") }));
    const policies = (await all(O.paginateListPolicies({ client: org }, { Filter: "BACKUP_POLICY" }))).flatMap(
      (p) => p.Policies ?? [],
    );
    for (const p of policies) {
      await org.send(new O.DescribePolicyCommand({ PolicyId: p.Id! }));
      await all(O.paginateListTargetsForPolicy({ client: org }, { PolicyId: p.Id! }));
    }
    await all(O.paginateListPoliciesForTarget({ client: org }, { TargetId: workloads.Id!, Filter: "BACKUP_POLICY" }));
    const eff = await org.send(
      new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: account("Prod Data") }),
    );
    expect(JSON.parse(eff.EffectivePolicy!.PolicyContent!).plans["org-daily"].regions).toEqual(["us-east-1"]);
    await expect(
      org.send(new O.DescribeEffectivePolicyCommand({ PolicyType: "BACKUP_POLICY", TargetId: account("Audit") })),
    ).rejects.toMatchObject({ name: "EffectivePolicyNotFoundException" });
    await all(O.paginateListTagsForResource({ client: org }, { ResourceId: account("Audit") }));
    expect(
      (await all(O.paginateListDelegatedAdministrators({ client: org }, {})))
        .flatMap((p) => p.DelegatedAdministrators ?? [])
        .map((d) => d.Id),
    ).toEqual([account("Audit")]);
    await expect(org.send(new O.DescribeAccountCommand({ AccountId: "000000000000" }))).rejects.toMatchObject({
      name: "AccountNotFoundException",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(org.send(new O.ListAccountsForParentCommand({ ParentId: "ou-zzzz-zzzzzzzz" }))).rejects.toMatchObject({
      name: "ParentNotFoundException",
    });
  });

  it("answers member accounts with AccessDeniedException", async () => {
    const org = withCapture(orgClient(sim, await memberCreds(sim, mgmt, account("Prod Web"))), "organizations");
    await expect(org.send(new O.ListAccountsCommand({}))).rejects.toMatchObject({
      name: "AccessDeniedException",
      $metadata: { httpStatusCode: 403 },
    });
    expect((await org.send(new O.DescribeOrganizationCommand({}))).Organization?.Id).toBe(
      sim.summary().organization_id,
    );
  });
});

describe("Backup", () => {
  for (const name of ["Prod Payments", "Prod Data", "Backup Central", "Audit"]) {
    it(`reads everything in ${name}`, async () => {
      const creds = await memberCreds(sim, mgmt, account(name));
      for (const region of sim.summary().regions) {
        const b = withCapture(backupClient(sim, creds, region), "backup");
        const plans = (await all(B.paginateListBackupPlans({ client: b }, { IncludeDeleted: true }))).flatMap(
          (p) => p.BackupPlansList ?? [],
        );
        for (const p of plans) {
          const versions = (
            await all(B.paginateListBackupPlanVersions({ client: b }, { BackupPlanId: p.BackupPlanId! }))
          ).flatMap((x) => x.BackupPlanVersionsList ?? []);
          for (const v of versions)
            await b.send(
              new B.GetBackupPlanCommand({
                BackupPlanId: p.BackupPlanId!,
                VersionId: v.VersionId,
                MaxScheduledRunsPreview: 3,
              }),
            );
          for (const s of (
            await all(B.paginateListBackupSelections({ client: b }, { BackupPlanId: p.BackupPlanId! }))
          ).flatMap((x) => x.BackupSelectionsList ?? [])) {
            await b.send(
              new B.GetBackupSelectionCommand({ BackupPlanId: p.BackupPlanId!, SelectionId: s.SelectionId! }),
            );
          }
        }
        const vaults = (await all(B.paginateListBackupVaults({ client: b }, {}))).flatMap(
          (p) => p.BackupVaultList ?? [],
        );
        for (const v of vaults) {
          await b.send(new B.DescribeBackupVaultCommand({ BackupVaultName: v.BackupVaultName! }));
          await b
            .send(new B.GetBackupVaultAccessPolicyCommand({ BackupVaultName: v.BackupVaultName! }))
            .catch((e: Error) => expect(e.name).toBe("ResourceNotFoundException"));
          await b
            .send(new B.GetBackupVaultNotificationsCommand({ BackupVaultName: v.BackupVaultName! }))
            .catch((e: Error) => expect(e.name).toBe("ResourceNotFoundException"));
          const rps = (
            await all(
              B.paginateListRecoveryPointsByBackupVault(
                { client: b, pageSize: 250 },
                { BackupVaultName: v.BackupVaultName! },
              ),
            )
          ).flatMap((p) => p.RecoveryPoints ?? []);
          expect(rps.length).toBe(v.NumberOfRecoveryPoints);
          for (const rp of rps.slice(0, 3)) {
            const d = await b.send(
              new B.DescribeRecoveryPointCommand({
                BackupVaultName: v.BackupVaultName!,
                RecoveryPointArn: rp.RecoveryPointArn!,
              }),
            );
            expect(d.RecoveryPointArn).toBe(rp.RecoveryPointArn);
            if (rp.RecoveryPointArn!.startsWith("arn:aws:backup:"))
              await b.send(new B.ListTagsCommand({ ResourceArn: rp.RecoveryPointArn! }));
          }
        }
        await all(B.paginateListProtectedResources({ client: b }, {}));
        await all(B.paginateListBackupJobs({ client: b, pageSize: 1000 }, {}));
        await all(B.paginateListBackupJobs({ client: b }, { ByState: "FAILED" }));
        await all(B.paginateListCopyJobs({ client: b, pageSize: 1000 }, {}));
        await all(B.paginateListRestoreJobs({ client: b }, {}));
        await all(B.paginateListRestoreTestingPlans({ client: b }, {}));
        await all(B.paginateListReportPlans({ client: b }, {}));
        await all(B.paginateListFrameworks({ client: b }, {}));
        await b.send(new B.DescribeGlobalSettingsCommand({}));
        await b.send(new B.DescribeRegionSettingsCommand({}));
        await expect(
          b.send(new B.DescribeBackupVaultCommand({ BackupVaultName: "no-such-vault" })),
        ).rejects.toMatchObject({ name: "AccessDeniedException" });
        await expect(b.send(new B.GetBackupPlanCommand({ BackupPlanId: "no-such-plan" }))).rejects.toMatchObject({
          name: "ResourceNotFoundException",
          $metadata: { httpStatusCode: 400 },
        });
      }
    }, 60_000);
  }
});

describe("Backup cyber resilience", () => {
  for (const name of ["Prod Data", "Log Archive", "Prod Payments", "Backup Central"]) {
    it(`scan jobs, scanned and indexed points, restore validation and air-gapped vaults in ${name}`, async () => {
      const creds = await memberCreds(sim, mgmt, account(name));
      for (const region of sim.summary().regions) {
        const b = withCapture(backupClient(sim, creds, region), "backup");
        const jobs = (await all(B.paginateListScanJobs({ client: b, pageSize: 7 }, {}))).flatMap(
          (p) => p.ScanJobs ?? [],
        );
        const unit = sim.summary().by_unit.find((u) => u.account_id === account(name) && u.region === region)!;
        expect(jobs.length).toBe(unit.resilience.scan_jobs);
        for (const j of jobs.slice(0, 3)) {
          const d = await b.send(new B.DescribeScanJobCommand({ ScanJobId: j.ScanJobId! }));
          expect(d.ScanJobId).toBe(j.ScanJobId);
          expect(d.CreationDate).toBeInstanceOf(Date);
        }
        await all(B.paginateListScanJobs({ client: b }, { ByState: "FAILED", ByResourceType: "S3" }));
        await all(B.paginateListScanJobs({ client: b }, { ByScanResultStatus: "THREATS_FOUND" }));
        const vaults = (await all(B.paginateListBackupVaults({ client: b }, {}))).flatMap(
          (p) => p.BackupVaultList ?? [],
        );
        for (const v of vaults) {
          const d = await b.send(new B.DescribeBackupVaultCommand({ BackupVaultName: v.BackupVaultName! }));
          if (d.MpaApprovalTeamArn) expect(d.VaultType).toBe("LOGICALLY_AIR_GAPPED_BACKUP_VAULT");
        }
        await all(B.paginateListBackupVaults({ client: b }, { ByShared: true }));
        const indexed = (await all(B.paginateListIndexedRecoveryPoints({ client: b, pageSize: 5 }, {}))).flatMap(
          (p) => p.IndexedRecoveryPoints ?? [],
        );
        for (const r of indexed.slice(0, 2))
          await all(
            B.paginateListRecoveryPointsByResource({ client: b, pageSize: 10 }, { ResourceArn: r.SourceResourceArn! }),
          );
        for (const p of (await all(B.paginateListProtectedResources({ client: b }, {})))
          .flatMap((x) => x.Results ?? [])
          .slice(0, 4))
          await all(
            B.paginateListRecoveryPointsByResource({ client: b, pageSize: 50 }, { ResourceArn: p.ResourceArn! }),
          );
        for (const j of jobs.slice(0, 2)) {
          const vault = j.BackupVaultName!;
          const point = await b
            .send(new B.DescribeRecoveryPointCommand({ BackupVaultName: vault, RecoveryPointArn: j.RecoveryPointArn! }))
            .catch((e: Error) => e);
          if (!(point instanceof Error)) expect(point.RecoveryPointArn).toBe(j.RecoveryPointArn);
        }
        const restores = (await all(B.paginateListRestoreJobs({ client: b }, {}))).flatMap((p) => p.RestoreJobs ?? []);
        for (const r of restores.slice(0, 4))
          expect((await b.send(new B.DescribeRestoreJobCommand({ RestoreJobId: r.RestoreJobId! }))).RestoreJobId).toBe(
            r.RestoreJobId,
          );
      }
    }, 60_000);
  }
});

describe("RAM", () => {
  it("ListResources and ListPrincipals for the owner and the recipients of air-gapped vault shares", async () => {
    const region = "us-east-1";
    for (const [name, r] of [
      ["Backup Central", region],
      ["Backup Central", "eu-west-1"],
      ["Audit", "eu-west-1"],
      ["Prod Web", "eu-west-1"],
      ["Prod Web", region],
    ] as const) {
      const ram = withCapture(ramClient(sim, await memberCreds(sim, mgmt, account(name)), r), "ram");
      for (const resourceOwner of ["SELF", "OTHER-ACCOUNTS"] as const) {
        await all(
          R.paginateListResources({ client: ram, pageSize: 1 }, { resourceOwner, resourceType: "backup:BackupVault" }),
        );
        await all(R.paginateListPrincipals({ client: ram, pageSize: 1 }, { resourceOwner }));
      }
    }
    const ram = withCapture(ramClient(sim, await memberCreds(sim, mgmt, account("Prod Web"))), "ram");
    await expect(
      ram.send(new R.ListResourcesCommand({ resourceOwner: "SELF", nextToken: "forged" })),
    ).rejects.toMatchObject({ name: "InvalidNextTokenException", $metadata: { httpStatusCode: 400 } });
    await expect(
      ram.send(new R.ListResourcesCommand({ resourceOwner: "SELF", resourceType: "not a type" })),
    ).rejects.toMatchObject({ name: "InvalidResourceTypeException" });
    await expect(
      ram.send(new R.ListPrincipalsCommand({ resourceOwner: "SELF", resourceShareArns: ["arn:aws:ram:nope"] })),
    ).rejects.toMatchObject({ name: "MalformedArnException" });
  });
});

describe("Tagging", () => {
  it("GetResources with filters and paging", async () => {
    const t = withCapture(taggingClient(sim, await memberCreds(sim, mgmt, account("Prod Data"))), "tagging");
    const pages = await all(
      T.paginateGetResources(
        { client: t, pageSize: 2 },
        { ResourceTypeFilters: ["dynamodb:table", "s3"], TagFilters: [{ Key: "data-class", Values: ["pii"] }] },
      ),
    );
    const arns = pages.flatMap((p) => p.ResourceTagMappingList ?? []).map((r) => r.ResourceARN);
    // customer-profiles, data-lake, and customer-exports in us-east-1 (scratch-table is DynamoDB too).
    expect(arns.length).toBe(4);
    expect(pages.at(-1)?.PaginationToken).toBe("");
  });
});

describe("KMS", () => {
  it("DescribeKey tells AWS- from customer-managed vault keys; ListAliases pages; the errors are AWS's", async () => {
    const region = "us-east-1";
    for (const name of ["Prod Payments", "Audit", "Log Archive"]) {
      const creds = await memberCreds(sim, mgmt, account(name));
      const kms = withCapture(kmsClient(sim, creds, region), "kms");
      const vaults =
        (await backupClient(sim, creds, region).send(new B.ListBackupVaultsCommand({}))).BackupVaultList ?? [];
      for (const v of vaults) {
        if (v.EncryptionKeyType === "AWS_OWNED_KMS_KEY") continue;
        const out = await kms.send(new K.DescribeKeyCommand({ KeyId: v.EncryptionKeyArn! })).catch((e: Error) => e);
        if (v.BackupVaultName === "archive-vault") {
          // Audit keeps this key; its key policy does not admit Log Archive's DescribeKey.
          expect(out).toMatchObject({
            name: "AccessDeniedException",
            $metadata: { httpStatusCode: 400 },
            message: expect.stringContaining("is not authorized to perform: kms:DescribeKey on resource"),
          });
          continue;
        }
        const meta = (out as K.DescribeKeyCommandOutput).KeyMetadata!;
        expect(meta.Arn).toBe(v.EncryptionKeyArn);
        expect(meta.KeyManager).toBe(v.BackupVaultName === "Default" ? "AWS" : "CUSTOMER");
        expect(meta.CreationDate).toBeInstanceOf(Date);
      }
      const aliases = (await all(K.paginateListAliases({ client: kms, pageSize: 4 }, {}))).flatMap(
        (p) => p.Aliases ?? [],
      );
      expect(aliases.find((a) => a.AliasName === "alias/aws/backup")?.TargetKeyId).toBeDefined();
      expect(aliases.filter((a) => a.AliasName!.startsWith("alias/aws/") && !a.TargetKeyId).length).toBeGreaterThan(5);
      const backupKey = aliases.find((a) => a.AliasName === "alias/aws/backup")!.TargetKeyId!;
      expect((await kms.send(new K.ListAliasesCommand({ KeyId: backupKey }))).Aliases?.map((a) => a.AliasName)).toEqual(
        ["alias/aws/backup"],
      );
      expect((await kms.send(new K.DescribeKeyCommand({ KeyId: "alias/aws/backup" }))).KeyMetadata?.KeyId).toBe(
        backupKey,
      );
    }
    const kms = withCapture(kmsClient(sim, await memberCreds(sim, mgmt, account("Prod Web")), region), "kms");
    const me = account("Prod Web");
    await expect(
      kms.send(
        new K.DescribeKeyCommand({ KeyId: `arn:aws:kms:${region}:${me}:key/00000000-0000-0000-0000-000000000000` }),
      ),
    ).rejects.toMatchObject({
      name: "NotFoundException",
      message: expect.stringMatching(/^Key 'arn:aws:kms:.*' does not exist$/),
    });
    await expect(kms.send(new K.DescribeKeyCommand({ KeyId: "alias/no-such-alias" }))).rejects.toMatchObject({
      name: "NotFoundException",
      message: expect.stringMatching(/^Alias arn:aws:kms:us-east-1:\d{12}:alias\/no-such-alias is not found\.$/),
    });
    await expect(kms.send(new K.DescribeKeyCommand({ KeyId: "not a key" }))).rejects.toMatchObject({
      name: "NotFoundException",
      message: "Invalid keyId not a key",
    });
    await expect(kms.send(new K.ListAliasesCommand({ Marker: "forged" }))).rejects.toMatchObject({
      name: "InvalidMarkerException",
    });
    await expect(kms.send(new K.ListAliasesCommand({ Limit: 0 }))).rejects.toMatchObject({
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
    });
    const page = await kms.send(new K.ListAliasesCommand({ Limit: 1000 }));
    expect(page.Aliases!.length).toBeLessThanOrEqual(100);
  });
});

describe("IAM", () => {
  it("GetRole: the backup service role with its URL-encoded trust policy, NoSuchEntity where it is missing", async () => {
    const trustOf = (r: I.Role | undefined) =>
      JSON.parse(decodeURIComponent(r!.AssumeRolePolicyDocument!)) as {
        Statement: Array<{ Effect: string; Principal: Record<string, string>; Action: string }>;
      };
    for (const name of ["Management", "Prod Payments", "Audit"]) {
      const iam = withCapture(iamClient(sim, await memberCreds(sim, mgmt, account(name))), "iam");
      const role = (await iam.send(new I.GetRoleCommand({ RoleName: "AWSBackupDefaultServiceRole" }))).Role!;
      expect(role).toMatchObject({
        Path: "/service-role/",
        RoleName: "AWSBackupDefaultServiceRole",
        Arn: `arn:aws:iam::${account(name)}:role/service-role/AWSBackupDefaultServiceRole`,
        RoleId: expect.stringMatching(/^AROA[0-9A-F]{17}$/),
      });
      expect(role.CreateDate).toBeInstanceOf(Date);
      // IAM returns the policy URL-encoded (RFC 3986); the SDK hands it over as it came.
      expect(role.AssumeRolePolicyDocument).toMatch(/^%7B/);
      expect(trustOf(role).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
    const payments = withCapture(iamClient(sim, await memberCreds(sim, mgmt, account("Prod Payments"))), "iam");
    expect((await payments.send(new I.GetRoleCommand({ RoleName: "BackupAdmin" }))).Role).toMatchObject({
      Path: "/",
      Arn: `arn:aws:iam::${account("Prod Payments")}:role/BackupAdmin`,
    });
    // The member role itself trusts the management role, not AWS Backup.
    const member = (await payments.send(new I.GetRoleCommand({ RoleName: sim.summary().member_role_name }))).Role;
    expect(trustOf(member).Statement[0]!.Principal).toEqual({ AWS: sim.summary().management_role_arn });
    const central = withCapture(iamClient(sim, await memberCreds(sim, mgmt, account("Backup Central"))), "iam");
    await expect(central.send(new I.GetRoleCommand({ RoleName: "AWSBackupDefaultServiceRole" }))).rejects.toMatchObject(
      {
        name: "NoSuchEntityException",
        $metadata: { httpStatusCode: 404 },
        message: "The role with name AWSBackupDefaultServiceRole cannot be found.",
      },
    );
    await expect(central.send(new I.GetRoleCommand({ RoleName: "no/slashes" }))).rejects.toMatchObject({
      name: "ValidationError",
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe("every captured response matches the AWS models", () => {
  it("has no problems", () => {
    expect(wire.length).toBeGreaterThan(100);
    const problems = wire.flatMap(validateWire);
    expect(problems.slice(0, 30)).toEqual([]);
    const ops = new Set(wire.map((w) => `${w.service}:${w.operation}`));
    expect(ops.size).toBeGreaterThanOrEqual(2 + 16 + 26 + 1 + 2 + 1 + 2);
    for (const op of [
      "backup:ListScanJobs",
      "backup:DescribeScanJob",
      "backup:ListRecoveryPointsByResource",
      "backup:ListIndexedRecoveryPoints",
      "backup:DescribeRestoreJob",
      "ram:ListResources",
      "ram:ListPrincipals",
    ])
      expect(ops.has(op), op).toBe(true);
  });
});
