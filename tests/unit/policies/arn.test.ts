import { describe, expect, it } from "vitest";
import { checkPlanItemName, checkRoleArn, checkVaultArn, checkVaultName } from "@/lib/policies/arn";

describe("vault names", () => {
  it.each(["Default", "backup-governance", "My_Vault_2", "ab", "x".repeat(50)])("accepts %s", (name) => {
    expect(checkVaultName(name)).toBeUndefined();
  });
  it.each(["a", "x".repeat(51), "my vault", "vault.prod", "$account-vault", "vault/1"])("refuses %s", (name) => {
    expect(checkVaultName(name)?.reason).toBe("INVALID_VAULT_NAME");
  });
});

describe("plan, rule and selection names", () => {
  it("follows AWS Backup's 1-50 '-_.' alphanumerics", () => {
    expect(checkPlanItemName("Daily_backup-1.0", "Rule")).toBeUndefined();
    expect(checkPlanItemName("Hourly backup", "Rule")?.reason).toBe("INVALID_NAME");
    expect(checkPlanItemName("x".repeat(51), "Plan")?.message).toContain("Plan name");
  });
});

describe("IAM role ARNs", () => {
  it.each([
    "arn:aws:iam::$account:role/MyIamRole",
    "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole",
    "arn:aws-us-gov:iam::$account:role/Backup",
    "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h",
  ])("accepts %s", (arn) => {
    expect(checkRoleArn(arn)).toBeUndefined();
  });

  it.each([
    ["arn:aws:iam::$account:user/Alice", "INVALID_ROLE_ARN"],
    ["arn:aws:iam::12345:role/R", "INVALID_ROLE_ARN"],
    ["arn:aws:iam:us-east-1:$account:role/R", "INVALID_ROLE_ARN"],
    ["arn:azure:iam::$account:role/R", "INVALID_ROLE_ARN"],
    ["arn:aws:iam::$account:role/", "INVALID_ROLE_ARN"],
    ["arn:aws:iam::$account:role/has space", "INVALID_ROLE_ARN"],
    ["MyIamRole", "INVALID_ROLE_ARN"],
    ["arn:aws:iam::$acount:role/R", "UNKNOWN_PLACEHOLDER"],
  ])("refuses %s", (arn, reason) => {
    expect(checkRoleArn(arn)?.reason).toBe(reason);
  });
});

describe("backup vault ARNs", () => {
  it.each([
    "arn:aws:backup:us-west-2:$account:backup-vault:My_Secondary_Vault",
    "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault",
    "arn:aws:backup:$region:$account:backup-vault:local",
    "arn:aws-us-gov:backup:us-gov-west-1:$account:backup-vault:gov",
    "arn:aws-cn:backup:cn-north-1:$account:backup-vault:cn",
  ])("accepts %s", (arn) => {
    expect(checkVaultArn(arn)).toBeUndefined();
  });

  it.each([
    ["arn:aws:backup:us-east-1:$account:vault:secondary_vault", "INVALID_VAULT_ARN"], // the old page's typo
    ["arn:aws:backup:us-east-1:$account:backup-vault:a", "INVALID_VAULT_ARN"],
    ["arn:aws:backup:us-east-1:acct:backup-vault:v1", "INVALID_VAULT_ARN"],
    ["arn:aws:backup:us-gov-west-1:$account:backup-vault:v1", "INVALID_VAULT_ARN"],
    ["arn:aws:backup:us-east-9:$account:backup-vault:v1", "INVALID_REGION"],
    ["arn:aws:backup:$regoin:$account:backup-vault:v1", "UNKNOWN_PLACEHOLDER"],
  ])("refuses %s", (arn, reason) => {
    expect(checkVaultArn(arn)?.reason).toBe(reason);
  });

  it("requires $region and $account for a logically air-gapped vault", () => {
    expect(checkVaultArn("arn:aws:backup:$region:$account:backup-vault:AirGappedVault", true)).toBeUndefined();
    expect(checkVaultArn("arn:aws:backup:us-east-1:$account:backup-vault:AirGappedVault", true)?.reason).toBe(
      "INVALID_VAULT_ARN",
    );
    expect(checkVaultArn("arn:aws:backup:$region:123456789012:backup-vault:AirGappedVault", true)?.message).toContain(
      "$region and $account",
    );
  });
});
