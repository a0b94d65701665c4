import { describe, expect, it } from "vitest";
import type { Json, JsonObject } from "@/lib/policies/parse";
import { checkPolicyText, validateDocument } from "@/lib/policies/validate";
import {
  assign,
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

/** The ISO policy changed by `edit`, and the problems the document-level validator finds in it. */
function problems(edit: (doc: JsonObject) => void) {
  const doc = isoDailyPolicy();
  edit(doc);
  return validateDocument(doc);
}

/** Asserts exactly one problem, MalformedPolicyDocumentException, with this reason and path. */
function expectOne(edit: (doc: JsonObject) => void, reason: string, path: string) {
  const found = problems(edit);
  expect(found.map((e) => [e.reason, e.path])).toEqual([[reason, path]]);
  expect(found[0]?.code).toBe("MalformedPolicyDocumentException");
  return found[0]!;
}

const rule = (doc: JsonObject) => at(doc, ...DAILY);
const plan = (doc: JsonObject) => at(doc, "plans", PLAN);
const tagSelection = (doc: JsonObject) => at(doc, "plans", PLAN, "selections", "tags", "backup-daily");

describe("a realistic policy", () => {
  it("passes: daily ISO plan with a copy to another Region, an air-gapped vault and placeholders", () => {
    expect(validateDocument(isoDailyPolicy())).toEqual([]);
    const r = checkPolicyText(JSON.stringify(isoDailyPolicy(), null, 2));
    expect(r.ok).toBe(true);
  });

  it("passes a parent that locks everything with @@none and lets children only append plans", () => {
    const doc = isoDailyPolicy();
    at(doc, "plans")["@@operators_allowed_for_child_policies"] = ["@@append"];
    plan(doc)["@@operators_allowed_for_child_policies"] = ["@@none"];
    rule(doc)["@@operators_allowed_for_child_policies"] = ["@@none"];
    at(doc, ...DAILY, "schedule_expression")["@@operators_allowed_for_child_policies"] = ["@@none"];
    plan(doc).regions = {
      "@@append": ["eu-west-1"],
      "@@operators_allowed_for_child_policies": ["@@assign", "@@remove"],
    };
    expect(validateDocument(doc)).toEqual([]);
  });

  it("passes a partial child policy that only changes what it needs", () => {
    const child: JsonObject = {
      plans: {
        [PLAN]: {
          regions: { "@@remove": ["eu-central-1"] },
          rules: { "daily-35d": { start_backup_window_minutes: assign("480") } },
        },
      },
    };
    expect(validateDocument(child)).toEqual([]);
  });

  it("passes a resources selection with conditions, excluded types and GovCloud patterns", () => {
    const doc = isoDailyPolicy();
    at(doc, "plans", PLAN).selections = {
      resources: {
        all_but_ebs: {
          iam_role_arn: assign("arn:aws:iam::$account:role/IAMRole"),
          resource_types: assign(["*"]),
          not_resource_types: assign(["arn:aws:ec2:*:*:volume/*", "arn:aws-us-gov:rds:*:*:db:*"]),
          conditions: {
            string_equals: { c1: { condition_key: assign("aws:ResourceTag/backup"), condition_value: assign("true") } },
            string_not_like: {
              c2: { condition_key: assign("aws:ResourceTag/key2"), condition_value: assign("*exclude*") },
            },
          },
        },
      },
    };
    expect(validateDocument(doc)).toEqual([]);
  });
});

describe("keys", () => {
  it.each([
    [(d: JsonObject) => (d.plan = {}), "$.plan", "plans"],
    [(d: JsonObject) => (plan(d).region = assign(["us-east-1"])), `${PLAN_PATH}.region`, "regions"],
    [
      (d: JsonObject) => (rule(d).schedule = assign("cron(0 5 ? * * *)")),
      `${DAILY_PATH}.schedule`,
      "allowed: schedule_expression",
    ],
    [
      (d: JsonObject) => (at(d, ...MONTHLY, "lifecycle").delete_after_day = assign("400")),
      `${MONTHLY_PATH}.lifecycle.delete_after_day`,
      "delete_after_days",
    ],
    [
      (d: JsonObject) => (tagSelection(d).tag_values = assign(["x"])),
      `${PLAN_PATH}.selections.tags["backup-daily"].tag_values`,
      "tag_value",
    ],
    [
      (d: JsonObject) => (at(d, "plans", PLAN, "advanced_backup_settings").ec3 = {}),
      `${PLAN_PATH}.advanced_backup_settings.ec3`,
      "ec2",
    ],
    [
      (d: JsonObject) => (tagSelection(d).conditions = { string_equal: {} }),
      `${PLAN_PATH}.selections.tags["backup-daily"].conditions.string_equal`,
      "string_equals",
    ],
  ])("refuses an unknown key, saying which were meant (%#)", (edit, path, hint) => {
    expect(expectOne(edit, "UNKNOWN_KEY", path).message).toContain(hint);
  });

  it("refuses a key inside a setting that is not an operator", () => {
    expectOne(
      (d) => (rule(d).target_backup_vault_name = { "@@assign": "v1", value: "v2" }),
      "UNKNOWN_KEY",
      `${DAILY_PATH}.target_backup_vault_name.value`,
    );
  });

  it("refuses an unknown operator with a suggestion", () => {
    const e = expectOne(
      (d) => (rule(d).target_backup_vault_name = { "@@assing": "v1" }),
      "UNKNOWN_OPERATOR",
      `${DAILY_PATH}.target_backup_vault_name["@@assing"]`,
    );
    expect(e.message).toContain("did you mean @@assign");
  });

  it("refuses a rule name AWS Backup would not take", () => {
    const e = expectOne(
      (d) => (at(d, "plans", PLAN, "rules")["Hourly backup"] = rule(d)),
      "INVALID_NAME",
      `${PLAN_PATH}.rules["Hourly backup"]`,
    );
    expect(e.message).toContain("1 to 50");
  });

  it("refuses names that differ only in case", () => {
    expectOne(
      (d) => (at(d, "plans", PLAN, "rules")["DAILY-35D"] = rule(d)),
      "DUPLICATE_KEY",
      `${PLAN_PATH}.rules["DAILY-35D"]`,
    );
  });

  it("refuses copy actions not keyed by a vault ARN and scanners AWS Backup lacks", () => {
    expectOne(
      (d) =>
        (rule(d).copy_actions = {
          "dr-copy": { target_backup_vault_arn: assign("arn:aws:backup:eu-north-1:$account:backup-vault:dr") },
        }),
      "INVALID_VAULT_ARN",
      `${DAILY_PATH}.copy_actions["dr-copy"]`,
    );
    expectOne(
      (d) => (rule(d).scan_actions = { CROWDSTRIKE: { scan_mode: assign("FULL_SCAN") } }),
      "INVALID_ENUM_VALUE",
      `${DAILY_PATH}.scan_actions.CROWDSTRIKE`,
    );
  });
});

describe("operators", () => {
  it("refuses @@append on a single-valued setting", () => {
    const e = expectOne(
      (d) => (rule(d).start_backup_window_minutes = { "@@append": ["60"] }),
      "OPERATOR_NOT_ALLOWED",
      `${DAILY_PATH}.start_backup_window_minutes["@@append"]`,
    );
    expect(e.message).toContain("use @@assign");
  });

  it("refuses @@remove on a single-valued setting", () => {
    expectOne(
      (d) => (rule(d).target_backup_vault_name = { "@@remove": ["backup-governance"] }),
      "OPERATOR_NOT_ALLOWED",
      `${DAILY_PATH}.target_backup_vault_name["@@remove"]`,
    );
  });

  it("accepts @@append and @@remove on lists", () => {
    expect(
      problems((d) => {
        plan(d).regions = { "@@append": ["us-gov-west-1", "cn-north-1"] };
        tagSelection(d).tag_value = { "@@remove": ["iso"] };
      }),
    ).toEqual([]);
  });

  it("refuses a value-setting operator on an element that holds named elements", () => {
    expectOne((d) => (plan(d).rules = { "@@assign": {} }), "OPERATOR_NOT_ALLOWED", `${PLAN_PATH}.rules["@@assign"]`);
  });

  it("refuses two value-setting operators on one setting", () => {
    expectOne(
      (d) => (plan(d).regions = { "@@assign": ["eu-west-1"], "@@append": ["eu-north-1"] }),
      "CONFLICTING_OPERATORS",
      `${PLAN_PATH}.regions`,
    );
  });

  it("refuses a setting written as a bare value", () => {
    const e = expectOne(
      (d) => (rule(d).schedule_expression = "cron(0 3 ? * * *)"),
      "VALUE_WITHOUT_OPERATOR",
      `${DAILY_PATH}.schedule_expression`,
    );
    expect(e.message).toContain('{"@@assign": "cron(0 3 ? * * *)"}');
    expectOne((d) => (rule(d).schedule_expression = {}), "VALUE_WITHOUT_OPERATOR", `${DAILY_PATH}.schedule_expression`);
  });

  it.each([
    [["@@all"]],
    [["@@none"]],
    [["@@assign"]],
    [["@@append", "@@remove"]],
    [["@@assign", "@@append", "@@remove"]],
  ])("accepts @@operators_allowed_for_child_policies %j", (value) => {
    expect(problems((d) => (rule(d)["@@operators_allowed_for_child_policies"] = value))).toEqual([]);
  });

  it.each([
    [["@@all", "@@assign"]],
    [["@@none", "@@all"]],
    [[]],
    ["@@none"],
    [["@@everything"]],
    [["@@assign", "@@assign"]],
    [[1]],
  ])("refuses @@operators_allowed_for_child_policies %j", (value) => {
    expectOne(
      (d) => (rule(d)["@@operators_allowed_for_child_policies"] = value as Json),
      "INVALID_CHILD_CONTROL",
      `${DAILY_PATH}["@@operators_allowed_for_child_policies"]`,
    );
  });
});

describe("values", () => {
  it("refuses wrong types", () => {
    expectOne((d) => (plan(d).regions = assign("eu-west-1")), "WRONG_TYPE", `${PLAN_PATH}.regions["@@assign"]`);
    expectOne(
      (d) => (rule(d).start_backup_window_minutes = assign("sixty")),
      "WRONG_TYPE",
      `${DAILY_PATH}.start_backup_window_minutes["@@assign"]`,
    );
    expectOne(
      (d) => (at(d, ...MONTHLY, "lifecycle").opt_in_to_archive_for_supported_resources = assign("yes")),
      "WRONG_TYPE",
      `${MONTHLY_PATH}.lifecycle.opt_in_to_archive_for_supported_resources["@@assign"]`,
    );
    expectOne(
      (d) => (rule(d).target_backup_vault_name = assign(7)),
      "WRONG_TYPE",
      `${DAILY_PATH}.target_backup_vault_name["@@assign"]`,
    );
    expectOne((d) => (d.plans = [] as Json), "WRONG_TYPE", "$.plans");
  });

  it("refuses an unknown Region, pointing at the list item and suggesting the right one", () => {
    const e = expectOne(
      (d) => (plan(d).regions = assign(["eu-west-1", "eu-centrl-1"])),
      "INVALID_REGION",
      `${PLAN_PATH}.regions["@@assign"][1]`,
    );
    expect(e.message).toContain("did you mean eu-central-1");
  });

  it("refuses a bad cron expression", () => {
    const e = expectOne(
      (d) => (rule(d).schedule_expression = assign("cron(0 3 * * * *)")),
      "INVALID_SCHEDULE_EXPRESSION",
      `${DAILY_PATH}.schedule_expression["@@assign"]`,
    );
    expect(e.message).toContain('"?"');
    expectOne(
      (d) => (rule(d).schedule_expression = assign("cron(0/15 * ? * * *)")),
      "SCHEDULE_TOO_FREQUENT",
      `${DAILY_PATH}.schedule_expression["@@assign"]`,
    );
    expectOne(
      (d) => (rule(d).schedule_expression = assign("rate(1 day)")),
      "UNSUPPORTED_SCHEDULE_EXPRESSION",
      `${DAILY_PATH}.schedule_expression["@@assign"]`,
    );
  });

  it("refuses an unknown time zone", () => {
    expectOne(
      (d) => (rule(d).schedule_expression_timezone = assign("Europe/Pariss")),
      "INVALID_TIMEZONE",
      `${DAILY_PATH}.schedule_expression_timezone["@@assign"]`,
    );
  });

  it("refuses a start window under 60 minutes and over 100 years", () => {
    const e = expectOne(
      (d) => (rule(d).start_backup_window_minutes = assign("59")),
      "START_WINDOW_TOO_SHORT",
      `${DAILY_PATH}.start_backup_window_minutes["@@assign"]`,
    );
    expect(e.message).toContain("60");
    expectOne(
      (d) => (rule(d).start_backup_window_minutes = assign(52_560_001)),
      "VALUE_OUT_OF_RANGE",
      `${DAILY_PATH}.start_backup_window_minutes["@@assign"]`,
    );
    expect(problems((d) => (rule(d).start_backup_window_minutes = assign(60)))).toEqual([]);
  });

  it("refuses lifecycle days outside AWS Backup's 1 to 36,500", () => {
    const lifecycle = (d: JsonObject) => at(d, ...MONTHLY, "lifecycle");
    expectOne(
      (d) => (lifecycle(d).delete_after_days = assign("36501")),
      "VALUE_OUT_OF_RANGE",
      `${MONTHLY_PATH}.lifecycle.delete_after_days["@@assign"]`,
    );
    expectOne(
      (d) => (lifecycle(d).move_to_cold_storage_after_days = assign(0)),
      "VALUE_OUT_OF_RANGE",
      `${MONTHLY_PATH}.lifecycle.move_to_cold_storage_after_days["@@assign"]`,
    );
    expect(problems((d) => (lifecycle(d).delete_after_days = assign("36500")))).toEqual([]);
  });

  it("refuses vault names, vault ARNs, role ARNs and placeholders AWS would not take", () => {
    expectOne(
      (d) => (rule(d).target_backup_vault_name = assign("my vault")),
      "INVALID_VAULT_NAME",
      `${DAILY_PATH}.target_backup_vault_name["@@assign"]`,
    );
    expectOne(
      (d) =>
        (rule(d).target_logically_air_gapped_backup_vault_arn = assign(
          "arn:aws:backup:eu-west-1:$account:backup-vault:air-gapped",
        )),
      "INVALID_VAULT_ARN",
      `${DAILY_PATH}.target_logically_air_gapped_backup_vault_arn["@@assign"]`,
    );
    expectOne(
      (d) => (tagSelection(d).iam_role_arn = assign("arn:aws:iam::$account:policy/Backup")),
      "INVALID_ROLE_ARN",
      `${PLAN_PATH}.selections.tags["backup-daily"].iam_role_arn["@@assign"]`,
    );
    expectOne(
      (d) => (tagSelection(d).iam_role_arn = assign("arn:aws:iam::$acount:role/Backup")),
      "UNKNOWN_PLACEHOLDER",
      `${PLAN_PATH}.selections.tags["backup-daily"].iam_role_arn["@@assign"]`,
    );
  });

  it("refuses resource types, condition keys, tags and enum values outside AWS's lists", () => {
    const resources = {
      iam_role_arn: assign("arn:aws:iam::$account:role/R"),
      resource_types: assign(["arn:aws:ec2:*:*:snapshot/*"]),
    };
    expectOne(
      (d) => (plan(d).selections = { resources: { r: resources } }),
      "INVALID_RESOURCE_TYPE",
      `${PLAN_PATH}.selections.resources.r.resource_types["@@assign"][0]`,
    );
    expectOne(
      (d) => (at(tagSelection(d), "conditions", "string_not_equals", "not-scratch").condition_key = assign("env")),
      "INVALID_CONDITION_KEY",
      `${PLAN_PATH}.selections.tags["backup-daily"].conditions.string_not_equals["not-scratch"].condition_key["@@assign"]`,
    );
    expectOne(
      (d) => (at(d, "plans", PLAN, "backup_plan_tags", "managed-by").tag_key = assign("aws:owner")),
      "INVALID_TAG",
      `${PLAN_PATH}.backup_plan_tags["managed-by"].tag_key["@@assign"]`,
    );
    expectOne(
      (d) => (at(d, ...DAILY, "scan_actions", "GUARDDUTY").scan_mode = assign("QUICK_SCAN")),
      "INVALID_ENUM_VALUE",
      `${DAILY_PATH}.scan_actions.GUARDDUTY.scan_mode["@@assign"]`,
    );
    expectOne(
      (d) => (at(d, ...DAILY, "index_actions").resource_types = assign(["RDS"])),
      "INVALID_ENUM_VALUE",
      `${DAILY_PATH}.index_actions.resource_types["@@assign"][0]`,
    );
    expectOne(
      (d) => (at(d, "plans", PLAN, "advanced_backup_settings", "ec2").windows_vss = assign("on")),
      "INVALID_ENUM_VALUE",
      `${PLAN_PATH}.advanced_backup_settings.ec2.windows_vss["@@assign"]`,
    );
  });
});

describe("limits that relate settings, within one document", () => {
  it("refuses deletion less than 90 days after the move to cold storage", () => {
    const lifecycle = (d: JsonObject) => at(d, ...MONTHLY, "lifecycle");
    const e = expectOne(
      (d) => (lifecycle(d).delete_after_days = assign("119")),
      "COLD_STORAGE_TOO_SHORT",
      `${MONTHLY_PATH}.lifecycle.delete_after_days["@@assign"]`,
    );
    expect(e.message).toContain("120");
    expect(problems((d) => (lifecycle(d).delete_after_days = assign("120")))).toEqual([]);
  });

  it("applies the 90 days to a copy action's lifecycle too", () => {
    const copy = '["arn:aws:backup:eu-north-1:$account:backup-vault:backup-governance-dr"]';
    expectOne(
      (d) =>
        (at(
          d,
          ...DAILY,
          "copy_actions",
          "arn:aws:backup:eu-north-1:$account:backup-vault:backup-governance-dr",
        ).lifecycle = { move_to_cold_storage_after_days: assign(7), delete_after_days: assign(35) }),
      "COLD_STORAGE_TOO_SHORT",
      `${DAILY_PATH}.copy_actions${copy}.lifecycle.delete_after_days["@@assign"]`,
    );
  });

  it("refuses continuous backup kept more than 35 days", () => {
    const e = expectOne(
      (d) => {
        rule(d).enable_continuous_backup = assign(true);
        at(d, ...DAILY, "lifecycle").delete_after_days = assign("36");
      },
      "CONTINUOUS_RETENTION_TOO_LONG",
      `${DAILY_PATH}.lifecycle.delete_after_days["@@assign"]`,
    );
    expect(e.message).toContain("35 days");
    expect(problems((d) => (rule(d).enable_continuous_backup = assign("true")))).toEqual([]);
    expect(problems((d) => (at(d, ...MONTHLY).enable_continuous_backup = assign(false)))).toEqual([]);
  });

  it("refuses a 31st condition in a selection, counting across operators", () => {
    const conditions = (n: number, prefix: string) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          `${prefix}${i}`,
          { condition_key: assign(`aws:ResourceTag/k${i}`), condition_value: assign("v") },
        ]),
      );
    const path = `${PLAN_PATH}.selections.tags["backup-daily"].conditions`;
    const e = expectOne(
      (d) => (tagSelection(d).conditions = { string_equals: conditions(15, "e"), string_like: conditions(16, "l") }),
      "ELEMENTS_TOO_MANY",
      path,
    );
    expect(e.message).toContain("31");
    expect(
      problems(
        (d) => (tagSelection(d).conditions = { string_equals: conditions(15, "e"), string_like: conditions(15, "l") }),
      ),
    ).toEqual([]);
  });

  it("refuses tags and resources selections in the same plan", () => {
    const resources = { r: { iam_role_arn: assign("arn:aws:iam::$account:role/R"), resource_types: assign(["*"]) } };
    const e = expectOne(
      (d) => (at(d, "plans", PLAN, "selections").resources = resources),
      "SELECTION_TYPES_EXCLUSIVE",
      `${PLAN_PATH}.selections`,
    );
    expect(e.message).toContain('use "resources" with conditions');
  });
});

