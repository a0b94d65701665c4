// The drift comparison: documents compared by meaning with the path of each change, the regions a
// change reaches, each policy status, and every per-unit state of the tenant report.
import { describe, expect, it } from "vitest";
import type { BackupRule } from "@/lib/inventory/types";
import {
  chainDrift,
  comparePolicy,
  documentDifferences,
  regionsTouched,
  type ManagedPolicyIntent,
} from "@/lib/policies/drift-diff";
import { buildDriftReport, type DriftInputs } from "@/lib/policies/drift-report";

const ROOT = "r-ab12";
const SEC = "ou-ab12-security";
const WORK = "ou-ab12-workload";
const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const EAST = "us-east-1";
const WEST = "eu-west-1";

/** Two plans, one per region, as the demo baseline writes them. */
function doc(days: { east?: number; west?: number } = {}): string {
  const plan = (region: string, d: number) => ({
    regions: { "@@assign": [region] },
    rules: {
      daily: {
        schedule_expression: { "@@assign": "cron(0 5 ? * * *)" },
        target_backup_vault_name: { "@@assign": "Default" },
        lifecycle: { delete_after_days: { "@@assign": String(d) } },
      },
    },
    selections: {
      tags: {
        tagged: {
          iam_role_arn: { "@@assign": "arn:aws:iam::$account:role/backup" },
          tag_key: { "@@assign": "backup" },
          tag_value: { "@@assign": ["daily"] },
        },
      },
    },
  });
  return JSON.stringify(
    { plans: { [`base-${EAST}`]: plan(EAST, days.east ?? 35), [`base-${WEST}`]: plan(WEST, days.west ?? 35) } },
    null,
    2,
  );
}

const intent = (over: Partial<ManagedPolicyIntent> = {}): ManagedPolicyIntent => ({
  policyId: "00000000-0000-4000-8000-000000000001",
  name: "baseline",
  awsPolicyId: "p-base",
  version: 3,
  content: doc(),
  targets: [SEC],
  pushedAt: new Date("2026-06-01T00:00:00Z"),
  awsReadSincePush: true,
  ...over,
});

describe("documentDifferences", () => {
  it("finds nothing in a re-serialised document or one whose keys changed case", () => {
    const compact = JSON.stringify(JSON.parse(doc()));
    expect(documentDifferences(doc(), compact).differences).toEqual([]);
    expect(
      documentDifferences(doc(), doc().replaceAll('"plans"', '"Plans"').replaceAll('"rules"', '"RULES"')).differences,
    ).toEqual([]);
  });
  it("reports each changed, added and removed value by its path, with both values", () => {
    const edited = JSON.parse(doc()) as { plans: Record<string, { rules: { daily: Record<string, unknown> } }> };
    edited.plans[`base-${EAST}`]!.rules.daily.lifecycle = { delete_after_days: { "@@assign": "14" } };
    edited.plans[`base-${EAST}`]!.rules.daily.enable_continuous_backup = { "@@assign": true };
    delete edited.plans[`base-${WEST}`]!.rules.daily.schedule_expression;
    const { differences, truncated } = documentDifferences(doc(), JSON.stringify(edited));
    expect(truncated).toBe(false);
    expect(differences).toEqual([
      {
        path: '$.plans["base-eu-west-1"].rules.daily.schedule_expression',
        intended: '{"@@assign":"cron(0 5 ? * * *)"}',
        aws: null,
      },
      {
        path: '$.plans["base-us-east-1"].rules.daily.enable_continuous_backup',
        intended: null,
        aws: '{"@@assign":true}',
      },
      {
        path: '$.plans["base-us-east-1"].rules.daily.lifecycle.delete_after_days["@@assign"]',
        intended: '"35"',
        aws: '"14"',
      },
    ]);
  });
  it("compares arrays whole, in order (regions and tag values are ordered lists)", () => {
    const a = JSON.stringify({ plans: { p: { regions: { "@@assign": ["us-east-1", "eu-west-1"] } } } });
    const b = JSON.stringify({ plans: { p: { regions: { "@@assign": ["eu-west-1", "us-east-1"] } } } });
    expect(documentDifferences(a, b).differences.map((d) => d.path)).toEqual(['$.plans.p.regions["@@assign"]']);
  });
  it("stops at the limit and says so; a document that is not JSON differs as a whole", () => {
    const many = (v: number) =>
      JSON.stringify({
        plans: Object.fromEntries(
          Array.from({ length: 30 }, (_, i) => [`p${i}`, { regions: { "@@assign": [`r${v}`] } }]),
        ),
      });
    const r = documentDifferences(many(1), many(2), 20);
    expect(r.differences).toHaveLength(20);
    expect(r.truncated).toBe(true);
    expect(documentDifferences(doc(), "{ not json").differences).toEqual([
      { path: "$", intended: expect.any(String), aws: null },
    ]);
  });
});

