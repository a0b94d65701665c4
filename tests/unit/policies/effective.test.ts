import { describe, expect, it } from "vitest";
import { computeEffectivePolicy, mergePolicyChain } from "@/lib/policies/effective";
import type { JsonObject } from "@/lib/policies/parse";

// Expected values come from the Organizations User Guide's rules ("Inheritance operators",
// "Inheritance examples", "Backup policy syntax and examples"), not from its example outputs, which
// contain mistakes (e.g. "delete_after_days": "2" for an assigned "270").

/** Levels of documents (root first) → the effective policy as an object, or the error. */
function effective(...levels: JsonObject[][]): JsonObject {
  const r = computeEffectivePolicy(levels.map((l) => l.map((d) => JSON.stringify(d))));
  if (!r.ok) throw new Error(`unexpected error: ${JSON.stringify(r.error)}`);
  expect(JSON.parse(r.content)).toEqual(r.policy);
  return r.policy;
}

const plan = (name: string, body: JsonObject): JsonObject => ({ plans: { [name]: body } });
const regions = (op: string, values: string[], extra: JsonObject = {}): JsonObject =>
  plan("daily", { regions: { [op]: values, ...extra } });
const regionsOf = (p: JsonObject) => ((p.plans as JsonObject).daily as JsonObject).regions;
const rule = (fields: JsonObject): JsonObject => plan("daily", { rules: { nightly: fields } });
const ruleOf = (p: JsonObject) =>
  (((p.plans as JsonObject).daily as JsonObject).rules as JsonObject).nightly as JsonObject;

describe("value-setting operators", () => {
  it("@@assign replaces an inherited single value and an inherited array", () => {
    const p = effective(
      [rule({ schedule_expression: { "@@assign": "cron(0 5 ? * * *)" } })],
      [rule({ schedule_expression: { "@@assign": "cron(0 1 ? * * *)" } })],
    );
    expect(ruleOf(p).schedule_expression).toBe("cron(0 1 ? * * *)");
    expect(
      regionsOf(effective([regions("@@assign", ["us-east-1", "eu-west-1"])], [regions("@@assign", ["eu-north-1"])])),
    ).toEqual(["eu-north-1"]);
  });

  it("@@assign adds a setting the parent did not have", () => {
    const p = effective(
      [rule({ schedule_expression: { "@@assign": "cron(0 5 ? * * *)" } })],
      [rule({ start_backup_window_minutes: { "@@assign": "60" } })],
    );
    expect(ruleOf(p)).toEqual({ schedule_expression: "cron(0 5 ? * * *)", start_backup_window_minutes: "60" });
  });

  it("@@append adds to the inherited values, once each, and creates the list when nothing was inherited", () => {
    expect(
      regionsOf(effective([regions("@@assign", ["us-east-1"])], [regions("@@append", ["eu-west-1", "us-east-1"])])),
    ).toEqual(["us-east-1", "eu-west-1"]);
    expect(regionsOf(effective([plan("daily", {})], [regions("@@append", ["eu-west-1"])]))).toEqual(["eu-west-1"]);
  });

  it("@@remove takes the named inherited values out and leaves the rest", () => {
    expect(
      regionsOf(
        effective(
          [regions("@@assign", ["us-east-1", "eu-west-1", "ap-south-1"])],
          [regions("@@remove", ["eu-west-1"])],
        ),
      ),
    ).toEqual(["us-east-1", "ap-south-1"]);
  });

  it("@@remove of a value that is not there changes nothing, and creates no setting", () => {
    expect(regionsOf(effective([regions("@@assign", ["us-east-1"])], [regions("@@remove", ["eu-west-1"])]))).toEqual([
      "us-east-1",
    ]);
    const p = effective(
      [rule({ schedule_expression: { "@@assign": "cron(0 5 ? * * *)" } })],
      [plan("daily", { regions: { "@@remove": ["eu-west-1"] } })],
    );
    expect((p.plans as JsonObject).daily).not.toHaveProperty("regions");
  });

  it("assign over append: a child's @@assign replaces what the parent appended", () => {
    expect(
      regionsOf(effective([regions("@@append", ["us-east-1", "eu-west-1"])], [regions("@@assign", ["ap-south-1"])])),
    ).toEqual(["ap-south-1"]);
  });

  it("@@append and @@remove in one child setting both apply", () => {
    expect(
      regionsOf(
        effective(
          [regions("@@assign", ["us-east-1", "eu-west-1"])],
          [regions("@@append", ["ap-south-1"], { "@@remove": ["us-east-1"] })],
        ),
      ),
    ).toEqual(["eu-west-1", "ap-south-1"]);
  });

  it("a child's @@append after a parent's @@remove: the removed value can come back", () => {
    const p = effective(
      [regions("@@assign", ["us-east-1", "eu-west-1"])],
      [regions("@@remove", ["eu-west-1"])],
      [regions("@@append", ["eu-west-1"])],
    );
    expect(regionsOf(p)).toEqual(["us-east-1", "eu-west-1"]);
  });
});

