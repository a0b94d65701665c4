// Plan, rule, vault and recovery-point controls: BK-02, BK-03, BK-04, BK-05, BK-12, BK-16.
import { describe, expect, it } from "vitest";
import type { BackupRule, RecoveryPoint } from "@/lib/inventory/types";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import { daysBefore, only, plan, recoveryPoint, rule, run, snapshot, vault } from "./fixtures";

const life = (deleteAfterDays: number | null, cold: number | null = null) => ({
  moveToColdStorageAfterDays: cold,
  deleteAfterDays,
  optInToArchiveForSupportedResources: false,
});
const withRules = (...rules: Partial<BackupRule>[]) => ({
  plans: [plan({ rules: rules.map((r, i) => rule({ ruleId: `r${i}`, ruleName: r.ruleName ?? `r${i}`, ...r })) })],
});

describe("BK-02 plan minimum frequency and retention", () => {
  const cases: Array<[string, Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["daily, 35 days", {}, {}, "PASS", /daily rule daily .* keeps recovery points 35 days/],
    ["retention exactly 35 passes (off-by-one)", withRules({ lifecycle: life(35) }), {}, "PASS", /35 days/],
    [
      "retention 34 fails",
      withRules({ lifecycle: life(34) }),
      {},
      "FAIL",
      /keeps recovery points 34 days; 35 required/,
    ],
    [
      "daily rule keeps 14 days",
      withRules({ ruleName: "nightly", lifecycle: life(14) }),
      {},
      "FAIL",
      /daily rule nightly keeps recovery points 14 days; 35 required/,
    ],
    ["never expires meets a minimum", withRules({ lifecycle: null }), {}, "PASS", /never expires/],
    [
      "weekdays only is 72 h worst case",
      withRules({ scheduleExpression: "cron(0 5 ? * MON-FRI *)" }),
      {},
      "FAIL",
      /rule r0 runs at most 72 h apart \(cron\(0 5 \? \* MON-FRI \*\)\); every 24 h required/,
    ],
    [
      "weekdays only passes a 3-day frequency",
      withRules({ scheduleExpression: "cron(0 5 ? * MON-FRI *)" }),
      { frequencyUnit: "days", frequencyValue: 3 },
      "PASS",
      /worst case 72 h/,
    ],
    ["weekly fails daily", withRules({ scheduleExpression: "cron(0 5 ? * SUN *)" }), {}, "FAIL", /168 h apart/],
    [
      "12-hourly passes a 12 h frequency",
      withRules({ scheduleExpression: "cron(0 0/12 * * ? *)" }),
      { frequencyUnit: "hours", frequencyValue: 12 },
      "PASS",
      /12 h/,
    ],
    [
      "continuous backup counts as continuous",
      withRules({ scheduleExpression: null, enableContinuousBackup: true }),
      { frequencyUnit: "hours", frequencyValue: 1 },
      "PASS",
      /continuous/,
    ],
    [
      "one good rule among bad ones passes",
      withRules(
        { lifecycle: life(7) },
        { ruleName: "monthly-keep", scheduleExpression: "cron(0 5 ? * * *)", lifecycle: life(365) },
      ),
      {},
      "PASS",
      /monthly-keep/,
    ],
    [
      "each rule meets only one half",
      withRules({ lifecycle: life(7) }, { scheduleExpression: "cron(0 5 1 * ? *)", lifecycle: life(365) }),
      {},
      "FAIL",
      /no rule of 2 meets both/,
    ],
    ["no rules", { plans: [plan({ rules: [] })] }, {}, "FAIL", /has no rules/],
    [
      "uninterpretable schedule is an error, not a guess",
      withRules({ scheduleExpression: "cron(0 5 * * * *)" }),
      {},
      "ERROR",
      /cannot interpret schedule/,
    ],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-02", snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-03 manual deletion disabled", () => {
  const ADMIN = "arn:aws:iam::111111111111:role/BackupAdmin";
  const policy = (st: unknown) => ({
    vaults: [vault({ accessPolicy: JSON.stringify({ Version: "2012-10-17", Statement: st }) })],
  });
  const denyAll = {
    Effect: "Deny",
    Principal: "*",
    Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
    Resource: "*",
  };
  const cases: Array<[string, Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["no policy", {}, {}, "FAIL", /has no access policy/],
    [
      "deny all three to everyone",
      policy([denyAll]),
      {},
      "PASS",
      /denies deletion, lifecycle change and policy change to everyone$/,
    ],
    [
      "deny only deletion",
      policy([{ ...denyAll, Action: "backup:DeleteRecoveryPoint" }]),
      {},
      "FAIL",
      /does not deny backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy/,
    ],
    [
      "exemption allowed by the parameter",
      policy([{ ...denyAll, Condition: { ArnNotEquals: { "aws:PrincipalArn": ADMIN } } }]),
      { exemptPrincipalArns: [ADMIN] },
      "PASS",
      /except arn:aws:iam::111111111111:role\/BackupAdmin/,
    ],
    [
      "exemption not in the parameter",
      policy([{ ...denyAll, Condition: { ArnNotEquals: { "aws:PrincipalArn": ADMIN } } }]),
      {},
      "FAIL",
      /also exempts .*BackupAdmin/,
    ],
    [
      "wildcard exemption is wider than the listed role",
      policy([{ ...denyAll, Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } }]),
      { exemptPrincipalArns: [ADMIN] },
      "FAIL",
      /also exempts arn:aws:iam::\*:role\/\*/,
    ],
    ["malformed policy is an error", { vaults: [vault({ accessPolicy: "{oops" })] }, {}, "ERROR", /not valid JSON/],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-03", snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
  it("names the statements in the evidence", () => {
    const f = only(run("BK-03", snapshot(policy([{ ...denyAll, Sid: "NoDelete" }]))));
    expect(f.evidence.some((e) => e.kind === "policy-statement" && e.id.endsWith("#NoDelete"))).toBe(true);
  });
});

describe("recovery points: BK-04 encrypted, BK-05 minimum retention, BK-12 maximum retention", () => {
  const rp = (over: Partial<RecoveryPoint>) => ({ recoveryPoints: [recoveryPoint(over)] });
  const cases: Array<[string, "BK-04" | "BK-05" | "BK-12", Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["encrypted", "BK-04", {}, {}, "PASS", /encrypted with arn:aws:kms/],
    ["not encrypted", "BK-04", rp({ isEncrypted: false, encryptionKeyArn: null }), {}, "FAIL", /not encrypted/],
    ["deleting points are not applicable", "BK-04", rp({ status: "DELETING" }), {}, "NOT_APPLICABLE", /deleting/],
    ["35 days meets 35 (off-by-one)", "BK-05", {}, {}, "PASS", /kept 35 days; 35 required/],
    ["34 days fails 35", "BK-05", rp({ lifecycle: life(34) }), {}, "FAIL", /kept 34 days/],
    ["never expires meets a minimum", "BK-05", rp({ lifecycle: null }), {}, "PASS", /never expires/],
    [
      "calculated delete date when the lifecycle is absent",
      "BK-05",
      rp({
        lifecycle: null,
        creationDate: daysBefore(1),
        deleteAt: new Date(daysBefore(1).getTime() + 14 * 86_400_000),
      }),
      {},
      "FAIL",
      /kept 14 days/,
    ],
    [
      "cold storage keeps the delete day",
      "BK-05",
      rp({ lifecycle: life(120, 30) }),
      {},
      "PASS",
      /120 days \(cold after 30\)/,
    ],
    ["within the maximum", "BK-12", {}, {}, "PASS", /kept 35 days; at most 2555/],
    [
      "never expires fails a maximum (Steampipe treated it as OK)",
      "BK-12",
      rp({ lifecycle: null }),
      {},
      "FAIL",
      /never expires; at most 2555/,
    ],
    ["over the maximum", "BK-12", rp({ lifecycle: life(3000) }), {}, "FAIL", /3000 days/],
    [
      "exactly the maximum passes",
      "BK-12",
      rp({ lifecycle: life(365) }),
      { maxRetentionDays: 365 },
      "PASS",
      /365 days/,
    ],
  ];
  it.each(cases)("%s", (_n, id, over, params, status, reason) => {
    const f = only(run(id, snapshot(over), params), recoveryPoint().recoveryPointArn);
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-12 maximum retention of rules and copy actions", () => {
  const ruleId = (over: Partial<BackupRule>) => `${plan().planArn}#${rule(over).ruleId}`;
  const cases: Array<[string, Partial<BackupRule>, unknown, string, RegExp]> = [
    ["35 days", {}, {}, "PASS", /keeps recovery points 35 days; at most 2555/],
    ["no lifecycle: never expires", { lifecycle: null }, {}, "FAIL", /never expires/],
    [
      "over the GDPR-style maximum",
      { lifecycle: life(400) },
      { maxRetentionDays: 365 },
      "FAIL",
      /400 days; at most 365/,
    ],
    [
      "copy action keeps longer",
      {
        copyActions: [
          { destinationBackupVaultArn: "arn:aws:backup:us-east-1:111111111111:backup-vault:dr", lifecycle: life(4000) },
        ],
      },
      {},
      "FAIL",
      /copy to .*dr keeps 4000 days/,
    ],
    [
      "copy action inherits a never-expiring rule",
      {
        lifecycle: null,
        copyActions: [
          { destinationBackupVaultArn: "arn:aws:backup:us-east-1:111111111111:backup-vault:dr", lifecycle: null },
        ],
      },
      {},
      "FAIL",
      /never expires \(inherited\)/,
    ],
  ];
  it.each(cases)("%s", (_n, r, params, status, reason) => {
    const f = only(
      run("BK-12", snapshot({ plans: [plan({ rules: [rule(r)] })], recoveryPoints: [] }), params),
      ruleId(r),
    );
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-16 vault customer-managed key", () => {
  // What AWS Backup lists for a Default vault: a bare key ARN and no EncryptionKeyType.
  const bare = {
    encryptionKeyType: null,
    encryptionKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/0b1c2d3e-aws-backup",
  } as const;
  const otherAccountKey = "arn:aws:kms:eu-west-1:999999999999:key/5e6f-shared";
  const denied =
    "AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/Member/backup-governance-sync is not authorized to perform: kms:DescribeKey on resource: " +
    otherAccountKey +
    " because no resource-based policy allows the kms:DescribeKey action";
  const cases: Array<[string, Parameters<typeof vault>[0], string, RegExp]> = [
    ["customer-managed (KMS DescribeKey)", {}, "PASS", /uses customer-managed key/],
    [
      "customer-managed, named by a customer alias (KMS ListAliases)",
      { ...bare, keyManager: { outcome: "aliased", manager: "CUSTOMER", detail: "alias/backup-cmk" } },
      "PASS",
      /uses customer-managed key/,
    ],
    [
      "AWS-managed aws/backup key behind a bare ARN (KMS DescribeKey: KeyManager AWS)",
      { ...bare, keyManager: { outcome: "described", manager: "AWS", detail: "Enabled" } },
      "FAIL",
      /uses the AWS-managed key arn:aws:kms:eu-west-1:111111111111:key\//,
    ],
    [
      "AWS-managed, named by alias/aws/backup (KMS ListAliases)",
      { ...bare, keyManager: { outcome: "aliased", manager: "AWS", detail: "alias/aws/backup" } },
      "FAIL",
      /AWS-managed key .* \(alias\/aws\/backup\)/,
    ],
    [
      "KMS's manager wins over a type AWS Backup reported",
      {
        encryptionKeyType: "CUSTOMER_MANAGED_KMS_KEY",
        keyManager: { outcome: "described", manager: "AWS", detail: "Enabled" },
      },
      "FAIL",
      /AWS-managed/,
    ],
    [
      "AWS-owned (AWS Backup says so; KMS cannot describe it)",
      { encryptionKeyType: "AWS_OWNED_KMS_KEY", keyManager: null },
      "FAIL",
      /AWS-owned/,
    ],
    [
      "alias/aws/ ARN without a read is AWS-managed by name",
      {
        encryptionKeyType: null,
        keyManager: null,
        encryptionKeyArn: "arn:aws:kms:eu-west-1:111111111111:alias/aws/backup",
      },
      "FAIL",
      /AWS-managed/,
    ],
    [
      "a key KMS says does not exist is a FAIL, not an ERROR",
      {
        ...bare,
        keyManager: { outcome: "not-found", manager: null, detail: "NotFoundException: Key 'x' does not exist" },
      },
      "FAIL",
      /which KMS says does not exist/,
    ],
    [
      "no key at all",
      { encryptionKeyArn: null, encryptionKeyType: null, keyManager: null },
      "FAIL",
      /reports no encryption key/,
    ],
    [
      "a key in another account the role cannot describe stays ERROR, with KMS's reason",
      {
        encryptionKeyType: null,
        encryptionKeyArn: otherAccountKey,
        keyManager: { outcome: "unreadable", manager: null, detail: denied },
      },
      "ERROR",
      /KMS could not describe key arn:aws:kms:eu-west-1:999999999999:key\/5e6f-shared of vault main: AccessDeniedException: .*kms:DescribeKey/,
    ],
    [
      "a bare key synced before KMS was read is not guessed",
      { ...bare, keyManager: null },
      "ERROR",
      /was not read from KMS/,
    ],
  ];
  it.each(cases)("%s", (_n, over, status, reason) => {
    const f = only(run("BK-16", snapshot({ vaults: [vault(over)] })));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});
