import { describe, expect, it } from "vitest";
import type { JsonObject } from "@/lib/policies/parse";
import { checkPolicyText, validateDocument, validateEffectivePolicy } from "@/lib/policies/validate";
import {
  at,
  DAILY,
  DAILY_PATH,
  isoDailyPolicy,
  MONTHLY,
  MONTHLY_PATH,
  PLAN,
  PLAN_PATH,
  unwrap,
} from "./policy-fixtures";

/** The ISO policy as its effective form (attached alone), changed by `edit`, and what the effective-level validator finds. */
function problems(edit: (doc: JsonObject) => void) {
  const doc = unwrap(isoDailyPolicy()) as JsonObject;
  edit(doc);
  return validateEffectivePolicy(doc);
}

function expectOne(edit: (doc: JsonObject) => void, reason: string, path: string) {
  const found = problems(edit);
  expect(found.map((e) => [e.reason, e.path])).toEqual([[reason, path]]);
  expect(found[0]?.code).toBe("EffectivePolicyValidationError");
  return found[0]!;
}

const plan = (d: JsonObject) => at(d, "plans", PLAN);
const rule = (d: JsonObject) => at(d, ...DAILY);
const tagSelection = (d: JsonObject) => at(d, "plans", PLAN, "selections", "tags", "backup-daily");

describe("the effective policy", () => {
  it("accepts the realistic policy's effective form", () => {
    expect(validateEffectivePolicy(unwrap(isoDailyPolicy()) as JsonObject)).toEqual([]);
  });

  it('reads through the {"@@assign": ...} that AWS\'s own effective examples leave in places', () => {
    expect(
      problems((d) => {
        rule(d).index_actions = { resource_types: { "@@assign": ["EBS", "S3"] } };
        rule(d).target_backup_vault_name = { "@@assign": "backup-governance" };
      }),
    ).toEqual([]);
  });

  it("accepts the lower-case names effective policies show (rules, selections, scanners)", () => {
    expect(
      problems((d) => {
        at(d, ...DAILY).scan_actions = { guardduty: { scan_mode: "FULL_SCAN" } };
        plan(d).scan_settings = {
          guardduty: { resource_types: ["ALL"], scanner_role_arn: "arn:aws:iam::$account:role/Scanner" },
        };
      }),
    ).toEqual([]);
    expectOne((d) => delete plan(d).scan_settings, "SCAN_SETTINGS_REQUIRED", `${DAILY_PATH}.scan_actions.GUARDDUTY`);
  });

  it("refuses inheritance operators other than that", () => {
    expectOne(
      (d) => (plan(d)["@@operators_allowed_for_child_policies"] = ["@@none"]),
      "OPERATOR_NOT_ALLOWED",
      `${PLAN_PATH}["@@operators_allowed_for_child_policies"]`,
    );
    expectOne((d) => (plan(d).regions = { "@@append": ["eu-west-1"] }), "WRONG_TYPE", `${PLAN_PATH}.regions`);
  });

  it("holds values to the same rules as documents", () => {
    expectOne((d) => (plan(d).regions = ["eu-west-1", "eu-west-9"]), "INVALID_REGION", `${PLAN_PATH}.regions[1]`);
    expectOne(
      (d) => (rule(d).start_backup_window_minutes = "45"),
      "START_WINDOW_TOO_SHORT",
      `${DAILY_PATH}.start_backup_window_minutes`,
    );
    expectOne(
      (d) => (rule(d).schedule_expression = "cron(5 3 ? * * 2200)"),
      "INVALID_SCHEDULE_EXPRESSION",
      `${DAILY_PATH}.schedule_expression`,
    );
  });
});