describe("reporting", () => {
  it("reports every problem of a document at once", () => {
    const found = problems((d) => {
      plan(d).regions = assign(["eu-west-1", "mars-north-1"]);
      rule(d).start_backup_window_minutes = assign("30");
      rule(d).schedule_expression = assign("cron(0 3 * * * *)");
      rule(d).oops = assign(1);
      at(d, ...MONTHLY, "lifecycle").delete_after_days = assign("100");
    });
    expect(found.map((e) => e.reason).sort()).toEqual([
      "COLD_STORAGE_TOO_SHORT",
      "INVALID_REGION",
      "INVALID_SCHEDULE_EXPRESSION",
      "START_WINDOW_TOO_SHORT",
      "UNKNOWN_KEY",
    ]);
    expect(new Set(found.map((e) => e.code))).toEqual(new Set(["MalformedPolicyDocumentException"]));
  });

  it("refuses an effective policy offered as a document: its settings lack operators", () => {
    const found = validateDocument(unwrap(isoDailyPolicy()) as JsonObject);
    expect(found.length).toBeGreaterThan(10);
    expect(new Set(found.map((e) => e.reason))).toEqual(new Set(["VALUE_WITHOUT_OPERATOR"]));
  });

  it("puts the parser's refusal first: checkPolicyText on duplicate keys and on bad JSON", () => {
    const r = checkPolicyText(
      '{"plans": {"P": {"regions": {"@@assign": ["us-east-1"]}, "regions": {"@@assign": []}}}}',
    );
    expect(r.ok ? null : r.errors).toEqual([
      expect.objectContaining({ reason: "DUPLICATE_KEY", path: "$.plans.P.regions" }),
    ]);
    expect(checkPolicyText('{"plans": ').errors[0]?.reason).toBe("INVALID_JSON");
  });
});