describe("regionsTouched", () => {
  it("a change inside a plan reaches that plan's regions, in either version", () => {
    const { differences } = documentDifferences(doc(), doc({ east: 14 }));
    expect(regionsTouched(differences, doc(), doc({ east: 14 }))).toEqual([EAST]);
  });
  it("a change outside the plans, or in a plan whose regions come from elsewhere, reaches every region", () => {
    const top = JSON.stringify({ ...JSON.parse(doc()), "@@operators_allowed_for_child_policies": ["@@none"] });
    expect(regionsTouched(documentDifferences(doc(), top).differences, doc(), top)).toBeNull();
    const child = (d: string) =>
      JSON.stringify({
        plans: { other: { rules: { daily: { lifecycle: { delete_after_days: { "@@assign": d } } } } } },
      });
    expect(
      regionsTouched(documentDifferences(child("35"), child("14")).differences, child("35"), child("14")),
    ).toBeNull();
  });
});

describe("comparePolicy", () => {
  const aws = (over: { content?: string; targets?: string[] } = {}) => ({
    policyId: "p-base",
    content: over.content ?? doc(),
    targets: over.targets ?? [SEC],
  });
  it.each([
    ["in sync", intent(), aws(), true, { status: "in-sync" }],
    [
      "content edited in the console",
      intent(),
      aws({ content: doc({ west: 7 }) }),
      true,
      { status: "drifted", regions: [WEST] },
    ],
    [
      "attached and detached outside the product",
      intent(),
      aws({ targets: [A] }),
      true,
      { status: "drifted", attachedOutside: [A], detachedOutside: [SEC], differences: [] },
    ],
    ["deleted outside the product", intent(), undefined, true, { status: "missing", detachedOutside: [SEC] }],
    [
      "pushed after the last read",
      intent({ awsReadSincePush: false }),
      aws({ content: doc({ east: 1 }) }),
      true,
      { status: "awaiting-sync" },
    ],
    ["organization not read", intent(), aws({ content: doc({ east: 1 }) }), false, { status: "not-read" }],
  ] as const)("%s", (_n, i, a, orgRead, expected) => {
    expect(comparePolicy(i, a, orgRead)).toMatchObject(expected);
  });
});

describe("chainDrift", () => {
  const drifted = (awsTargets: string[], content = doc({ east: 14 })) => {
    const i = intent();
    return [
      { intent: i, drift: comparePolicy(i, { policyId: "p-base", content, targets: awsTargets }, true), awsTargets },
    ];
  };
  it("a content change counts where AWS attaches the policy and in the regions it touches", () => {
    expect(chainDrift([ROOT, SEC, A], EAST, drifted([SEC])).map((d) => d.reason)).toEqual([
      `baseline's content in AWS differs from version 3 at $.plans["base-us-east-1"].rules.daily.lifecycle.delete_after_days["@@assign"]`,
    ]);
    expect(chainDrift([ROOT, SEC, A], WEST, drifted([SEC]))).toEqual([]);
    expect(chainDrift([ROOT, WORK, B], EAST, drifted([SEC]))).toEqual([]);
  });
  it("an attachment made or removed outside the product counts where its target is", () => {
    const moved = drifted([WORK], doc());
    expect(chainDrift([ROOT, WORK, B], WEST, moved).map((d) => d.reason)).toEqual([
      "baseline was attached to ou-ab12-workload outside the product",
    ]);
    expect(chainDrift([ROOT, SEC, A], WEST, moved).map((d) => d.reason)).toEqual([
      "baseline was detached from ou-ab12-security outside the product",
    ]);
  });
});