describe("required elements (effective level only)", () => {
  it.each([
    ["regions", (d: JsonObject) => delete plan(d).regions, PLAN_PATH],
    ["rules", (d: JsonObject) => delete plan(d).rules, PLAN_PATH],
    ["selections", (d: JsonObject) => delete plan(d).selections, PLAN_PATH],
    ["schedule_expression", (d: JsonObject) => delete rule(d).schedule_expression, DAILY_PATH],
    ["target_backup_vault_name", (d: JsonObject) => delete rule(d).target_backup_vault_name, DAILY_PATH],
    [
      "iam_role_arn",
      (d: JsonObject) => delete tagSelection(d).iam_role_arn,
      `${PLAN_PATH}.selections.tags["backup-daily"]`,
    ],
    ["tag_key", (d: JsonObject) => delete tagSelection(d).tag_key, `${PLAN_PATH}.selections.tags["backup-daily"]`],
    [
      "tag_value",
      (d: JsonObject) => delete at(d, ...DAILY, "recovery_point_tags", "managed-by").tag_value,
      `${DAILY_PATH}.recovery_point_tags["managed-by"]`,
    ],
    [
      "condition_value",
      (d: JsonObject) => delete at(tagSelection(d), "conditions", "string_not_equals", "not-scratch").condition_value,
      `${PLAN_PATH}.selections.tags["backup-daily"].conditions.string_not_equals["not-scratch"]`,
    ],
    [
      "scan_mode",
      (d: JsonObject) => delete at(d, ...DAILY, "scan_actions", "GUARDDUTY").scan_mode,
      `${DAILY_PATH}.scan_actions.GUARDDUTY`,
    ],
    [
      "scanner_role_arn",
      (d: JsonObject) => delete at(d, "plans", PLAN, "scan_settings", "GUARDDUTY").scanner_role_arn,
      `${PLAN_PATH}.scan_settings.GUARDDUTY`,
    ],
  ])("requires %s", (key, edit, path) => {
    expect(expectOne(edit, "REQUIRED_ELEMENT_MISSING", path).message).toContain(`"${key}"`);
  });

  it("requires at least one plan, rule and Region", () => {
    expect(validateEffectivePolicy({ plans: {} }).map((e) => [e.reason, e.path])).toEqual([
      ["REQUIRED_ELEMENT_MISSING", "$.plans"],
    ]);
    expect(validateEffectivePolicy({}).map((e) => e.reason)).toEqual(["REQUIRED_ELEMENT_MISSING"]);
    expectOne((d) => (plan(d).rules = {}), "REQUIRED_ELEMENT_MISSING", `${PLAN_PATH}.rules`);
    expectOne((d) => (plan(d).regions = []), "REQUIRED_ELEMENT_MISSING", `${PLAN_PATH}.regions`);
  });

  it("requires resource_types in a resources selection", () => {
    expectOne(
      (d) => (plan(d).selections = { resources: { r: { iam_role_arn: "arn:aws:iam::$account:role/R" } } }),
      "REQUIRED_ELEMENT_MISSING",
      `${PLAN_PATH}.selections.resources.r`,
    );
  });

  it("requires a tags or resources selection", () => {
    const e = expectOne(
      (d) => (plan(d).selections = { tags: {} }),
      "REQUIRED_ELEMENT_MISSING",
      `${PLAN_PATH}.selections`,
    );
    expect(e.message).toContain('"tags" or "resources"');
  });

  it("does not require anything of a partial document", () => {
    expect(
      validateDocument({
        plans: { [PLAN]: { rules: { "daily-35d": { start_backup_window_minutes: { "@@assign": "90" } } } } },
      }),
    ).toEqual([]);
    expect(
      validateEffectivePolicy({ plans: { [PLAN]: { rules: { "daily-35d": { start_backup_window_minutes: "90" } } } } })
        .length,
    ).toBe(4);
  });
});

describe("limits over the merged values", () => {
  it("refuses cold + 90 when the values came from different policies", () => {
    // A parent assigned cold storage at 30 days; a child assigned deletion at 100: each document is fine alone.
    expect(
      validateDocument({
        plans: {
          [PLAN]: { rules: { "monthly-1y": { lifecycle: { move_to_cold_storage_after_days: { "@@assign": "30" } } } } },
        },
      }),
    ).toEqual([]);
    expect(
      validateDocument({
        plans: { [PLAN]: { rules: { "monthly-1y": { lifecycle: { delete_after_days: { "@@assign": "100" } } } } } },
      }),
    ).toEqual([]);
    const e = expectOne(
      (d) => (at(d, ...MONTHLY, "lifecycle").delete_after_days = "100"),
      "COLD_STORAGE_TOO_SHORT",
      `${MONTHLY_PATH}.lifecycle.delete_after_days`,
    );
    expect(e.code).toBe("EffectivePolicyValidationError");
  });

  it("refuses continuous backup kept more than 35 days, or kept forever", () => {
    expectOne(
      (d) => {
        rule(d).enable_continuous_backup = true;
        at(d, ...DAILY, "lifecycle").delete_after_days = 36;
      },
      "CONTINUOUS_RETENTION_TOO_LONG",
      `${DAILY_PATH}.lifecycle.delete_after_days`,
    );
    const e = expectOne(
      (d) => {
        rule(d).enable_continuous_backup = "true";
        delete rule(d).lifecycle;
      },
      "CONTINUOUS_RETENTION_TOO_LONG",
      DAILY_PATH,
    );
    expect(e.message).toContain("forever");
    expect(problems((d) => (rule(d).enable_continuous_backup = true))).toEqual([]);
  });

  it("refuses tags and resources merged into one plan", () => {
    expectOne(
      (d) =>
        (at(d, "plans", PLAN, "selections").resources = {
          r: { iam_role_arn: "arn:aws:iam::$account:role/R", resource_types: ["*"] },
        }),
      "SELECTION_TYPES_EXCLUSIVE",
      `${PLAN_PATH}.selections`,
    );
  });

  it("refuses a scan action without the plan's scan settings for that scanner", () => {
    const e = expectOne(
      (d) => delete plan(d).scan_settings,
      "SCAN_SETTINGS_REQUIRED",
      `${DAILY_PATH}.scan_actions.GUARDDUTY`,
    );
    expect(e.message).toContain("scan_settings.GUARDDUTY");
  });

  it("counts conditions of the merged selection", () => {
    const conditions = Object.fromEntries(
      Array.from({ length: 31 }, (_, i) => [`c${i}`, { condition_key: `aws:ResourceTag/k${i}`, condition_value: "v" }]),
    );
    expectOne(
      (d) => (tagSelection(d).conditions = { string_equals: conditions }),
      "ELEMENTS_TOO_MANY",
      `${PLAN_PATH}.selections.tags["backup-daily"].conditions`,
    );
  });
});

describe("checkPolicyText in effective mode", () => {
  it("validates the text DescribeEffectivePolicy returns", () => {
    const text = JSON.stringify(unwrap(isoDailyPolicy()));
    expect(checkPolicyText(text, { mode: "effective" }).ok).toBe(true);
    expect(checkPolicyText(text).ok).toBe(false); // as a document, its settings lack operators
  });
});
