import { describe, expect, it } from "vitest";
import { mergePolicies } from "@/sim/org/policy-merge";
import { checkBackupPolicy, plansFromEffective } from "@/sim/org/backup-policy";

/** Inheritance operators as the Organizations user guide describes them (root → OU → account). */
const a = (v: unknown) => ({ "@@assign": v });

describe("mergePolicies", () => {
  it("returns undefined when nothing is attached", () => {
    expect(mergePolicies([[], [], []])).toBeUndefined();
  });

  it("lets a child @@assign override a parent and keeps the rest", () => {
    const root = {
      plans: {
        P: {
          regions: a(["us-east-1"]),
          rules: { R: { schedule_expression: a("cron(0 5 ? * * *)"), lifecycle: { delete_after_days: a("35") } } },
        },
      },
    };
    const child = { plans: { P: { rules: { R: { lifecycle: { delete_after_days: a("90") } } } } } };
    // Keys come out in lower case, as DescribeEffectivePolicy shows them.
    expect(mergePolicies([[root], [child]])).toEqual({
      plans: {
        p: {
          regions: ["us-east-1"],
          rules: { r: { schedule_expression: "cron(0 5 ? * * *)", lifecycle: { delete_after_days: "90" } } },
        },
      },
    });
  });

  it("@@append adds to and @@remove removes from inherited arrays", () => {
    const root = { plans: { P: { regions: a(["us-east-1", "eu-west-1"]) } } };
    const ou = { plans: { P: { regions: { "@@append": ["ap-south-1", "us-east-1"] } } } };
    const acct = { plans: { P: { regions: { "@@remove": ["eu-west-1"] } } } };
    expect(mergePolicies([[root], [ou], [acct]])).toEqual({ plans: { p: { regions: ["us-east-1", "ap-south-1"] } } });
  });

  it("@@none locks a setting for every lower level, and children cannot widen it again", () => {
    const root = {
      plans: {
        P: {
          rules: {
            R: {
              target_backup_vault_name: { "@@assign": "central", "@@operators_allowed_for_child_policies": ["@@none"] },
            },
          },
        },
      },
    };
    const ou = {
      plans: {
        P: {
          rules: {
            R: {
              target_backup_vault_name: { "@@assign": "mine", "@@operators_allowed_for_child_policies": ["@@all"] },
            },
          },
        },
      },
    };
    const acct = { plans: { P: { rules: { R: { target_backup_vault_name: a("other") } } } } };
    expect(mergePolicies([[root], [ou], [acct]])).toEqual({
      plans: { p: { rules: { r: { target_backup_vault_name: "central" } } } },
    });
  });

  it("@@append on plans lets children add plans but not change inherited ones", () => {
    const root = {
      plans: { "@@operators_allowed_for_child_policies": ["@@append"], Locked: { regions: a(["us-east-1"]) } },
    };
    const child = { plans: { Locked: { regions: a(["eu-west-1"]) }, Added: { regions: a(["eu-west-1"]) } } };
    expect(mergePolicies([[root], [child]])).toEqual({
      plans: { locked: { regions: ["us-east-1"] }, added: { regions: ["eu-west-1"] } },
    });
  });

  it("a restriction binds lower levels, not other policies attached at the same level", () => {
    const first = {
      plans: { P: { regions: { "@@assign": ["us-east-1"], "@@operators_allowed_for_child_policies": ["@@none"] } } },
    };
    const second = { plans: { P: { regions: { "@@append": ["eu-west-1"] } } } };
    const lower = { plans: { P: { regions: a(["ap-south-1"]) } } };
    expect(mergePolicies([[first, second], [lower]])).toEqual({
      plans: { p: { regions: ["us-east-1", "eu-west-1"] } },
    });
  });

  it("of two policies on one node, the first attached one's @@assign wins (inheritance example 6)", () => {
    const first = { plans: { P: { regions: a(["us-east-1"]) } } };
    const second = { plans: { p: { regions: a(["eu-west-1"]) } } };
    expect(mergePolicies([[first, second]])).toEqual({ plans: { p: { regions: ["us-east-1"] } } });
    expect(mergePolicies([[second, first]])).toEqual({ plans: { p: { regions: ["eu-west-1"] } } });
  });

  it("@@remove of a setting nothing defined creates no empty list", () => {
    expect(
      mergePolicies([
        [{ plans: { P: { regions: a(["us-east-1"]) } } }],
        [{ plans: { P: { rules: { R: { copy: { "@@remove": ["x"] } } }, regions: { "@@remove": ["eu-west-1"] } } } }],
      ]),
    ).toEqual({ plans: { p: { regions: ["us-east-1"] } } });
  });

  it("allows only the listed operators below a restriction", () => {
    const root = {
      plans: { P: { regions: { "@@assign": ["us-east-1"], "@@operators_allowed_for_child_policies": ["@@append"] } } },
    };
    const child = { plans: { P: { regions: { "@@remove": ["us-east-1"], "@@append": ["eu-west-1"] } } } };
    expect(mergePolicies([[root], [child]])).toEqual({ plans: { p: { regions: ["us-east-1", "eu-west-1"] } } });
  });
});

