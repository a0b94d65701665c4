import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimHandle } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { MODELS_DIR } from "../../unit/sim/models";

/**
 * The AWS CLI v2 from Debian's `awscli` package (2.9: takes --endpoint-url, predates
 * AWS_ENDPOINT_URL) against the simulator: list and describe calls with its own paging, KMS and IAM included.
 * /root/.pyenv/shims/aws is an unrelated v1, so the binary is named explicitly.
 */
const AWS = "/usr/bin/aws";
const run = promisify(execFile);
let sim: SimHandle;
const home = mkdtempSync(path.join(tmpdir(), "sim-awscli-"));

beforeAll(async () => {
  if (!existsSync(AWS))
    throw new Error(`${AWS} is missing: install Debian's awscli package (apt-get install -y awscli)`);
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
});
afterAll(() => sim?.stop());

interface Keys {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
}

/**
 * CLI 2.9 predates malware scanning (2025): this HOME gives it AWS's current Backup model where
 * botocore looks for customer models (~/.aws/models, as `aws configure add-model` puts them).
 */
const currentModelsHome = mkdtempSync(path.join(tmpdir(), "sim-awscli-models-"));
const backupModels = path.join(currentModelsHome, ".aws/models/backup/2018-11-15");
mkdirSync(backupModels, { recursive: true });
for (const f of ["service-2.json", "paginators-1.json"])
  copyFileSync(path.join(MODELS_DIR, "botocore/backup/2018-11-15", f), path.join(backupModels, f));

