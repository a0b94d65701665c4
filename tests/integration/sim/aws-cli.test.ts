import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimHandle } from "@/sim/server";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

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

async function aws(keys: Keys, args: string[], region = "us-east-1"): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    AWS_ACCESS_KEY_ID: keys.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.SecretAccessKey,
    ...(keys.SessionToken ? { AWS_SESSION_TOKEN: keys.SessionToken } : {}),
    AWS_CONFIG_FILE: path.join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"),
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
});
