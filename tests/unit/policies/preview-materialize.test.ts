import { describe, expect, it } from "vitest";
import { diffPlan, parseBackupPolicy } from "@/lib/compliance/org/backup-policy";
import { deleteAfterDays } from "@/lib/compliance/lifecycle";
import { computeEffectivePolicy } from "@/lib/policies/effective";
import type { JsonObject } from "@/lib/policies/parse";
import { materialisePolicyPlans, reconcileOrgPlans, type MaterialisedPlan } from "@/lib/policies/plan-materialize";
import { plan } from "../compliance/fixtures";

// The plans AWS Backup makes from an effective policy, as the preview predicts them: written from
// the syntax page, and held to what BK-17 reads as "no drift" (the same rules, vault, retention and
// copies), so a push the preview calls clean is clean to the control too.

const ACCOUNT = "123456789012";
const CENTRAL = "210987654321";
const a = (v: unknown) => ({ "@@assign": v });

function effectiveOf(...levels: object[][]): JsonObject {
  const r = computeEffectivePolicy(levels.map((l) => l.map((d) => JSON.stringify(d))));
  if (!r.ok) throw new Error(r.error.message);
  return r.policy;
}

const baseline = {
  plans: {
    Baseline: {
      regions: a(["us-east-1", "eu-west-1"]),
      rules: {
        Daily: {
          schedule_expression: a("cron(0 5 ? * * *)"),
          schedule_expression_timezone: a("Europe/Paris"),
          target_backup_vault_name: a("vault-$region"),
          start_backup_window_minutes: a("60"),
          lifecycle: { move_to_cold_storage_after_days: a("30"), delete_after_days: a("365") },
          copy_actions: {
            [`arn:aws:backup:eu-west-1:${CENTRAL}:backup-vault:central`]: {
              target_backup_vault_arn: a(`arn:aws:backup:eu-west-1:${CENTRAL}:backup-vault:central`),
              lifecycle: { delete_after_days: a("400") },
            },
            "arn:aws:backup:us-west-2:$account:backup-vault:dr": { lifecycle: { delete_after_days: a("35") } },
          },
          recovery_point_tags: { owner: { tag_key: a("owner"), tag_value: a("backup-team") } },
          index_actions: { resource_types: a(["EBS"]) },
          scan_actions: { GUARDDUTY: { scan_mode: a("INCREMENTAL_SCAN") } },
        },
      },
      selections: {
        tags: {
          Tagged: {
            iam_role_arn: a("arn:aws:iam::$account:role/Backup"),
            tag_key: a("backup"),
            tag_value: a(["daily", "gold"]),
          },
        },
      },
      advanced_backup_settings: { ec2: { windows_vss: a("enabled") } },
      scan_settings: {
        GUARDDUTY: { resource_types: a(["EBS"]), scanner_role_arn: a("arn:aws:iam::$account:role/Scanner") },
      },
    },
  },
};

