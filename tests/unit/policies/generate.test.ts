import { describe, expect, it } from "vitest";
import { BUILTIN_TEMPLATES } from "@/lib/compliance/templates/builtin-templates";
import { computeEffectivePolicy } from "@/lib/policies/effective";
import {
  checkPolicyParams,
  DEFAULT_ROLE_ARN,
  generatePolicy,
  paramsFromTemplate,
  readSchedule,
  scheduleExpression,
  type PolicyParams,
} from "@/lib/policies/generate";
import { checkScheduleExpression } from "@/lib/policies/cron";
import type { JsonObject } from "@/lib/policies/parse";
import { checkPolicyText } from "@/lib/policies/validate";

const iso = BUILTIN_TEMPLATES.find((t) => t.id === "iso-27001-2022")!;
const base = (): PolicyParams => paramsFromTemplate(iso, ["us-east-1", "eu-west-1"]);

/** Generates, and proves AWS would take the document: as attached, and as the only policy of an account. */
function generated(p: PolicyParams): { text: string; doc: JsonObject; effective: JsonObject } {
  const r = generatePolicy(p);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  expect(checkPolicyText(r.text, { mode: "document" }).errors).toEqual([]);
  const effective = computeEffectivePolicy([[r.text]]);
  if (!effective.ok) throw new Error(`no effective policy: ${JSON.stringify(effective.error)}`);
  expect(checkPolicyText(effective.content, { mode: "effective" }).errors).toEqual([]);
  expect(JSON.parse(r.text)).toEqual(r.document);
  return { text: r.text, doc: r.document, effective: effective.policy };
}

const rule = (doc: JsonObject, plan: string) =>
  (((doc.plans as JsonObject)[plan] as JsonObject).rules as JsonObject)["backup-rule"] as JsonObject;