async function aws(keys: Keys, args: string[], region = "us-east-1", cliHome = home): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: cliHome,
    AWS_ACCESS_KEY_ID: keys.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
    ...(keys.SessionToken ? { AWS_SESSION_TOKEN: keys.SessionToken } : {}),
    AWS_CONFIG_FILE: path.join(cliHome, "none"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(cliHome, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
    NODE_ENV: "test",
    // The CLI signs with the machine's clock and the simulator checks the signature's age with
    // its own: where a run moves this process's clock (CI's faketime pass), the CLI's moves too.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k === "LD_PRELOAD" || k.startsWith("FAKETIME"))),
  };
  const { stdout } = await run(AWS, [...args, "--endpoint-url", sim.url, "--region", region, "--output", "json"], {
    env,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}

describe("AWS CLI v2 (Debian awscli 2.9)", () => {
  it("is the v2 CLI", async () => {
    const { stdout } = await run(AWS, ["--version"]);
    expect(stdout).toMatch(/^aws-cli\/2\./);
  });

  it("assumes roles and walks Organizations with paging", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    expect((await aws(principal, ["sts", "get-caller-identity"])).Arn).toBe(w.principal.arn);
    const mgmt = (
      await aws(principal, [
        "sts",
        "assume-role",
        "--role-arn",
        w.management_role_arn,
        "--role-session-name",
        "cli",
        "--external-id",
        w.external_id,
      ])
    ).Credentials as Keys;
    expect((await aws(mgmt, ["organizations", "list-accounts", "--page-size", "5"])).Accounts).toHaveLength(
      w.counts.accounts,
    );
    const roots = (await aws(mgmt, ["organizations", "list-roots"])).Roots as { Id: string }[];
    expect(
      (
        await aws(mgmt, [
          "organizations",
          "list-organizational-units-for-parent",
          "--parent-id",
          roots[0]!.Id,
          "--page-size",
          "1",
        ])
      ).OrganizationalUnits,
    ).toHaveLength(3);
    expect(((await aws(mgmt, ["organizations", "describe-organization"])).Organization as { Id: string }).Id).toBe(
      w.organization_id,
    );
    const policies = (
      await aws(mgmt, ["organizations", "list-policies", "--filter", "BACKUP_POLICY", "--page-size", "1"])
    ).Policies as unknown[];
    expect(policies).toHaveLength(3);
    const data = w.accounts.find((a) => a.name === "Prod Data")!.account_id;
    const eff = (
      await aws(mgmt, [
        "organizations",
        "describe-effective-policy",
        "--policy-type",
        "BACKUP_POLICY",
        "--target-id",
        data,
      ])
    ).EffectivePolicy as { PolicyContent: string };
    expect(JSON.parse(eff.PolicyContent).plans["org-daily"].regions).toEqual(["us-east-1"]);
    await expect(
      aws(mgmt, ["organizations", "describe-account", "--account-id", "000000000000"]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("AccountNotFoundException") });
  }, 120_000);

  it("puts, describes and deletes the organization's delegation policy, and reads its errors", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    const assume = async (roleArn: string, from: Keys, externalId?: string) =>
      (
        await aws(from, [
          "sts",
          "assume-role",
          "--role-arn",
          roleArn,
          "--role-session-name",
          "cli",
          ...(externalId ? ["--external-id", externalId] : []),
        ])
      ).Credentials as Keys;
    const mgmt = await assume(w.management_role_arn, principal, w.external_id);
    const web = w.accounts.find((a) => a.name === "Prod Web")!.account_id;
    const member = await assume(`arn:aws:iam::${web}:role/${w.member_role_name}`, mgmt);
    const content = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${web}:root` },
          Action: ["organizations:ListPolicies", "organizations:CreatePolicy"],
          Resource: "*",
          Condition: { StringLikeIfExists: { "organizations:PolicyType": "BACKUP_POLICY" } },
        },
      ],
    });
    await expect(aws(mgmt, ["organizations", "describe-resource-policy"])).rejects.toMatchObject({
      stderr: expect.stringContaining("ResourcePolicyNotFoundException"),
    });
    await expect(aws(member, ["organizations", "list-policies", "--filter", "BACKUP_POLICY"])).rejects.toMatchObject({
      stderr: expect.stringContaining("AccessDeniedException"),
    });
    const put = (await aws(mgmt, ["organizations", "put-resource-policy", "--content", content])).ResourcePolicy as {
      ResourcePolicySummary: { Id: string; Arn: string };
      Content: string;
    };
    expect(put.ResourcePolicySummary.Id).toMatch(/^rp-/);
    expect(put.Content).toBe(content);
    expect((await aws(mgmt, ["organizations", "describe-resource-policy"])).ResourcePolicy).toEqual(put);
    expect((await aws(member, ["organizations", "list-policies", "--filter", "BACKUP_POLICY"])).Policies).toHaveLength(
      3,
    );
    await expect(
      aws(mgmt, ["organizations", "put-resource-policy", "--content", '{"Version":"2012-10-17"}']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("InvalidInputException") });
    await expect(aws(member, ["organizations", "delete-resource-policy"])).rejects.toMatchObject({
      stderr: expect.stringContaining("AccessDeniedException"),
    });
    expect(await aws(mgmt, ["organizations", "delete-resource-policy"])).toEqual({});
    await expect(aws(mgmt, ["organizations", "delete-resource-policy"])).rejects.toMatchObject({
      stderr: expect.stringContaining("ResourcePolicyNotFoundException"),
    });
  }, 120_000);

  it("lists and describes Backup and Tagging resources with paging", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    const mgmt = (
      await aws(principal, [
        "sts",
        "assume-role",
        "--role-arn",
        w.management_role_arn,
        "--role-session-name",
        "cli",
        "--external-id",
        w.external_id,
      ])
    ).Credentials as Keys;
    const accountId = w.accounts.find((a) => a.name === "Prod Payments")!.account_id;
    const member = (
      await aws(mgmt, [
        "sts",
        "assume-role",
        "--role-arn",
        `arn:aws:iam::${accountId}:role/${w.member_role_name}`,
        "--role-session-name",
        "cli",
      ])
    ).Credentials as Keys;
    const unit = w.by_unit.find((u) => u.account_id === accountId && u.region === "us-east-1")!;
    const plans = (await aws(member, ["backup", "list-backup-plans", "--page-size", "1"])).BackupPlansList as {
      BackupPlanId: string;
    }[];
    expect(plans).toHaveLength(unit.counts.plans);
    const orgPlan = plans.find((p) => p.BackupPlanId.startsWith("orgs/"))!;
    expect(
      (
        (await aws(member, ["backup", "get-backup-plan", "--backup-plan-id", orgPlan.BackupPlanId])).BackupPlan as {
          BackupPlanName: string;
        }
      ).BackupPlanName,
    ).toBe("org-daily");
    const selections = (
      await aws(member, ["backup", "list-backup-selections", "--backup-plan-id", orgPlan.BackupPlanId])
    ).BackupSelectionsList as { SelectionId: string }[];
    await aws(member, [
      "backup",
      "get-backup-selection",
      "--backup-plan-id",
      orgPlan.BackupPlanId,
      "--selection-id",
      selections[0]!.SelectionId,
    ]);
    const vaults = (await aws(member, ["backup", "list-backup-vaults"])).BackupVaultList as {
      BackupVaultName: string;
      NumberOfRecoveryPoints: number;
    }[];
    expect(vaults).toHaveLength(unit.counts.vaults);
    let rps = 0;
    for (const v of vaults) {
      const list = (
        await aws(member, [
          "backup",
          "list-recovery-points-by-backup-vault",
          "--backup-vault-name",
          v.BackupVaultName,
          "--page-size",
          "50",
        ])
      ).RecoveryPoints as { RecoveryPointArn: string }[];
      expect(list).toHaveLength(v.NumberOfRecoveryPoints);
      rps += list.length;
      if (list[0])
        expect(
          (
            await aws(member, [
              "backup",
              "describe-recovery-point",
              "--backup-vault-name",
              v.BackupVaultName,
              "--recovery-point-arn",
              list[0].RecoveryPointArn,
            ])
          ).RecoveryPointArn,
        ).toBe(list[0].RecoveryPointArn);
    }
    expect(rps).toBe(unit.counts.recovery_points);
    expect((await aws(member, ["backup", "list-backup-jobs", "--page-size", "100"])).BackupJobs).toHaveLength(
      unit.counts.backup_jobs,
    );
    expect((await aws(member, ["backup", "list-copy-jobs", "--page-size", "200"])).CopyJobs).toHaveLength(
      unit.counts.copy_jobs,
    );
    expect((await aws(member, ["backup", "list-protected-resources"])).Results).toHaveLength(
      unit.counts.protected_resources,
    );
    // CLI 2.9 predates restore testing (November 2023): no list-restore-testing-plans command.
    expect((await aws(member, ["backup", "list-restore-jobs"])).RestoreJobs).toHaveLength(unit.counts.restore_jobs);
    expect((await aws(member, ["backup", "describe-region-settings"])).ResourceTypeOptInPreference).toMatchObject({
      EBS: true,
    });
    await aws(member, ["backup", "describe-global-settings"]);
    await expect(
      aws(member, ["backup", "describe-backup-vault", "--backup-vault-name", "missing-vault"]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("AccessDeniedException") });
    expect(
      (await aws(member, ["resourcegroupstaggingapi", "get-resources", "--page-size", "2"])).ResourceTagMappingList,
    ).toHaveLength(unit.counts.resources);
  }, 180_000);

  it("tells who manages each vault key with KMS describe-key and list-aliases (its own paging), and reads KMS's errors", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    const mgmt = (
      await aws(principal, [
        "sts",
        "assume-role",
        "--role-arn",
        w.management_role_arn,
        "--role-session-name",
        "cli",
        "--external-id",
        w.external_id,
      ])
    ).Credentials as Keys;
    const memberOf = async (name: string) => {
      const id = w.accounts.find((a) => a.name === name)!.account_id;
      return (
        await aws(mgmt, [
          "sts",
          "assume-role",
          "--role-arn",
          `arn:aws:iam::${id}:role/${w.member_role_name}`,
          "--role-session-name",
          "cli",
        ])
      ).Credentials as Keys;
    };
    const payments = await memberOf("Prod Payments");
    const vaults = (await aws(payments, ["backup", "list-backup-vaults"])).BackupVaultList as {
      BackupVaultName: string;
      EncryptionKeyArn: string;
    }[];
    for (const v of vaults) {
      const meta = (await aws(payments, ["kms", "describe-key", "--key-id", v.EncryptionKeyArn])).KeyMetadata as {
        KeyManager: string;
        Arn: string;
        KeyState: string;
      };
      expect([v.BackupVaultName, meta.Arn, meta.KeyState]).toEqual([v.BackupVaultName, v.EncryptionKeyArn, "Enabled"]);
      expect(meta.KeyManager).toBe(v.BackupVaultName === "Default" ? "AWS" : "CUSTOMER");
    }
    // The CLI follows NextMarker itself (Truncated/NextMarker paging, 3 aliases a page).
    const aliases = (await aws(payments, ["kms", "list-aliases", "--page-size", "3"])).Aliases as {
      AliasName: string;
      TargetKeyId?: string;
    }[];
    expect(aliases.length).toBeGreaterThan(10);
    expect(
      aliases
        .filter((a) => a.TargetKeyId)
        .map((a) => a.AliasName)
        .sort(),
    ).toEqual(["alias/aws/backup", "alias/org-vault-key", "alias/prod-vault-key"]);
    const logArchive = await memberOf("Log Archive");
    const archive = (
      (await aws(logArchive, ["backup", "list-backup-vaults"])).BackupVaultList as {
        BackupVaultName: string;
        EncryptionKeyArn: string;
      }[]
    ).find((v) => v.BackupVaultName === "archive-vault")!;
    await expect(aws(logArchive, ["kms", "describe-key", "--key-id", archive.EncryptionKeyArn])).rejects.toMatchObject({
      stderr: expect.stringMatching(/AccessDeniedException.*is not authorized to perform: kms:DescribeKey/),
    });
    await expect(aws(logArchive, ["kms", "describe-key", "--key-id", "alias/no-such-alias"])).rejects.toMatchObject({
      stderr: expect.stringMatching(/NotFoundException.*alias\/no-such-alias is not found/),
    });
  }, 120_000);

  it("reads a role and its trust policy with iam get-role (awsQuery, signed for iam), and IAM's NoSuchEntity", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    const mgmt = (
      await aws(principal, [
        "sts",
        "assume-role",
        "--role-arn",
        w.management_role_arn,
        "--role-session-name",
        "cli",
        "--external-id",
        w.external_id,
      ])
    ).Credentials as Keys;
    const memberOf = async (name: string) => {
      const id = w.accounts.find((a) => a.name === name)!.account_id;
      return (
        await aws(mgmt, [
          "sts",
          "assume-role",
          "--role-arn",
          `arn:aws:iam::${id}:role/${w.member_role_name}`,
          "--role-session-name",
          "cli",
        ])
      ).Credentials as Keys;
    };
    const audit = await memberOf("Audit");
    // botocore decodes the URL-encoded trust policy into JSON itself.
    const role = (await aws(audit, ["iam", "get-role", "--role-name", "AWSBackupDefaultServiceRole"])).Role as {
      Path: string;
      Arn: string;
      AssumeRolePolicyDocument: { Statement: unknown[] };
    };
    expect(role.Path).toBe("/service-role/");
    expect(role.Arn).toMatch(/^arn:aws:iam::\d{12}:role\/service-role\/AWSBackupDefaultServiceRole$/);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const central = await memberOf("Backup Central");
    await expect(aws(central, ["iam", "get-role", "--role-name", "AWSBackupDefaultServiceRole"])).rejects.toMatchObject(
      { stderr: expect.stringMatching(/NoSuchEntity.*The role with name AWSBackupDefaultServiceRole cannot be found/) },
    );
  }, 120_000);

  it("reads malware scan jobs and scanned, indexed and DELETE_AFTER_COPY points with the current Backup model, and RAM shares", async () => {
    const w = sim.summary();
    const principal = { AccessKeyId: w.principal.access_key_id, SecretAccessKey: w.principal.secret_access_key };
    const mgmt = (
      await aws(principal, [
        "sts",
        "assume-role",
        "--role-arn",
        w.management_role_arn,
        "--role-session-name",
        "cli",
        "--external-id",
        w.external_id,
      ])
    ).Credentials as Keys;
    const idOf = (name: string) => w.accounts.find((a) => a.name === name)!.account_id;
    const memberOf = async (name: string) =>
      (
        await aws(mgmt, [
          "sts",
          "assume-role",
          "--role-arn",
          `arn:aws:iam::${idOf(name)}:role/${w.member_role_name}`,
          "--role-session-name",
          "cli",
        ])
      ).Credentials as Keys;
    const cli = (keys: Keys, args: string[], region = "us-east-1") => aws(keys, args, region, currentModelsHome);
    const data = await memberOf("Prod Data");
    const unit = w.by_unit.find((u) => u.account_id === idOf("Prod Data") && u.region === "us-east-1")!;
    // The CLI follows NextToken itself (5 jobs a page).
    const jobs = (await cli(data, ["backup", "list-scan-jobs", "--page-size", "5"])).ScanJobs as {
      ScanJobId: string;
      State: string;
      ScanResult?: { ScanResultStatus: string };
    }[];
    expect(jobs).toHaveLength(unit.resilience.scan_jobs);
    expect(jobs.some((j) => j.ScanResult?.ScanResultStatus === "THREATS_FOUND")).toBe(true);
    const infected = (
      await cli(data, [
        "backup",
        "list-scan-jobs",
        "--by-scan-result-status",
        "THREATS_FOUND",
        "--by-resource-type",
        "S3",
      ])
    ).ScanJobs as { ScanJobId: string }[];
    expect(infected.length).toBeGreaterThan(0);
    expect(await cli(data, ["backup", "describe-scan-job", "--scan-job-id", infected[0]!.ScanJobId])).toMatchObject({
      ScanJobId: infected[0]!.ScanJobId,
      MalwareScanner: "GUARDDUTY",
      ScanResult: { ScanResultStatus: "THREATS_FOUND" },
    });
    await expect(
      cli(data, ["backup", "describe-scan-job", "--scan-job-id", "00000000-0000-0000-0000-000000000000"]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("ResourceNotFoundException") });
    const points = (
      await cli(data, ["backup", "list-recovery-points-by-backup-vault", "--backup-vault-name", "org-vault"])
    ).RecoveryPoints as { AggregatedScanResult?: { Findings: string[] }; IndexStatus?: string }[];
    expect(points.some((p) => p.AggregatedScanResult?.Findings.includes("MALWARE"))).toBe(true);
    expect(points.some((p) => p.IndexStatus === "ACTIVE")).toBe(true);
    expect(
      ((await cli(data, ["backup", "list-indexed-recovery-points"])).IndexedRecoveryPoints as unknown[]).length,
    ).toBe(points.filter((p) => p.IndexStatus).length);
    const payments = await memberOf("Prod Payments");
    const eu = (
      await cli(
        payments,
        ["backup", "list-recovery-points-by-backup-vault", "--backup-vault-name", "prod-vault"],
        "eu-west-1",
      )
    ).RecoveryPoints as { Lifecycle?: { DeleteAfterEvent?: string } }[];
    expect(eu.some((p) => p.Lifecycle?.DeleteAfterEvent === "DELETE_AFTER_COPY")).toBe(true);
    const restores = (await cli(payments, ["backup", "list-restore-jobs"])).RestoreJobs as {
      RestoreJobId: string;
      ValidationStatus?: string;
    }[];
    const validated = restores.find((r) => r.ValidationStatus === "FAILED")!;
    expect(
      (await cli(payments, ["backup", "describe-restore-job", "--restore-job-id", validated.RestoreJobId]))
        .ValidationStatus,
    ).toBe("FAILED");
    const central = await memberOf("Backup Central");
    expect(
      (await cli(central, ["backup", "describe-backup-vault", "--backup-vault-name", "airgap-vault"]))
        .MpaApprovalTeamArn,
    ).toMatch(/^arn:aws:mpa::\d{12}:approval-team\//);
    // RAM with the CLI's own model (RAM's two list calls are old): POST /listresources, its own paging.
    const resources = (
      await aws(
        central,
        ["ram", "list-resources", "--resource-owner", "SELF", "--resource-type", "backup:BackupVault"],
        "eu-west-1",
      )
    ).resources as { arn: string; resourceShareArn: string }[];
    expect(resources.map((r) => r.arn)).toEqual([
      `arn:aws:backup:eu-west-1:${idOf("Backup Central")}:backup-vault:airgap-vault`,
    ]);
    const principals = (
      await aws(central, ["ram", "list-principals", "--resource-owner", "SELF", "--page-size", "1"], "eu-west-1")
    ).principals as { id: string; external: boolean; resourceShareArn: string }[];
    expect(principals.map((p) => [p.id, p.external, p.resourceShareArn])).toEqual([
      [expect.stringContaining(":ou/"), false, resources[0]!.resourceShareArn],
      [idOf("Audit"), false, resources[0]!.resourceShareArn],
    ]);
    const shared = (await aws(central, ["ram", "list-principals", "--resource-owner", "SELF"])).principals as {
      id: string;
      external: boolean;
    }[];
    expect(shared).toEqual([expect.objectContaining({ id: "999988887777", external: true })]);
    const web = await memberOf("Prod Web");
    expect(
      (
        (await aws(web, ["ram", "list-resources", "--resource-owner", "OTHER-ACCOUNTS"], "eu-west-1"))
          .resources as unknown[]
      ).length,
    ).toBe(1);
    await expect(
      aws(web, ["ram", "list-resources", "--resource-owner", "SELF", "--resource-type", "no type"]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining("InvalidResourceTypeException") });
  }, 180_000);
});