describe("materialisePolicyPlans", () => {
  it("makes one plan per effective plan in each Region it names, placeholders filled in, names as the effective policy shows them", () => {
    const eff = effectiveOf([baseline]);
    expect(materialisePolicyPlans(eff, ACCOUNT, "ap-south-1")).toEqual([]);
    const [p, ...rest] = materialisePolicyPlans(eff, ACCOUNT, "eu-west-1");
    expect(rest).toEqual([]);
    expect(p).toEqual<MaterialisedPlan>({
      planName: "baseline",
      rules: [
        {
          ruleId: "daily",
          ruleName: "daily",
          targetBackupVaultName: "vault-eu-west-1",
          targetLogicallyAirGappedBackupVaultArn: null,
          scheduleExpression: "cron(0 5 ? * * *)",
          scheduleExpressionTimezone: "Europe/Paris",
          startWindowMinutes: 60,
          completionWindowMinutes: null,
          lifecycle: {
            moveToColdStorageAfterDays: 30,
            deleteAfterDays: 365,
            optInToArchiveForSupportedResources: false,
          },
          copyActions: [
            {
              destinationBackupVaultArn: `arn:aws:backup:eu-west-1:${CENTRAL}:backup-vault:central`,
              lifecycle: {
                moveToColdStorageAfterDays: null,
                deleteAfterDays: 400,
                optInToArchiveForSupportedResources: false,
              },
            },
            // No target_backup_vault_arn: the key names the destination (in lower case, as the effective policy has it).
            {
              destinationBackupVaultArn: `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:dr`,
              lifecycle: {
                moveToColdStorageAfterDays: null,
                deleteAfterDays: 35,
                optInToArchiveForSupportedResources: false,
              },
            },
          ],
          enableContinuousBackup: false,
          recoveryPointTags: { owner: "backup-team" },
          scanActions: [{ malwareScanner: "GUARDDUTY", scanMode: "INCREMENTAL_SCAN" }],
          indexResourceTypes: ["EBS"],
        },
      ],
      selections: [
        {
          selectionId: "tagged",
          selectionName: "tagged",
          iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/Backup`,
          resources: [],
          notResources: [],
          listOfTags: [
            { op: "StringEquals", key: "backup", value: "daily" },
            { op: "StringEquals", key: "backup", value: "gold" },
          ],
          conditions: [],
        },
      ],
      advancedBackupSettings: [{ resourceType: "EC2", backupOptions: { WindowsVSS: "enabled" } }],
      scanSettings: [
        { malwareScanner: "GUARDDUTY", resourceTypes: ["EBS"], scannerRoleArn: `arn:aws:iam::${ACCOUNT}:role/Scanner` },
      ],
    });
  });

  it("a resource selection keeps its types, exclusions and conditions (ANDed, tag keys as written)", () => {
    const doc = {
      plans: {
        p: {
          regions: a(["us-east-1"]),
          rules: {
            r: {
              schedule_expression: a("cron(0 1 ? * * *)"),
              target_backup_vault_name: a("Default"),
              enable_continuous_backup: a(true),
              lifecycle: { delete_after_days: a("35") },
            },
          },
          selections: {
            resources: {
              s: {
                iam_role_arn: a("arn:aws:iam::$account:role/Backup"),
                resource_types: a(["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"]),
                not_resource_types: a([`arn:aws:rds:$region:$account:db:scratch`]),
                conditions: {
                  string_equals: { env: { condition_key: a("aws:ResourceTag/env"), condition_value: a("prod") } },
                  string_not_like: { t: { condition_key: a("aws:ResourceTag/tier"), condition_value: a("dev*") } },
                },
              },
            },
          },
        },
      },
    };
    const [p] = materialisePolicyPlans(effectiveOf([doc]), ACCOUNT, "us-east-1");
    expect(p!.rules[0]).toMatchObject({ enableContinuousBackup: true, lifecycle: { deleteAfterDays: 35 } });
    expect(p!.selections).toEqual([
      {
        selectionId: "s",
        selectionName: "s",
        iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/Backup`,
        resources: ["arn:aws:ec2:*:*:volume/*", "arn:aws:rds:*:*:db:*"],
        notResources: [`arn:aws:rds:us-east-1:${ACCOUNT}:db:scratch`],
        listOfTags: [],
        conditions: [
          { op: "StringEquals", key: "aws:ResourceTag/env", value: "prod" },
          { op: "StringNotLike", key: "aws:ResourceTag/tier", value: "dev*" },
        ],
      },
    ]);
  });

  it("leaves out what cannot become a backup plan: a rule without schedule or vault, a plan with no complete rule or no selection", () => {
    const eff = {
      plans: {
        "no-selection": {
          regions: ["us-east-1"],
          rules: { r: { schedule_expression: "cron(0 1 ? * * *)", target_backup_vault_name: "Default" } },
        },
        "no-vault": {
          regions: ["us-east-1"],
          rules: { r: { schedule_expression: "cron(0 1 ? * * *)" } },
          selections: { tags: { t: { iam_role_arn: "arn:aws:iam::$account:role/B", tag_key: "k", tag_value: ["v"] } } },
        },
        partial: {
          regions: ["us-east-1"],
          rules: {
            good: { schedule_expression: "rate(12 hours)", target_backup_vault_name: "Default" },
            bad: { target_backup_vault_name: "Default" },
          },
          selections: { tags: { t: { iam_role_arn: "arn:aws:iam::$account:role/B", tag_key: "k", tag_value: "v" } } },
        },
      },
    };
    const plans = materialisePolicyPlans(eff, ACCOUNT, "us-east-1");
    expect(plans.map((p) => [p.planName, p.rules.map((r) => r.ruleName), p.selections[0]!.listOfTags])).toEqual([
      ["partial", ["good"], [{ op: "StringEquals", key: "k", value: "v" }]],
    ]);
  });

  it("inherited and overridden settings reach the plan as merged (a child's @@assign, an appended tag value)", () => {
    const child = {
      plans: {
        Baseline: {
          rules: { Daily: { lifecycle: { delete_after_days: a("400") } } },
          selections: { tags: { Tagged: { tag_value: { "@@append": ["silver"] } } } },
        },
      },
    };
    const [p] = materialisePolicyPlans(effectiveOf([baseline], [child]), ACCOUNT, "us-east-1");
    expect(p!.rules[0]!.lifecycle?.deleteAfterDays).toBe(400);
    expect(p!.selections[0]!.listOfTags.map((t) => t.value)).toEqual(["daily", "gold", "silver"]);
  });

  it("is what BK-17 reads as materialised without drift", () => {
    const eff = effectiveOf([baseline]);
    const intent = parseBackupPolicy(JSON.stringify(eff));
    if (!intent.ok) throw new Error(intent.error);
    for (const region of ["us-east-1", "eu-west-1"]) {
      const [p] = materialisePolicyPlans(eff, ACCOUNT, region);
      const rules = p!.rules.map((r) => ({
        ruleName: r.ruleName,
        scheduleExpression: r.scheduleExpression,
        targetBackupVaultName: r.targetBackupVaultName,
        deleteAfterDays: deleteAfterDays(r.lifecycle),
        coldAfterDays: r.lifecycle?.moveToColdStorageAfterDays ?? null,
        continuous: r.enableContinuousBackup,
        copyDestinations: r.copyActions.map((c) => c.destinationBackupVaultArn),
      }));
      expect(diffPlan(intent.plans[0]!, rules, ACCOUNT, region)).toEqual([]);
    }
  });
});

describe("reconcileOrgPlans", () => {
  const unit = { accountId: ACCOUNT, region: "us-east-1" };
  const handMade = plan({ accountId: ACCOUNT, region: "us-east-1", planId: "hand", planName: "baseline" });
  const org = (name: string, id: string) =>
    plan({
      accountId: ACCOUNT,
      region: "us-east-1",
      planId: `orgs/${id}`,
      planArn: `arn:aws:backup:us-east-1:${ACCOUNT}:backup-plan:orgs/${id}`,
      planName: name,
      orgManaged: true,
    });

  it("keeps hand-made plans, updates a same-named org plan in place, deletes org plans no longer in force, creates the rest", () => {
    const desired = materialisePolicyPlans(effectiveOf([baseline]), ACCOUNT, "us-east-1");
    const extra: MaterialisedPlan = { ...desired[0]!, planName: "extra" };
    const out = reconcileOrgPlans(
      [handMade, org("baseline", "1111"), org("retired", "2222")],
      [...desired, extra],
      unit,
    );
    expect(out.map((p) => [p.planName, p.planId, p.orgManaged])).toEqual([
      ["baseline", "hand", false],
      ["baseline", "orgs/1111", true],
      ["extra", "orgs/pending-extra", true],
    ]);
    expect(out[1]).toMatchObject({
      planArn: `arn:aws:backup:us-east-1:${ACCOUNT}:backup-plan:orgs/1111`,
      versionId: "pending",
      selections: desired[0]!.selections,
    });
    // The fixture's plan has a rule "daily" (id rule-daily): it stays, with its id.
    expect(out[1]!.rules).toEqual(desired[0]!.rules.map((r) => ({ ...r, ruleId: "rule-daily" })));
    expect(out[2]!.planArn).toBe(`arn:aws:backup:us-east-1:${ACCOUNT}:backup-plan:orgs/pending-extra`);
  });

  it("a rule that stays in an updated plan keeps its id, so its findings stay the same subject", () => {
    const [d] = materialisePolicyPlans(effectiveOf([baseline]), ACCOUNT, "us-east-1");
    const existing = { ...org("baseline", "1111"), rules: [{ ...d!.rules[0]!, ruleId: "5f0c-rule-id" }] };
    const [p] = reconcileOrgPlans(
      [existing],
      [{ ...d!, rules: [...d!.rules, { ...d!.rules[0]!, ruleId: "weekly", ruleName: "weekly" }] }],
      unit,
    );
    expect(p!.rules.map((r) => [r.ruleName, r.ruleId])).toEqual([
      ["daily", "5f0c-rule-id"],
      ["weekly", "weekly"],
    ]);
  });

  it("with no effective policy, only hand-made plans remain", () => {
    expect(reconcileOrgPlans([handMade, org("baseline", "1111")], [], unit)).toEqual([handMade]);
  });
});