describe("the ISO/IEC 27001 template's policy", () => {
  it("backs up daily, keeps 35 days, selects backup=daily with the default role, in the tenant's Regions", () => {
    const p = base();
    expect(p).toMatchObject({
      planName: "iso-27001-2022-baseline",
      frequency: { unit: "days", value: 1 },
      retentionDays: 35,
      tagKey: "backup",
      tagValues: ["daily"],
      iamRoleArn: DEFAULT_ROLE_ARN,
    });
    const { effective } = generated(p);
    const plan = (effective.plans as JsonObject)["iso-27001-2022-baseline"] as JsonObject;
    expect(plan.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(plan.rules).toEqual({
      "backup-rule": {
        schedule_expression: "cron(0 5 ? * * *)",
        start_backup_window_minutes: "60",
        target_backup_vault_name: "Default",
        lifecycle: { delete_after_days: "35" },
      },
    });
    expect(plan.selections).toEqual({
      tags: {
        "tagged-resources": {
          iam_role_arn: "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole",
          tag_key: "backup",
          tag_value: ["daily"],
        },
      },
    });
  });

  it("writes copies to other Regions and accounts and to an air-gapped vault with $account and $region", () => {
    const p = {
      ...base(),
      copyRegions: ["eu-central-1"],
      copyAccounts: ["123456789012"],
      copyVaultName: "copies",
      airGappedVaultName: "airgap-vault",
      copyVaultArns: ["arn:aws:backup:us-east-1:210987654321:backup-vault:central-airgap"],
    };
    const r = rule(generated(p).doc, p.planName);
    expect(Object.keys(r.copy_actions as JsonObject)).toEqual([
      "arn:aws:backup:eu-central-1:$account:backup-vault:copies",
      "arn:aws:backup:$region:123456789012:backup-vault:copies",
      "arn:aws:backup:us-east-1:210987654321:backup-vault:central-airgap",
    ]);
    expect(r.target_logically_air_gapped_backup_vault_arn).toEqual({
      "@@assign": "arn:aws:backup:$region:$account:backup-vault:airgap-vault",
    });
  });

  it("moves to cold storage and keeps the 90 days cold storage needs", () => {
    const r = rule(
      generated({ ...base(), coldStorageAfterDays: 30, retentionDays: 120 }).doc,
      "iso-27001-2022-baseline",
    );
    expect(r.lifecycle).toEqual({
      move_to_cold_storage_after_days: { "@@assign": "30" },
      delete_after_days: { "@@assign": "120" },
    });
  });
});

describe("every template and every combination validates", () => {
  it.each(BUILTIN_TEMPLATES.map((t) => [t.id, t] as const))("%s", (_id, t) => {
    generated(paramsFromTemplate(t, ["us-east-1"]));
  });

  it("for every frequency, start hour, retention and copy choice", () => {
    let n = 0;
    for (const unit of ["hours", "days"] as const) {
      for (let value = 1; value <= (unit === "hours" ? 24 : 31); value++) {
        for (const [cold, retention] of [
          [null, 1],
          [null, 36_500],
          [1, 91],
          [365, 2555],
        ] as const) {
          const hour = (value * 7) % 24;
          const copies = value % 3 === 0 ? { copyRegions: ["ap-southeast-2"], copyAccounts: ["111122223333"] } : {};
          generated({
            ...base(),
            frequency: { unit, value },
            startHourUtc: hour,
            coldStorageAfterDays: cold,
            retentionDays: retention,
            airGappedVaultName: value % 2 ? "lag" : null,
            ...copies,
          });
          n++;
        }
      }
    }
    expect(n).toBe(220);
  });
});

describe("schedules", () => {
  it("are cron expressions AWS Backup accepts, read back as the same frequency", () => {
    for (const unit of ["hours", "days"] as const) {
      for (let value = 1; value <= (unit === "hours" ? 24 : 31); value++) {
        const expr = scheduleExpression({ unit, value }, 3);
        expect(checkScheduleExpression(expr), expr).toBeUndefined();
        const read = readSchedule(expr);
        // 24 hours is written as daily, the same thing.
        expect(read?.frequency, expr).toEqual(
          unit === "hours" && value === 24 ? { unit: "days", value: 1 } : { unit, value },
        );
      }
    }
    expect(scheduleExpression({ unit: "hours", value: 6 }, 5)).toBe("cron(0 0/6 ? * * *)");
    expect(scheduleExpression({ unit: "days", value: 7 }, 2)).toBe("cron(0 2 ? * SUN *)");
    expect(scheduleExpression({ unit: "days", value: 3 }, 2)).toBe("cron(0 2 1/3 * ? *)");
  });

  it("other cron expressions are not read as a frequency", () => {
    for (const expr of [
      "cron(30 5 ? * * *)",
      "cron(0 1 ? * SAT#2 *)",
      "cron(0 2 L * ? *)",
      "cron(0 5 ? * MON-FRI *)",
      "rate(1 day)",
    ])
      expect(readSchedule(expr), expr).toBeNull();
  });
});

describe("parameters AWS would refuse are refused first, on their field", () => {
  it.each([
    ["planName", { planName: "my plan" }, "must be 1 to 50"],
    ["regions", { regions: [] }, "at least one Region"],
    ["regions", { regions: ["us-east-9"] }, "not an AWS Region"],
    ["frequency", { frequency: { unit: "hours", value: 25 } }, "Every 1 to 24 hours"],
    ["retentionDays", { retentionDays: 0 }, "1 to 36,500"],
    ["retentionDays", { coldStorageAfterDays: 30, retentionDays: 100 }, "at least 120 days"],
    ["vaultName", { vaultName: "my vault" }, "not a backup vault name"],
    ["copyAccounts", { copyAccounts: ["12345"] }, "12-digit"],
    ["copyVaultArns", { copyVaultArns: ["arn:aws:backup:us-east-1:$acct:backup-vault:x"] }, "not a placeholder"],
    ["iamRoleArn", { iamRoleArn: "BackupRole" }, "not an IAM role ARN"],
    ["tagValues", { tagValues: [] }, "At least one tag value"],
  ] as const)("%s: %j", (field, change, message) => {
    const p = { ...base(), ...change } as PolicyParams;
    expect(checkPolicyParams(p)[field]).toContain(message);
    const r = generatePolicy(p);
    expect(r.ok).toBe(false);
  });
});