describe("inheritance over levels", () => {
  it("root, three OU levels and the account each change one thing; each sees the previous result", () => {
    const p = effective(
      [
        plan("daily", {
          regions: { "@@assign": ["us-east-1"] },
          rules: {
            nightly: {
              target_backup_vault_name: { "@@assign": "Default" },
              lifecycle: { delete_after_days: { "@@assign": "35" } },
            },
          },
        }),
      ],
      [regions("@@append", ["eu-west-1"])],
      [rule({ lifecycle: { delete_after_days: { "@@assign": "90" } } })],
      [regions("@@remove", ["us-east-1"])],
      [rule({ target_backup_vault_name: { "@@assign": "Vault-$region" } })],
    );
    expect(regionsOf(p)).toEqual(["eu-west-1"]);
    expect(ruleOf(p)).toEqual({ target_backup_vault_name: "Vault-$region", lifecycle: { delete_after_days: "90" } });
  });

  it("a child adds a second plan next to the inherited one (backup example 2)", () => {
    const p = effective(
      [plan("PII_Backup_Plan", { regions: { "@@assign": ["us-east-1"] } })],
      [plan("Monthly_Backup_Plan", { regions: { "@@append": ["eu-central-1"] } })],
    );
    expect(p).toEqual({
      plans: { pii_backup_plan: { regions: ["us-east-1"] }, monthly_backup_plan: { regions: ["eu-central-1"] } },
    });
  });
});