describe("backup policy documents", () => {
  it("rejects what CreatePolicy rejects", () => {
    expect(checkBackupPolicy("{")).toMatch(/JSON/);
    expect(checkBackupPolicy('{"plans":{},"plans":{}}')).toMatch(/Duplicate key plans/);
    expect(checkBackupPolicy('{"nonsense":{}}')).toMatch(/Unknown element/);
    expect(
      checkBackupPolicy(JSON.stringify({ plans: { P: { rules: { R: { start_backup_window_minutes: a("30") } } } } })),
    ).toMatch(/at least 60/);
    expect(
      checkBackupPolicy(
        JSON.stringify({
          plans: {
            P: {
              rules: { R: { lifecycle: { move_to_cold_storage_after_days: a("30"), delete_after_days: a("100") } } },
            },
          },
        }),
      ),
    ).toMatch(/\+ 90/);
    expect(
      checkBackupPolicy(
        JSON.stringify({
          plans: {
            P: { rules: { R: { enable_continuous_backup: a(true), lifecycle: { delete_after_days: a("60") } } } },
          },
        }),
      ),
    ).toMatch(/35 days/);
    expect(checkBackupPolicy(JSON.stringify({ plans: { P: { regions: a(["us-east-1"]) } } }))).toBeUndefined();
  });

  it("materialises plans per region with placeholders replaced and invalid plans skipped", () => {
    const effective = {
      plans: {
        Good: {
          regions: ["us-east-1"],
          rules: {
            Daily: {
              schedule_expression: "cron(0 5 ? * * *)",
              target_backup_vault_name: "v-$region",
              lifecycle: { delete_after_days: "35" },
              copy_actions: {
                x: {
                  target_backup_vault_arn: "arn:aws:backup:eu-west-1:$account:backup-vault:dr",
                  lifecycle: { delete_after_days: "90" },
                },
              },
            },
          },
          selections: {
            tags: {
              T: { iam_role_arn: "arn:aws:iam::$account:role/R", tag_key: "backup", tag_value: ["yes", "daily"] },
            },
            resources: {
              S: {
                iam_role_arn: "arn:aws:iam::$account:role/R",
                resource_types: ["arn:aws:dynamodb:*:*:table/*"],
                not_resource_types: ["arn:aws:dynamodb:*:*:table/tmp*"],
                conditions: { string_equals: { c: { condition_key: "aws:ResourceTag/env", condition_value: "prod" } } },
              },
            },
          },
        },
        NoRules: { regions: ["us-east-1"], selections: {} },
        OtherRegion: {
          regions: ["eu-west-1"],
          rules: { D: { schedule_expression: "cron(0 5 ? * * *)", target_backup_vault_name: "v" } },
          selections: {},
        },
      },
    };
    const plans = plansFromEffective(effective, "111122223333", "us-east-1");
    expect(plans.map((p) => p.name)).toEqual(["Good"]);
    const [p] = plans;
    expect(p!.rules[0]).toMatchObject({
      name: "Daily",
      target_vault: "v-us-east-1",
      lifecycle: { delete_after_days: 35 },
      copy_actions: [
        {
          destination_vault_arn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr",
          lifecycle: { delete_after_days: 90 },
        },
      ],
    });
    expect(p!.selections[0]).toMatchObject({
      name: "T",
      iam_role_arn: "arn:aws:iam::111122223333:role/R",
      list_of_tags: [
        { key: "backup", value: "yes" },
        { key: "backup", value: "daily" },
      ],
    });
    expect(p!.selections[1]).toMatchObject({
      name: "S",
      resources: ["arn:aws:dynamodb:*:*:table/*"],
      not_resources: ["arn:aws:dynamodb:*:*:table/tmp*"],
      conditions: { string_equals: [{ key: "aws:ResourceTag/env", value: "prod" }] },
    });
  });
});
