import { describe, expect, it } from "vitest";
import {
  encryptionKeyTypeOf,
  isOrgManagedPlanArn,
  toBackupPlan,
  toBackupSelection,
  toBackupVault,
  toGlobalSettings,
  toLifecycle,
  toRecoveryPoint,
} from "@/lib/aws/backup.adapter";

const unit = { accountId: "111122223333", region: "eu-west-1" };

describe("AWS Backup shapes to the domain model", () => {
  it("keeps 'never expires' apart from 'no lifecycle'", () => {
    expect(toLifecycle(undefined)).toBeNull();
    expect(toLifecycle({})).toBeNull();
    expect(toLifecycle({ MoveToColdStorageAfterDays: 30 })).toEqual({
      moveToColdStorageAfterDays: 30,
      deleteAfterDays: null,
      optInToArchiveForSupportedResources: false,
    });
    expect(toLifecycle({ DeleteAfterDays: 35, OptInToArchiveForSupportedResources: true })).toEqual({
      moveToColdStorageAfterDays: null,
      deleteAfterDays: 35,
      optInToArchiveForSupportedResources: true,
    });
  });

  it("maps a selection's ListOfTags and every Conditions operator", () => {
    const s = toBackupSelection({
      SelectionId: "sel-1",
      BackupSelection: {
        SelectionName: "tagged",
        IamRoleArn: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
        Resources: ["arn:aws:ec2:*:*:volume/*"],
        NotResources: ["arn:aws:ec2:eu-west-1:111122223333:volume/vol-1"],
        ListOfTags: [{ ConditionType: "STRINGEQUALS", ConditionKey: "backup", ConditionValue: "daily" }],
        Conditions: {
          StringEquals: [{ ConditionKey: "aws:ResourceTag/env", ConditionValue: "prod" }],
          StringNotLike: [{ ConditionKey: "aws:ResourceTag/tier", ConditionValue: "scratch*" }],
        },
      },
    });
    expect(s.listOfTags).toEqual([{ op: "StringEquals", key: "backup", value: "daily" }]);
    expect(s.conditions).toEqual([
      { op: "StringEquals", key: "aws:ResourceTag/env", value: "prod" },
      { op: "StringNotLike", key: "aws:ResourceTag/tier", value: "scratch*" },
    ]);
    expect(s.notResources).toHaveLength(1);
  });

  it("recognises plans AWS materialised from an Organizations backup policy", () => {
    expect(
      isOrgManagedPlanArn(
        "arn:aws:backup:eu-west-1:111122223333:backup-plan:orgs/5f0c0f1e-6b6a-4a3b-8f2e-1d2c3b4a5f6e",
      ),
    ).toBe(true);
    expect(
      isOrgManagedPlanArn("arn:aws:backup:eu-west-1:111122223333:backup-plan:5f0c0f1e-6b6a-4a3b-8f2e-1d2c3b4a5f6e"),
    ).toBe(false);
    const plan = toBackupPlan(
      unit,
      {
        BackupPlanId: "orgs/abc",
        BackupPlanArn: "arn:aws:backup:eu-west-1:111122223333:backup-plan:orgs/abc",
        VersionId: "v1",
      },
      {
        BackupPlanId: "orgs/abc",
        BackupPlanArn: "arn:aws:backup:eu-west-1:111122223333:backup-plan:orgs/abc",
        VersionId: "v2",
        BackupPlan: {
          BackupPlanName: "org-daily",
          Rules: [
            {
              RuleName: "daily",
              RuleId: "r1",
              TargetBackupVaultName: "org-vault",
              ScheduleExpression: "cron(0 3 ? * * *)",
              CopyActions: [{ DestinationBackupVaultArn: "arn:aws:backup:us-east-1:444455556666:backup-vault:dr" }],
            },
          ],
        },
      },
      [],
    );
    expect(plan).toMatchObject({ planId: "orgs/abc", versionId: "v2", orgManaged: true, planName: "org-daily" });
    expect(plan.rules[0]).toMatchObject({
      ruleId: "r1",
      targetBackupVaultName: "org-vault",
      lifecycle: null,
      enableContinuousBackup: false,
      copyActions: [
        { destinationBackupVaultArn: "arn:aws:backup:us-east-1:444455556666:backup-vault:dr", lifecycle: null },
      ],
    });
  });

  it("derives the key type of a vault only when AWS does not say it", () => {
    expect(encryptionKeyTypeOf("CUSTOMER_MANAGED_KMS_KEY", "arn:aws:kms:eu-west-1:111122223333:key/abc")).toBe(
      "CUSTOMER_MANAGED_KMS_KEY",
    );
    expect(encryptionKeyTypeOf(undefined, "arn:aws:kms:eu-west-1:111122223333:alias/aws/backup")).toBe(
      "AWS_MANAGED_KMS_KEY",
    );
    expect(encryptionKeyTypeOf(undefined, "arn:aws:kms:eu-west-1:111122223333:key/abc")).toBeNull();
    const v = toBackupVault(
      unit,
      {
        BackupVaultName: "prod",
        BackupVaultArn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:prod",
        Locked: true,
        MinRetentionDays: 7,
        LockDate: new Date("2026-01-01T00:00:00Z"),
      },
      null,
      { topicArn: null, events: [] },
    );
    expect(v).toMatchObject({
      vaultType: "BACKUP_VAULT",
      locked: true,
      minRetentionDays: 7,
      maxRetentionDays: null,
      accessPolicy: null,
      numberOfRecoveryPoints: 0,
    });
  });

  it("maps a recovery point, its creator and calculated lifecycle", () => {
    const created = new Date("2026-10-24T02:31:40Z");
    const rp = toRecoveryPoint(unit, {
      RecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-1",
      BackupVaultName: "Default",
      ResourceArn: "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1",
      ResourceType: "EBS",
      Status: "COMPLETED",
      CreationDate: created,
      IsEncrypted: true,
      Lifecycle: { DeleteAfterDays: 35 },
      CalculatedLifecycle: { DeleteAt: new Date("2026-11-28T02:31:40Z") },
      CreatedBy: { BackupPlanId: "p1", BackupRuleId: "r1" },
    });
    expect(rp).toMatchObject({
      creationDate: created,
      isEncrypted: true,
      backupPlanId: "p1",
      backupRuleId: "r1",
      storageClass: null,
      deleteAt: new Date("2026-11-28T02:31:40Z"),
      lifecycle: { deleteAfterDays: 35 },
    });
  });

  it("reads cross-account backup from the global settings map", () => {
    expect(
      toGlobalSettings("111122223333", { GlobalSettings: { isCrossAccountBackupEnabled: "true" } })
        .isCrossAccountBackupEnabled,
    ).toBe(true);
    expect(toGlobalSettings("111122223333", { GlobalSettings: {} }).isCrossAccountBackupEnabled).toBeNull();
  });
});