describe("@@operators_allowed_for_child_policies", () => {
  const lockedRegions = (allowed: string[]) =>
    regions("@@assign", ["us-east-1"], { "@@operators_allowed_for_child_policies": allowed });

  it("@@none: every child operation on the setting is ignored, at every level below", () => {
    const p = effective(
      [lockedRegions(["@@none"])],
      [regions("@@assign", ["eu-west-1"])],
      [regions("@@append", ["eu-west-1"])],
      [regions("@@remove", ["us-east-1"])],
    );
    expect(regionsOf(p)).toEqual(["us-east-1"]);
  });

  it("a subset: only the listed operators take effect", () => {
    expect(
      regionsOf(
        effective([lockedRegions(["@@append"])], [regions("@@append", ["eu-west-1"], { "@@remove": ["us-east-1"] })]),
      ),
    ).toEqual(["us-east-1", "eu-west-1"]);
    expect(regionsOf(effective([lockedRegions(["@@append"])], [regions("@@assign", ["ap-south-1"])]))).toEqual([
      "us-east-1",
    ]);
    expect(
      regionsOf(
        effective([lockedRegions(["@@remove"])], [regions("@@remove", ["us-east-1"], { "@@append": ["eu-west-1"] })]),
      ),
    ).toEqual([]);
  });

  it("a restriction can't be widened below: an OU's @@all does not give its children back @@assign", () => {
    const p = effective(
      [lockedRegions(["@@append"])],
      [regions("@@append", ["eu-west-1"], { "@@operators_allowed_for_child_policies": ["@@all"] })],
      [regions("@@assign", ["ap-south-1"])],
    );
    expect(regionsOf(p)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("a restriction narrows for the levels below, not for the level that sets it", () => {
    const p = effective(
      [regions("@@assign", ["us-east-1"])],
      [regions("@@append", ["eu-west-1"], { "@@operators_allowed_for_child_policies": ["@@none"] })],
      [regions("@@assign", ["ap-south-1"])],
    );
    expect(regionsOf(p)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("@@none on a plan locks everything inside it, and no rule can be added to it (backup example 3)", () => {
    const root = plan("daily", {
      "@@operators_allowed_for_child_policies": ["@@none"],
      regions: { "@@assign": ["us-east-1"] },
      rules: { nightly: { schedule_expression: { "@@assign": "cron(0 5 ? * * *)" } } },
    });
    const child = plan("daily", {
      regions: { "@@append": ["eu-west-1"] },
      rules: {
        nightly: { schedule_expression: { "@@assign": "cron(0 1 ? * * *)" } },
        extra: { schedule_expression: { "@@assign": "rate(1 hour)" } },
      },
    });
    expect(effective([root], [child])).toEqual({
      plans: { daily: { regions: ["us-east-1"], rules: { nightly: { schedule_expression: "cron(0 5 ? * * *)" } } } },
    });
  });

  it("@@append on plans: a child adds its own plan but can't change the locked one (backup example 4)", () => {
    const root = {
      plans: {
        "@@operators_allowed_for_child_policies": ["@@append"],
        pii: { "@@operators_allowed_for_child_policies": ["@@none"], regions: { "@@assign": ["us-east-1"] } },
      },
    };
    const child = {
      plans: {
        pii: { regions: { "@@assign": ["eu-west-1"] } },
        Monthly: {
          regions: { "@@assign": ["eu-central-1"] },
          rules: { m: { schedule_expression: { "@@assign": "cron(0 5 1 * ? *)" } } },
        },
      },
    };
    expect(effective([root], [child])).toEqual({
      plans: {
        pii: { regions: ["us-east-1"] },
        monthly: { regions: ["eu-central-1"], rules: { m: { schedule_expression: "cron(0 5 1 * ? *)" } } },
      },
    });
  });

  it("@@assign alone still lets a child add a setting (@@assign adds what isn't inherited), but not append to a list", () => {
    const root = plan("daily", {
      "@@operators_allowed_for_child_policies": ["@@assign"],
      regions: { "@@assign": ["us-east-1"] },
    });
    const p = effective(
      [root],
      [
        plan("daily", {
          regions: { "@@append": ["eu-west-1"] },
          rules: { nightly: { schedule_expression: { "@@assign": "cron(0 1 ? * * *)" } } },
        }),
      ],
    );
    expect(p).toEqual({
      plans: { daily: { regions: ["us-east-1"], rules: { nightly: { schedule_expression: "cron(0 1 ? * * *)" } } } },
    });
  });

  it("@@none on plans: a child can add no plan at all", () => {
    const p = effective(
      [
        {
          plans: {
            "@@operators_allowed_for_child_policies": ["@@none"],
            a: { regions: { "@@assign": ["us-east-1"] } },
          },
        },
      ],
      [plan("b", { regions: { "@@assign": ["eu-west-1"] } })],
    );
    expect(Object.keys(p.plans as JsonObject)).toEqual(["a"]);
  });
});

describe("two policies on one target", () => {
  it("the first attached policy's @@assign wins (inheritance example 6); appends from both count", () => {
    const j = {
      plans: {
        daily: {
          rules: { nightly: { target_backup_vault_name: { "@@assign": "First" } } },
          regions: { "@@append": ["us-east-1"] },
        },
      },
    };
    const k = {
      plans: {
        daily: {
          rules: { nightly: { target_backup_vault_name: { "@@assign": "Second" } } },
          regions: { "@@append": ["eu-west-1"] },
        },
      },
    };
    const p = effective([j, k]);
    expect(ruleOf(p).target_backup_vault_name).toBe("First");
    expect(regionsOf(p)).toEqual(["us-east-1", "eu-west-1"]);
    expect(ruleOf(effective([k, j])).target_backup_vault_name).toBe("Second");
  });

  it("their child-control operators intersect for the children (inheritance example 5)", () => {
    const g = regions("@@assign", ["us-east-1"], { "@@operators_allowed_for_child_policies": ["@@append"] });
    const h = plan("daily", { regions: { "@@operators_allowed_for_child_policies": ["@@append", "@@remove"] } });
    for (const root of [
      [g, h],
      [h, g],
    ]) {
      expect(regionsOf(effective(root, [regions("@@append", ["eu-west-1"], { "@@remove": ["us-east-1"] })]))).toEqual([
        "us-east-1",
        "eu-west-1",
      ]);
    }
  });

  it("a child-control operator of one doesn't bind the other policy on the same target", () => {
    const p = effective([lockedFirst(), regions("@@append", ["eu-west-1"])]);
    expect(regionsOf(p)).toEqual(["us-east-1", "eu-west-1"]);
    function lockedFirst() {
      return regions("@@assign", ["us-east-1"], { "@@operators_allowed_for_child_policies": ["@@none"] });
    }
  });
});

describe("the effective policy's shape", () => {
  it("has no operators, lower-case keys matched without case, values as written", () => {
    const root = plan("PII_Backup_Plan", {
      rules: {
        Hourly: { start_backup_window_minutes: { "@@assign": "480" }, enable_continuous_backup: { "@@assign": true } },
      },
      selections: {
        tags: { DataType: { tag_key: { "@@assign": "dataType" }, tag_value: { "@@assign": ["PII", "RED"] } } },
      },
    });
    const child = plan("pii_backup_plan", { rules: { hourly: { start_backup_window_minutes: { "@@assign": "60" } } } });
    const r = computeEffectivePolicy([[JSON.stringify(root)], [JSON.stringify(child)]]);
    expect(r.ok && r.content).toBe(
      '{"plans":{"pii_backup_plan":{"rules":{"hourly":{"start_backup_window_minutes":"60","enable_continuous_backup":true}},"selections":{"tags":{"datatype":{"tag_key":"dataType","tag_value":["PII","RED"]}}}}}}',
    );
  });

  it("keeps $account and $region as written, in values and in keys (AWS substitutes them in the plans it materialises)", () => {
    const arn = "arn:aws:backup:$region:$account:backup-vault:Secondary";
    const p = effective([
      rule({ copy_actions: { [arn]: { target_backup_vault_arn: { "@@assign": arn } } } }),
      plan("daily", {
        selections: { tags: { s: { iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/Backup" } } } },
      }),
    ]);
    expect(ruleOf(p).copy_actions).toEqual({ [arn.toLowerCase()]: { target_backup_vault_arn: arn } });
    expect(JSON.stringify(p)).toContain('"iam_role_arn":"arn:aws:iam::$account:role/Backup"');
  });

  it("no policy anywhere in the chain is EffectivePolicyNotFoundException", () => {
    for (const levels of [[], [[], [], []]]) {
      const r = mergePolicyChain(levels);
      expect(r.ok ? null : r.error.code).toBe("EffectivePolicyNotFoundException");
    }
  });

  it("a document that does not parse gives the parser's AWS error code, naming the document", () => {
    const r = computeEffectivePolicy([[JSON.stringify(plan("a", {}))], ['{"plans": {"a": {}, "a": {}}}']]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("MalformedPolicyDocumentException");
    expect(r.error.reason).toBe("DUPLICATE_KEY");
    expect(r.error.message).toMatch(/^policy 1 attached to the account \(level 2 of 2\): /);
  });

  it("validateDocuments: a document CreatePolicy would refuse gives its refusal, not a merge", () => {
    const short = JSON.stringify(rule({ start_backup_window_minutes: { "@@assign": "30" } }));
    expect(computeEffectivePolicy([[short]]).ok).toBe(true);
    const r = computeEffectivePolicy([[short]], { validateDocuments: true });
    expect(r.ok ? null : [r.error.code, r.error.path]).toEqual([
      "MalformedPolicyDocumentException",
      '$.plans.daily.rules.nightly.start_backup_window_minutes["@@assign"]',
    ]);
  });

  it("a bare value where an operator belongs is refused with its path", () => {
    const r = computeEffectivePolicy([['{"plans": {"daily": {"regions": ["us-east-1"]}}}']]);
    expect(r.ok ? null : [r.error.code, r.error.path]).toEqual([
      "MalformedPolicyDocumentException",
      "$.plans.daily.regions",
    ]);
  });
});