describe("buildDriftReport: every state of an account and region", () => {
  const rule = (days: number): BackupRule => ({
    ruleId: "r1",
    ruleName: "daily",
    targetBackupVaultName: "Default",
    targetLogicallyAirGappedBackupVaultArn: null,
    scheduleExpression: "cron(0 5 ? * * *)",
    scheduleExpressionTimezone: null,
    startWindowMinutes: null,
    completionWindowMinutes: null,
    lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: days, optInToArchiveForSupportedResources: false },
    copyActions: [],
    enableContinuousBackup: false,
    recoveryPointTags: {},
    scanActions: [],
    indexResourceTypes: [],
  });
  const effectiveOf = (days: { east?: number; west?: number } = {}) => {
    const plans = JSON.parse(doc(days)) as { plans: Record<string, Record<string, unknown>> };
    const plain = (v: unknown): unknown =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? "@@assign" in v
          ? (v as Record<string, unknown>)["@@assign"]
          : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
        : v;
    return JSON.stringify(plain(plans));
  };
  const D = "444444444444";
  const E = "555555555555";
  const readAt = new Date("2026-06-10T00:00:00Z");
  const base = (over: Partial<DriftInputs> = {}): DriftInputs => ({
    orgRead: true,
    readAt,
    rootId: ROOT,
    ous: [
      { id: ROOT, name: "Root", parentId: null },
      { id: SEC, name: "Security", parentId: ROOT },
      { id: WORK, name: "Workloads", parentId: ROOT },
    ],
    accounts: [
      { accountId: A, name: "Audit", state: "ACTIVE", parentId: SEC, ouPath: [ROOT, SEC] },
      { accountId: B, name: "Web", state: "ACTIVE", parentId: WORK, ouPath: [ROOT, WORK] },
      { accountId: C, name: "Management", state: "ACTIVE", parentId: ROOT, ouPath: [ROOT] },
      { accountId: D, name: "Legacy", state: "SUSPENDED", parentId: ROOT, ouPath: [ROOT] },
      { accountId: E, name: "Sandbox", state: "ACTIVE", parentId: ROOT, ouPath: [ROOT] },
    ],
    regions: [EAST, WEST],
    units: [A, B, C, D, E].flatMap((accountId) =>
      [EAST, WEST].map((region) => ({
        accountId,
        region,
        status: accountId === E ? "failed" : "ok",
        publishedAt: accountId === E ? null : readAt,
        error: accountId === E ? "AccessDenied" : null,
      })),
    ),
    awsPolicies: [
      { policyId: "p-base", name: "baseline", content: doc({ east: 14 }), targets: [SEC] },
      { policyId: "p-org", name: "org-baseline", content: doc(), targets: [WORK] },
    ],
    effective: [
      { accountId: A, content: effectiveOf({ east: 14 }) },
      { accountId: B, content: effectiveOf() },
    ],
    plans: [
      { accountId: A, region: EAST, planName: `base-${EAST}`, orgManaged: true, rules: [rule(14)] },
      { accountId: A, region: WEST, planName: `base-${WEST}`, orgManaged: true, rules: [rule(35)] },
      { accountId: A, region: WEST, planName: "audit-forever", orgManaged: false, rules: [] },
      { accountId: B, region: EAST, planName: `base-${EAST}`, orgManaged: true, rules: [rule(35)] },
      { accountId: B, region: WEST, planName: `base-${WEST}`, orgManaged: true, rules: [rule(7)] },
      { accountId: C, region: EAST, planName: "mgmt-weekly", orgManaged: false, rules: [] },
    ],
    intents: [intent()],
    ...over,
  });
  const unitOf = (r: ReturnType<typeof buildDriftReport>, account: string, region: string) =>
    r.nodes
      .flatMap((n) => n.accounts)
      .find((a) => a.accountId === account)!
      .units.find((u) => u.region === region)!;

  it("drifted, in sync, materialisation drift, unmanaged, not covered, unknown and not applicable", () => {
    const r = buildDriftReport(base());
    expect(unitOf(r, A, EAST)).toMatchObject({
      state: "drifted",
      seenAt: readAt,
      intended: [{ name: "baseline", version: 3, status: "drifted" }],
      inAws: [{ name: "baseline", managed: true }],
    });
    expect(unitOf(r, A, EAST).advice).toMatch(/Re-push the intended version/);
    expect(unitOf(r, A, WEST)).toMatchObject({
      state: "in-sync",
      handMade: ["audit-forever"],
      materialised: { plans: [`base-${WEST}`], differences: [] },
    });
    expect(unitOf(r, A, WEST).advice).toMatch(/1 plan made by hand here/);
    expect(unitOf(r, B, EAST)).toMatchObject({ state: "unmanaged", inAws: [{ name: "org-baseline", managed: false }] });
    expect(unitOf(r, B, WEST)).toMatchObject({
      state: "materialisation",
      reasons: [`plan base-${WEST}: rule daily delete after 7 ≠ 35 days`],
    });
    expect(unitOf(r, C, EAST)).toMatchObject({
      state: "not-covered",
      handMade: ["mgmt-weekly"],
      reasons: ["no backup policy applies to the account"],
    });
    expect(unitOf(r, D, EAST)).toMatchObject({ state: "not-applicable", reasons: ["the account is suspended"] });
    expect(unitOf(r, E, EAST)).toMatchObject({ state: "unknown", reasons: ["AccessDenied"] });
    expect(r.counts).toMatchObject({
      drifted: 1,
      "in-sync": 1,
      unmanaged: 1,
      materialisation: 1,
      "not-covered": 2,
      "not-applicable": 2,
      unknown: 2,
    });
  });

  it("per OU: the policies attached there, and attachments made or removed outside the product", () => {
    const r = buildDriftReport(
      base({ awsPolicies: [{ policyId: "p-base", name: "baseline", content: doc(), targets: [WORK] }] }),
    );
    expect(r.nodes.map((n) => [n.name, n.depth, n.accounts.map((a) => a.name)])).toEqual([
      ["Root", 0, ["Legacy", "Management", "Sandbox"]],
      ["Security", 1, ["Audit"]],
      ["Workloads", 1, ["Web"]],
    ]);
    expect(r.nodes[1]!.attached).toEqual([{ name: "baseline", managed: true, note: "detached outside the product" }]);
    expect(r.nodes[2]!.attached).toEqual([{ name: "baseline", managed: true, note: "attached outside the product" }]);
    expect(unitOf(r, B, WEST)).toMatchObject({
      state: "drifted",
      reasons: ["baseline was attached to ou-ab12-workload outside the product"],
    });
  });

  it("a push the last sync has not seen waits for the next one; an unread organization is unknown everywhere", () => {
    expect(unitOf(buildDriftReport(base({ intents: [intent({ awsReadSincePush: false })] })), A, EAST)).toMatchObject({
      state: "awaiting-sync",
    });
    const unread = buildDriftReport(base({ orgRead: false }));
    expect(unitOf(unread, A, EAST)).toMatchObject({
      state: "unknown",
      reasons: ["the organization's policies were not read"],
    });
    expect(unread.policies[0]!.drift.status).toBe("not-read");
  });
});
