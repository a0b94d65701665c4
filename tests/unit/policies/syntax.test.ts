import { describe, expect, it } from "vitest";
import { parsePolicyText } from "@/lib/policies/parse";
import {
  namedEntries,
  type BackupPolicyDocument,
  type EffectiveBackupPolicy,
  type Plan,
  type Rule,
} from "@/lib/policies/syntax";
import { checkPolicyText, validateDocument, validateEffectivePolicy } from "@/lib/policies/validate";

// Two documents in the shape the syntax page gives them (its Example 1 parent policy and Example 8),
// written out so the types below check them.
const example1: BackupPolicyDocument = {
  plans: {
    PII_Backup_Plan: {
      regions: { "@@assign": ["ap-northeast-2", "us-east-1", "eu-north-1"] },
      rules: {
        Hourly: {
          schedule_expression: { "@@assign": "cron(0 5/1 ? * * *)" },
          start_backup_window_minutes: { "@@assign": "480" },
          complete_backup_window_minutes: { "@@assign": "10080" },
          lifecycle: {
            move_to_cold_storage_after_days: { "@@assign": "180" },
            delete_after_days: { "@@assign": "270" },
            opt_in_to_archive_for_supported_resources: { "@@assign": "false" },
          },
          target_backup_vault_name: { "@@assign": "FortKnox" },
          target_logically_air_gapped_backup_vault_arn: {
            "@@assign": "arn:aws:backup:$region:$account:backup-vault:AirGappedVault",
          },
          index_actions: { resource_types: { "@@assign": ["EBS", "S3"] } },
          copy_actions: {
            "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault": {
              target_backup_vault_arn: { "@@assign": "arn:aws:backup:us-east-1:$account:backup-vault:secondary_vault" },
              lifecycle: {
                move_to_cold_storage_after_days: { "@@assign": "30" },
                delete_after_days: { "@@assign": "120" },
              },
            },
            "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault": {
              target_backup_vault_arn: {
                "@@assign": "arn:aws:backup:us-west-1:111111111111:backup-vault:tertiary_vault",
              },
              lifecycle: {
                move_to_cold_storage_after_days: { "@@assign": "30" },
                delete_after_days: { "@@assign": "120" },
              },
            },
          },
        },
      },
      selections: {
        tags: {
          datatype: {
            iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/MyIamRole" },
            tag_key: { "@@assign": "dataType" },
            tag_value: { "@@assign": ["PII", "RED"] },
          },
        },
      },
      advanced_backup_settings: { ec2: { windows_vss: { "@@assign": "enabled" } } },
    },
  },
};

const example8: BackupPolicyDocument = {
  plans: {
    Malware_Scan_Backup_Plan: {
      regions: { "@@assign": ["us-east-1", "us-west-2"] },
      rules: {
        Daily_With_Incremental_Scan: {
          schedule_expression: { "@@assign": "cron(0 5 ? * * *)" },
          start_backup_window_minutes: { "@@assign": "60" },
          target_backup_vault_name: { "@@assign": "Default" },
          lifecycle: { delete_after_days: { "@@assign": "35" } },
          scan_actions: { GUARDDUTY: { scan_mode: { "@@assign": "INCREMENTAL_SCAN" } } },
        },
      },
      selections: {
        tags: {
          scan_selection: {
            iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/MyBackupRole" },
            tag_key: { "@@assign": "backup" },
            tag_value: { "@@assign": ["true"] },
          },
        },
      },
      scan_settings: {
        GUARDDUTY: {
          resource_types: { "@@assign": ["EBS"] },
          scanner_role_arn: { "@@assign": "arn:aws:iam::$account:role/MyGuardDutyScannerRole" },
        },
      },
    },
  },
};

describe("the typed model", () => {
  it("types the syntax page's examples, and the validator accepts them", () => {
    for (const doc of [example1, example8]) {
      const parsed = parsePolicyText(JSON.stringify(doc));
      expect(parsed.ok && validateDocument(parsed.value)).toEqual([]);
    }
  });

  it("types an effective policy with bare values", () => {
    const effective: EffectiveBackupPolicy = {
      plans: {
        P: {
          regions: ["us-east-1"],
          rules: {
            daily: {
              schedule_expression: "cron(0 5 ? * * *)",
              target_backup_vault_name: "Default",
              start_backup_window_minutes: 60,
              enable_continuous_backup: false,
            },
          },
          selections: { resources: { all: { iam_role_arn: "arn:aws:iam::$account:role/R", resource_types: ["*"] } } },
        },
      },
    };
    expect(checkPolicyText(JSON.stringify(effective), { mode: "effective" }).errors).toEqual([]);
    expect(validateEffectivePolicy(JSON.parse(JSON.stringify(effective)))).toEqual([]);
  });

  it("lists named entries without the child-control operator", () => {
    const plan: NonNullable<BackupPolicyDocument["plans"]>[string] = {
      rules: {
        "@@operators_allowed_for_child_policies": ["@@append"],
        Hourly: { target_backup_vault_name: { "@@assign": "v1" } },
      },
    };
    if (Array.isArray(plan)) throw new Error("a plan, not a child-control list");
    const entries: Array<[string, Rule]> = namedEntries((plan as Plan).rules);
    expect(entries.map(([name]) => name)).toEqual(["Hourly"]);
    expect(namedEntries(undefined)).toEqual([]);
  });
});
