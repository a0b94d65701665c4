// Per-resource controls: BK-01, BK-06, BK-07, BK-08, BK-09, BK-10, BK-11, BK-14.
import { describe, expect, it } from "vitest";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import {
  ACCT,
  ACCT2,
  REGION,
  NOW,
  backupJob,
  daysBefore,
  hoursBefore,
  only,
  plan,
  recoveryPoint,
  regionSettings,
  resource,
  restoreJob,
  rule,
  run,
  selection,
  snapshot,
  vault,
} from "./fixtures";

const VOL = resource().resourceArn;
const dr = (region: string, account = ACCT) => `arn:aws:backup:${region}:${account}:backup-vault:dr`;
type Case = [string, Partial<TenantSnapshot>, unknown, string, RegExp];

describe("BK-01 resource protected by a backup plan", () => {
  const cases: Case[] = [
    ["selected by a type pattern", {}, {}, "PASS", /selected by plan daily-plan via arn:aws:ec2:\*:\*:volume\/\*/],
    [
      "covered before its first backup (Prowler's ListProtectedResources gap)",
      { recoveryPoints: [] },
      {},
      "PASS",
      /no recovery point yet \(covered by the plan before its first backup\)/,
    ],
    [
      "a recovery point without a selecting plan is not protection",
      { plans: [] },
      {},
      "FAIL",
      /not selected by any backup plan/,
    ],
    [
      "tag-selected (Prowler read only Resources ARNs)",
      {
        plans: [
          plan({
            selections: [
              selection({ resources: [], listOfTags: [{ op: "StringEquals", key: "backup", value: "daily" }] }),
            ],
          }),
        ],
        resources: [resource({ tags: { backup: "daily" } })],
      },
      {},
      "PASS",
      /via backup=daily/,
    ],
    [
      "tag value differs (Steampipe's key-only match would pass)",
      {
        plans: [
          plan({
            selections: [
              selection({ resources: [], listOfTags: [{ op: "StringEquals", key: "backup", value: "daily" }] }),
            ],
          }),
        ],
        resources: [resource({ tags: { backup: "never" } })],
      },
      {},
      "FAIL",
      /not selected/,
    ],
    [
      "excluded by NotResources",
      { plans: [plan({ selections: [selection({ resources: ["*"], notResources: [VOL] })] })] },
      {},
      "FAIL",
      /excluded by NotResources/,
    ],
    [
      "condition fails",
      {
        plans: [
          plan({
            selections: [
              selection({
                resources: ["*"],
                conditions: [{ op: "StringEquals", key: "aws:ResourceTag/env", value: "prod" }],
              }),
            ],
          }),
        ],
      },
      {},
      "FAIL",
      /condition StringEquals aws:ResourceTag\/env=prod does not hold/,
    ],
    [
      "type not opted in and selected by '*'",
      {
        plans: [plan({ selections: [selection({ resources: ["*"] })] })],
        regionSettings: [regionSettings({ EBS: false })],
      },
      {},
      "FAIL",
      /EBS is not opted in .* AWS Backup skips it/,
    ],
    [
      "region settings missing and opt-in matters",
      { plans: [plan({ selections: [selection({ resources: ["*"] })] })], regionSettings: [] },
      {},
      "ERROR",
      /region settings .* were not read/,
    ],
    [
      "selected by an org-managed plan",
      { plans: [plan({ orgManaged: true, planName: "org-gold" })] },
      {},
      "PASS",
      /org-gold \(org-managed\)/,
    ],
    ["selected by a plan without rules", { plans: [plan({ rules: [] })] }, {}, "FAIL", /the plan has no rules/],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-01", snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });

  it("respects the resource-type and tag parameters", () => {
    expect(run("BK-01", snapshot(), { resourceTypes: ["RDS"] })).toHaveLength(0);
    expect(run("BK-01", snapshot(), { tag: { key: "backup" } })).toHaveLength(0);
    expect(
      run("BK-01", snapshot({ resources: [resource({ tags: { backup: "x" } })] }), { tag: { key: "backup" } }),
    ).toHaveLength(1);
  });

  it("names the selection in the evidence", () => {
    const f = only(run("BK-01", snapshot()));
    expect(f.evidence.find((e) => e.kind === "selection")).toMatchObject({
      id: `${plan().planArn}#sel-1`,
      details: { matchedBy: "arn:aws:ec2:*:*:volume/*" },
    });
  });
});

describe("BK-06 / BK-07 copies scheduled", () => {
  const withCopy = (dest: string) => ({
    plans: [plan({ rules: [rule({ copyActions: [{ destinationBackupVaultArn: dest, lifecycle: null }] })] })],
  });
  const cases: Array<[string, "BK-06" | "BK-07", Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    [
      "cross-region copy",
      "BK-06",
      withCopy(dr("us-east-1")),
      {},
      "PASS",
      /copies to region us-east-1 \(no copy made yet\)/,
    ],
    ["same-region copy is not cross-region", "BK-06", withCopy(dr(REGION)), {}, "FAIL", /same region/],
    ["no copy action", "BK-06", {}, {}, "FAIL", /copies to another region/],
    [
      "copy to a region not accepted",
      "BK-06",
      withCopy(dr("us-east-1")),
      { destinationRegions: ["eu-central-1"] },
      "FAIL",
      /not an accepted region/,
    ],
    [
      "copy to an accepted region",
      "BK-06",
      withCopy(dr("eu-central-1")),
      { destinationRegions: ["eu-central-1"] },
      "PASS",
      /eu-central-1/,
    ],
    [
      "unprotected resource",
      "BK-06",
      { plans: [] },
      {},
      "FAIL",
      /not selected by any backup plan, so no cross-region copy/,
    ],
    ["cross-account copy", "BK-07", withCopy(dr(REGION, ACCT2)), {}, "PASS", /account 222222222222/],
    ["same-account copy is not cross-account", "BK-07", withCopy(dr("us-east-1")), {}, "FAIL", /same account/],
    [
      "copy to an account not accepted",
      "BK-07",
      withCopy(dr(REGION, ACCT2)),
      { destinationAccounts: ["333333333333"] },
      "FAIL",
      /not an accepted account/,
    ],
  ];
  it.each(cases)("%s", (_n, id, over, params, status, reason) => {
    const f = only(run(id, snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });

  it("adds the copy actually made as evidence", () => {
    const copy = recoveryPoint({
      recoveryPointArn: "rp-copy",
      region: "us-east-1",
      backupVaultArn: dr("us-east-1"),
      sourceBackupVaultArn: vault().vaultArn,
    });
    const f = only(run("BK-06", snapshot({ ...withCopy(dr("us-east-1")), recoveryPoints: [recoveryPoint(), copy] })));
    expect(f.reason).not.toMatch(/no copy made yet/);
    expect(f.evidence.some((e) => e.id === "rp-copy")).toBe(true);
  });
});

describe("BK-08 Vault Lock, mode-aware", () => {
  const locked = (over: Parameters<typeof vault>[0]) => ({
    vaults: [vault({ locked: true, minRetentionDays: 7, ...over })],
  });
  const cases: Case[] = [
    ["no lock", {}, {}, "FAIL", /has no Vault Lock/],
    ["governance lock passes when compliance is not required", locked({}), {}, "PASS", /governance mode/],
    [
      "governance fails when compliance mode is required (Locked flag is true for both)",
      locked({}),
      { complianceModeRequired: true },
      "FAIL",
      /compliance mode required/,
    ],
    [
      "compliance grace time fails when compliance is required",
      locked({ lockDate: new Date(NOW.getTime() + 86_400_000) }),
      { complianceModeRequired: true },
      "FAIL",
      /grace time/,
    ],
    [
      "compliance mode after the lock date",
      locked({ lockDate: daysBefore(30) }),
      { complianceModeRequired: true },
      "PASS",
      /immutable since/,
    ],
    [
      "lock minimum below the required minimum",
      locked({}),
      { minRetentionDays: 30 },
      "FAIL",
      /enforces minimum 7 days; 30 required/,
    ],
    [
      "no lock maximum when one is required",
      locked({}),
      { maxRetentionDays: 365 },
      "FAIL",
      /maximum none days; at most 365/,
    ],
    [
      "lock within bounds",
      locked({ maxRetentionDays: 365 }),
      { minRetentionDays: 7, maxRetentionDays: 400 },
      "PASS",
      /vault main/,
    ],
    ["unprotected resource", { plans: [] }, {}, "FAIL", /no Vault Lock protects/],
    // The unit was read completely and holds no such vault: it does not exist (BK-15 says so too).
    [
      "target vault missing from a complete read is a FAIL",
      { vaults: [] },
      {},
      "FAIL",
      /targets vault main, which does not exist in account 111111111111 in eu-west-1/,
    ],
    [
      "copy destination in an account outside the organization cannot be checked",
      {
        vaults: [],
        plans: [
          plan({
            rules: [
              rule({
                targetBackupVaultName: "main",
                copyActions: [
                  {
                    destinationBackupVaultArn: "arn:aws:backup:eu-west-1:999999999999:backup-vault:dr",
                    lifecycle: null,
                  },
                ],
              }),
            ],
          }),
        ],
      },
      {},
      "ERROR",
      /vault arn:aws:backup:eu-west-1:999999999999:backup-vault:dr is in account 999999999999, outside this organization/,
    ],
  ];
  it.each(cases)("%s", (_n, over, params, status, reason) => {
    const f = only(run("BK-08", snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });

  it("counts a locked copy destination in another account of the tenant", () => {
    const central = vault({
      accountId: ACCT2,
      vaultName: "central",
      locked: true,
      minRetentionDays: 7,
      lockDate: daysBefore(5),
    });
    const over = {
      vaults: [vault(), central],
      plans: [
        plan({ rules: [rule({ copyActions: [{ destinationBackupVaultArn: central.vaultArn, lifecycle: null }] })] }),
      ],
    };
    expect(only(run("BK-08", snapshot(over), { complianceModeRequired: true })).status).toBe("PASS");
  });
});

describe("BK-09 last recovery point within the RPO / BK-11 air-gapped", () => {
  const cases: Array<[string, "BK-09" | "BK-11", Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["7 h old point, 1 day RPO", "BK-09", {}, {}, "PASS", /newest recovery point is within the RPO of 1 days/],
    [
      "30 h old point, 1 day RPO",
      "BK-09",
      { recoveryPoints: [recoveryPoint({ creationDate: hoursBefore(30) })] },
      {},
      "FAIL",
      /made \d{4}-\d\d-\d\d \d\d:\d\d UTC, is older than the RPO of 1 days/,
    ],
    [
      "exactly at the RPO passes",
      "BK-09",
      { recoveryPoints: [recoveryPoint({ creationDate: hoursBefore(24) })] },
      {},
      "PASS",
      /within the RPO/,
    ],
    [
      "hours unit",
      "BK-09",
      { recoveryPoints: [recoveryPoint({ creationDate: hoursBefore(7) })] },
      { unit: "hours", value: 6 },
      "FAIL",
      /older than the RPO of 6 hours/,
    ],
    [
      "failed points do not count",
      "BK-09",
      { recoveryPoints: [recoveryPoint({ status: "PARTIAL" })] },
      {},
      "FAIL",
      /no recovery point yet, although plan daily-plan selects it \(first backup pending\)/,
    ],
    [
      "continuous backup meets any RPO",
      "BK-09",
      {
        plans: [plan({ rules: [rule({ enableContinuousBackup: true, scheduleExpression: null })] })],
        recoveryPoints: [recoveryPoint({ creationDate: daysBefore(20) })],
      },
      {},
      "PASS",
      /continuous backup/,
    ],
    ["no air-gapped copy", "BK-11", {}, {}, "FAIL", /no recovery point in a logically air-gapped vault/],
    [
      "recent air-gapped copy",
      "BK-11",
      { recoveryPoints: [recoveryPoint({ vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" })] },
      {},
      "PASS",
      /air-gapped recovery point is at most 1 days old/,
    ],
    [
      "air-gapped copy too old",
      "BK-11",
      {
        recoveryPoints: [
          recoveryPoint({ vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", creationDate: daysBefore(3) }),
        ],
      },
      { unit: "days", value: 2 },
      "FAIL",
      /is older than 2 days/,
    ],
  ];
  it.each(cases)("%s", (_n, id, over, params, status, reason) => {
    const f = only(run(id, snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});

describe("BK-10 restore time / BK-14 job health", () => {
  const cases: Array<[string, "BK-10" | "BK-14", Partial<TenantSnapshot>, unknown, string, RegExp]> = [
    ["no restore: not applicable", "BK-10", {}, {}, "NOT_APPLICABLE", /no completed restore/],
    ["30 min restore, 720 target", "BK-10", { restoreJobs: [restoreJob()] }, {}, "PASS", /took 30 min; target 720/],
    [
      "restore slower than target",
      "BK-10",
      { restoreJobs: [restoreJob()] },
      { maxRestoreMinutes: 20 },
      "FAIL",
      /took 30 min; target 20/,
    ],
    [
      "restore found through its recovery point",
      "BK-10",
      { restoreJobs: [restoreJob({ sourceResourceArn: null })] },
      {},
      "PASS",
      /30 min/,
    ],
    ["healthy jobs", "BK-14", {}, {}, "PASS", /0 unhealthy jobs/],
    [
      "a failed job",
      "BK-14",
      { backupJobs: [backupJob({ state: "FAILED", statusMessage: "Snapshot limit" })] },
      {},
      "FAIL",
      /1 unhealthy job .*FAILED: Snapshot limit/,
    ],
    [
      "completed with issues counts",
      "BK-14",
      { backupJobs: [backupJob({ messageCategory: "ACCESS_DENIED" })] },
      {},
      "FAIL",
      /COMPLETED with ACCESS_DENIED/,
    ],
    [
      "a failed copy job counts",
      "BK-14",
      {
        copyJobs: [
          {
            accountId: ACCT,
            region: REGION,
            copyJobId: "c1",
            state: "FAILED",
            statusMessage: null,
            messageCategory: null,
            resourceArn: VOL,
            resourceType: "EBS",
            sourceBackupVaultArn: "a",
            sourceRecoveryPointArn: "b",
            destinationBackupVaultArn: "c",
            destinationRecoveryPointArn: null,
            creationDate: hoursBefore(3),
            completionDate: null,
            backupSizeBytes: null,
            iamRoleArn: null,
          },
        ],
      },
      {},
      "FAIL",
      /copy job FAILED/,
    ],
    [
      "failures within the allowance",
      "BK-14",
      { backupJobs: [backupJob({ state: "ABORTED" })] },
      { maxFailures: 1 },
      "PASS",
      /1 unhealthy job/,
    ],
    [
      "failures older than the look-back",
      "BK-14",
      { backupJobs: [backupJob({ state: "FAILED", creationDate: daysBefore(10) }), backupJob({ backupJobId: "j2" })] },
      {},
      "PASS",
      /0 unhealthy/,
    ],
    ["no jobs at all", "BK-14", { backupJobs: [] }, {}, "NOT_APPLICABLE", /no backup jobs/],
    [
      "a parent job is not counted twice",
      "BK-14",
      {
        backupJobs: [
          backupJob({ state: "FAILED", isParent: true }),
          backupJob({ backupJobId: "child", state: "FAILED", parentJobId: "job-1" }),
        ],
      },
      { maxFailures: 1 },
      "PASS",
      /1 unhealthy job/,
    ],
  ];
  it.each(cases)("%s", (_n, id, over, params, status, reason) => {
    const f = only(run(id, snapshot(over), params));
    expect(f.status).toBe(status);
    expect(f.reason).toMatch(reason);
  });
});
