// Account-level controls (BK-13, BK-15, BK-17) and the ERROR rule shared by every control.
import { describe, expect, it } from "vitest";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import {
  ACCT,
  REGION,
  backupJob,
  daysBefore,
  hoursBefore,
  only,
  plan,
  regionSettings,
  resource,
  restoreJob,
  rule,
  run,
  selection,
  snapshot,
  unit,
} from "./fixtures";

describe("BK-13 restore tested", () => {
  const cases: Array<[string, Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    [
      "no restore at all",
      {},
      {},
      "FAIL",
      /no successful EBS restore in account 111111111111 in the last 180 days \(1 resources\)/,
    ],
    ["restore 10 days ago", { restoreJobs: [restoreJob()] }, {}, "PASS", /EBS restore succeeded/],
    [
      "restore test run counts",
      {
        restoreJobs: [
          restoreJob({ restoreTestingPlanArn: "arn:aws:backup:eu-west-1:111111111111:restore-testing-plan:weekly" }),
        ],
      },
      {},
      "PASS",
      /restore test succeeded/,
    ],
    [
      "restore outside the look-back",
      { restoreJobs: [restoreJob({ creationDate: daysBefore(100), completionDate: daysBefore(100) })] },
      { lookbackDays: 90 },
      "FAIL",
      /last on/,
    ],
    ["failed restore does not count", { restoreJobs: [restoreJob({ status: "FAILED" })] }, {}, "FAIL", /no successful/],
    [
      "failed validation does not count",
      { restoreJobs: [restoreJob({ validationStatus: "FAILED" })] },
      {},
      "FAIL",
      /no successful/,
    ],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-13", snapshot(over), params));
    expect(f.subject).toMatchObject({ type: "account-resource-type", id: `${ACCT}/EBS`, region: null });
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
  it("per-resource granularity", () => {
    const f = only(run("BK-13", snapshot({ restoreJobs: [restoreJob()] }), { granularity: "resource" }));
    expect(f.subject.type).toBe("resource");
    expect(f.status).toBe("PASS");
  });
  it("missing data only matters when nothing was found", () => {
    const snap = snapshot({ units: [unit({ status: "failed", error: "throttled" })] });
    expect(only(run("BK-13", snap)).status).toBe("ERROR");
    expect(only(run("BK-13", { ...snap, restoreJobs: [restoreJob()] })).status).toBe("PASS");
  });
});

describe("BK-15 region ready", () => {
  const cases: Array<[string, Partial<TenantSnapshot>, string, RegExp]> = [
    ["ready", {}, "PASS", /1 resource type opted in, 1 rule target vault exist/],
    [
      "type present but not opted in",
      { regionSettings: [regionSettings({ EBS: false })] },
      "FAIL",
      /EBS is not opted in/,
    ],
    ["rule targets a missing vault", { vaults: [] }, "FAIL", /targets vault main, which does not exist here/],
    [
      "role of another account",
      { plans: [plan({ selections: [selection({ iamRoleArn: "arn:aws:iam::999999999999:role/backup" })] })] },
      "FAIL",
      /not a role of account 111111111111/,
    ],
    [
      "unsubstituted $account placeholder",
      { plans: [plan({ selections: [selection({ iamRoleArn: "arn:aws:iam::$account:role/backup" })] })] },
      "FAIL",
      /\$account/,
    ],
    [
      "backup job failed on the role",
      {
        backupJobs: [
          backupJob({ state: "FAILED", statusMessage: "Unable to assume role arn:aws:iam::111111111111:role/backup" }),
        ],
      },
      "FAIL",
      /failed on the IAM role/,
    ],
    [
      "copy into a missing vault of a tenant account",
      {
        plans: [
          plan({
            rules: [
              rule({
                copyActions: [
                  { destinationBackupVaultArn: `arn:aws:backup:us-east-1:${ACCT}:backup-vault:dr`, lifecycle: null },
                ],
              }),
            ],
          }),
        ],
      },
      "FAIL",
      /sends to .*dr, which does not exist/,
    ],
    ["nothing there", { resources: [], plans: [] }, "NOT_APPLICABLE", /no resources in scope and no backup plans/],
    ["region settings not read", { regionSettings: [] }, "ERROR", /region settings/],
  ];
  it.each(cases)("%s", (_n, over, status, reason) => {
    const f = only(run("BK-15", snapshot(over)));
    expect(f.subject).toMatchObject({ type: "account-region", id: `${ACCT}/${REGION}` });
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-17 Organizations backup policy coverage and drift", () => {
  const effective = {
    plans: {
      gold: {
        regions: [REGION, "us-east-1"],
        rules: {
          daily: {
            schedule_expression: "cron(0 5 ? * * *)",
            target_backup_vault_name: "main",
            lifecycle: { delete_after_days: "35" },
          },
        },
        selections: {
          tags: { gold: { iam_role_arn: "arn:aws:iam::$account:role/backup", tag_key: "tier", tag_value: ["gold"] } },
        },
      },
    },
  };
  const orgPlan = plan({ planId: "orgs/1234", orgManaged: true, planName: "gold" });
  const policy = {
    policyId: "p-1",
    policyArn: "arn:aws:organizations::999999999999:policy/o-1/backup_policy/p-1",
    name: "org-gold",
    description: "",
    awsManaged: false,
    content: JSON.stringify({ plans: { gold: { regions: { "@@assign": [REGION] } } } }),
    targets: ["r-ab12"],
  };
  const base = (over: Partial<TenantSnapshot> = {}): Partial<TenantSnapshot> => ({
    plans: [orgPlan],
    orgBackupPolicies: [policy],
    effectiveBackupPolicies: [{ accountId: ACCT, content: JSON.stringify(effective), lastUpdated: daysBefore(2) }],
    ...over,
  });
  const cases: Array<[string, Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["covered, no drift", base(), {}, "PASS", /covered by gold, materialised without drift/],
    [
      "hand-made plans are noted, not failed",
      base({ plans: [orgPlan, plan({ planId: "local", planName: "team-plan" })] }),
      {},
      "PASS",
      /1 hand-made plan \(team-plan\) also present/,
    ],
    [
      "no effective policy",
      base({ effectiveBackupPolicies: [] }),
      {},
      "FAIL",
      /no Organizations backup policy applies/,
    ],
    [
      "policy has no plan for this region",
      base({
        effectiveBackupPolicies: [
          {
            accountId: ACCT,
            content: JSON.stringify({ plans: { gold: { ...effective.plans.gold, regions: ["us-east-1"] } } }),
            lastUpdated: null,
          },
        ],
      }),
      {},
      "FAIL",
      /no plan for eu-west-1/,
    ],
    ["plan not materialised", base({ plans: [] }), {}, "FAIL", /plan gold is not materialised/],
    [
      "materialised plan drifted",
      base({
        plans: [
          {
            ...orgPlan,
            rules: [
              rule({
                lifecycle: {
                  moveToColdStorageAfterDays: null,
                  deleteAfterDays: 7,
                  optInToArchiveForSupportedResources: false,
                },
              }),
            ],
          },
        ],
      }),
      {},
      "FAIL",
      /delete after 7 ≠ 35 days/,
    ],
    [
      "stale org-managed plan",
      base({ plans: [orgPlan, plan({ planId: "orgs/old", orgManaged: true, planName: "old" })] }),
      {},
      "FAIL",
      /org-managed plan old is not in the effective policy/,
    ],
    ["only uncounted policies", base(), { policyNames: ["baseline"] }, "FAIL", /come from no counted policy/],
    ["counted policy by name", base(), { policyNames: ["org-gold"] }, "PASS", /covered by gold/],
    [
      "policy keys and plan names are not case sensitive",
      base({
        plans: [{ ...orgPlan, planName: "Gold", rules: orgPlan.rules.map((r) => ({ ...r, ruleName: "Daily" })) }],
        orgBackupPolicies: [
          { ...policy, content: JSON.stringify({ Plans: { Gold: { Regions: { "@@assign": [REGION] } } } }) },
        ],
      }),
      { policyNames: ["org-gold"] },
      "PASS",
      /covered by gold, materialised without drift/,
    ],
    [
      "organizations not read",
      base({ orgBackupPolicies: null, effectiveBackupPolicies: null }),
      {},
      "ERROR",
      /were not read/,
    ],
    [
      "malformed effective policy",
      base({ effectiveBackupPolicies: [{ accountId: ACCT, content: "{", lastUpdated: null }] }),
      {},
      "ERROR",
      /not valid JSON/,
    ],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-17", snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-17 drift of the policies the product manages", () => {
  const effective = {
    plans: {
      gold: {
        regions: [REGION],
        rules: {
          daily: {
            schedule_expression: "cron(0 5 ? * * *)",
            target_backup_vault_name: "main",
            lifecycle: { delete_after_days: "35" },
          },
        },
        selections: {
          tags: { gold: { iam_role_arn: "arn:aws:iam::$account:role/backup", tag_key: "tier", tag_value: ["gold"] } },
        },
      },
    },
  };
  // Two plans: gold in this unit's region, silver in another.
  const doc = (goldDays: number, silverDays = 35) =>
    JSON.stringify({
      plans: Object.fromEntries(
        [["gold", [REGION], goldDays] as const, ["silver", ["us-east-1"], silverDays] as const].map(
          ([name, regions, days]) => [
            name,
            {
              regions: { "@@assign": regions },
              rules: { daily: { lifecycle: { delete_after_days: { "@@assign": String(days) } } } },
            },
          ],
        ),
      ),
    });
  const orgPlan = plan({ planId: "orgs/1234", orgManaged: true, planName: "gold" });
  const aws = (over: { content?: string; targets?: string[] } = {}) => ({
    policyId: "p-9",
    policyArn: "arn:aws:organizations::999999999999:policy/o-1/backup_policy/p-9",
    name: "baseline",
    description: "",
    awsManaged: false,
    content: over.content ?? doc(35),
    targets: over.targets ?? ["r-ab12"],
  });
  const intent = {
    policyId: "00000000-0000-4000-8000-000000000001",
    name: "baseline",
    awsPolicyId: "p-9",
    version: 2,
    content: doc(35),
    targets: ["r-ab12"],
    pushedAt: daysBefore(3),
    awsReadSincePush: true,
  };
  const base = (
    awsPolicy: ReturnType<typeof aws> | null,
    over: Partial<typeof intent> = {},
  ): Partial<TenantSnapshot> => ({
    plans: [orgPlan],
    orgBackupPolicies: awsPolicy ? [awsPolicy] : [],
    effectiveBackupPolicies: [{ accountId: ACCT, content: JSON.stringify(effective), lastUpdated: daysBefore(2) }],
    managedBackupPolicies: [{ ...intent, ...over }],
  });
  const cases: Array<[string, Partial<TenantSnapshot>, string, RegExp]> = [
    ["AWS holds the pushed version", base(aws()), "PASS", /covered by gold/],
    [
      "its content was edited in the console",
      base(aws({ content: doc(14) })),
      "FAIL",
      /changed in AWS outside the product: baseline's content in AWS differs from version 2 at \$\.plans\.gold\.rules\.daily\.lifecycle\.delete_after_days\["@@assign"\]/,
    ],
    ["an edit of another region's plan", base(aws({ content: doc(35, 7) })), "PASS", /covered by gold/],
    [
      "AWS re-serialised the text (layout only)",
      base(aws({ content: JSON.stringify(JSON.parse(doc(35)), null, 2) })),
      "PASS",
      /covered by gold/,
    ],
    [
      "attached to the account's OU outside the product",
      base(aws({ targets: ["r-ab12", "ou-ab12-prod0001"] })),
      "FAIL",
      /baseline was attached to ou-ab12-prod0001 outside the product/,
    ],
    [
      "detached from the root outside the product",
      base(aws({ targets: [] })),
      "FAIL",
      /baseline was detached from r-ab12 outside the product/,
    ],
    ["deleted outside the product", base(null), "FAIL", /baseline \(version 2\) was deleted outside the product/],
    [
      "pushed after the last read: no verdict on drift yet",
      base(aws({ content: doc(14) }), { awsReadSincePush: false }),
      "PASS",
      /covered by gold/,
    ],
    [
      "attached elsewhere, not in this account's chain",
      base(aws({ targets: ["r-ab12", "ou-ab12-other001"] })),
      "PASS",
      /covered by gold/,
    ],
  ];
  it.each(cases)("%s", (_n, over, status, reason) => {
    const f = only(run("BK-17", snapshot(over)));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
  it("the evidence names the managed policy, its intended version and the paths that differ", () => {
    const f = only(run("BK-17", snapshot(base(aws({ content: doc(14) })))));
    expect(f.evidence).toContainEqual({
      kind: "org-policy",
      id: "p-9",
      details: {
        name: "baseline",
        managedBy: "backup-governance",
        intendedVersion: 2,
        status: "drifted",
        paths: ['$.plans.gold.rules.daily.lifecycle.delete_after_days["@@assign"]'],
        attachedOutside: [],
        detachedOutside: [],
      },
    });
  });
});

describe("never a silent pass: stale or failed units give ERROR for every control", () => {
  const stale: Array<[string, ReturnType<typeof unit>]> = [
    ["last sync failed", unit({ status: "failed", error: "AccessDenied", errorAt: hoursBefore(1) })],
    ["never read", unit({ publishedAt: null, status: "pending" })],
    ["too old", unit({ publishedAt: daysBefore(5) })],
  ];
  for (const [name, u] of stale) {
    it.each([...CONTROL_IDS])(`${name}: %s`, (id) => {
      // Tagged as critical and as holding personal data, so BK-19 and BK-21 have it in scope.
      const tagged = resource({ tags: { criticality: "critical", "data-classification": "personal" } });
      const snap = snapshot({ units: [u], resources: [tagged], restoreJobs: [], effectiveBackupPolicies: [] });
      const findings = run(id, snap);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) expect(f.status).toBe("ERROR");
    });
  }
  it("a skipped (disabled) region is not applicable", () => {
    const f = only(run("BK-01", snapshot({ units: [unit({ status: "skipped" })] })));
    expect(f.status).toBe("NOT_APPLICABLE");
  });
});
