// The in-memory builder of the facts a later SQL aggregation will fill.
import { describe, expect, it } from "vitest";
import { buildSnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import { jobHasIssue } from "@/db/job-issue";
import {
  ACCT,
  REGION,
  backupJob,
  daysBefore,
  hoursBefore,
  plan,
  recoveryPoint,
  restoreJob,
  rule,
  vault,
} from "./fixtures";

const VOL = `arn:aws:ec2:${REGION}:${ACCT}:volume/vol-1`;

describe("snapshot facts", () => {
  const lag = vault({ vaultName: "lag", vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" });
  const facts = buildSnapshotFacts(
    {
      plans: [
        plan({ rules: [rule(), rule({ ruleId: "pitr", enableContinuousBackup: true, scheduleExpression: null })] }),
      ],
      vaults: [vault(), lag],
      recoveryPoints: [
        recoveryPoint({ recoveryPointArn: "old", creationDate: daysBefore(3) }),
        recoveryPoint({ recoveryPointArn: "new", creationDate: hoursBefore(2) }),
        recoveryPoint({ recoveryPointArn: "partial", creationDate: hoursBefore(1), status: "PARTIAL" }),
        recoveryPoint({
          recoveryPointArn: "in-lag",
          creationDate: daysBefore(1),
          backupVaultArn: lag.vaultArn,
          vaultType: null,
          sourceBackupVaultArn: vault().vaultArn,
        }),
        recoveryPoint({ recoveryPointArn: "cont", creationDate: daysBefore(9), backupRuleId: "pitr" }),
      ],
      backupJobs: [
        backupJob({ backupJobId: "ok" }),
        backupJob({ backupJobId: "issues", messageCategory: "ACCESS_DENIED", creationDate: hoursBefore(5) }),
        backupJob({
          backupJobId: "role",
          state: "FAILED",
          statusMessage: "IAM Role arn:aws:iam::111111111111:role/x does not exist",
          creationDate: hoursBefore(4),
        }),
        backupJob({ backupJobId: "ancient", state: "FAILED", creationDate: daysBefore(60) }),
      ],
      copyJobs: [],
      restoreJobs: [restoreJob({ sourceResourceArn: null, recoveryPointArn: "old" })],
    },
    daysBefore(7),
  );
  const f = facts.resource(VOL)!;

  it("keeps the newest usable point, the newest air-gapped one, continuous ones and copies", () => {
    expect(f.newestRecoveryPoint!.recoveryPointArn).toBe("new");
    expect(f.newestAirGappedRecoveryPoint!.recoveryPointArn).toBe("in-lag");
    expect(f.continuousRecoveryPoint!.recoveryPointArn).toBe("cont");
    expect(f.copies.map((c) => c.recoveryPointArn)).toEqual(["in-lag"]);
  });

  it("keeps job issues within the look-back, newest first, and role failures per unit", () => {
    expect(f.jobIssues.map((j) => j.jobId)).toEqual(["role", "issues"]);
    expect(facts.roleFailures(ACCT, REGION).map((j) => j.jobId)).toEqual(["role"]);
    expect(f.lastJobAt).toEqual(hoursBefore(4));
  });

  it("resolves a restore through its recovery point and indexes it per account and type", () => {
    expect(f.latestRestore!.restoreJobId).toBe("restore-1");
    expect(facts.restoreForAccountType(ACCT, "EBS")!.durationMinutes).toBe(30);
    expect(facts.restoreForAccountType(ACCT, "RDS")).toBeNull();
  });

  it.each([
    ["FAILED", null, true],
    ["ABORTED", null, true],
    ["EXPIRED", null, true],
    ["PARTIAL", null, true],
    ["COMPLETED", "SUCCESS", false],
    ["COMPLETED", null, false],
    ["COMPLETED", "AGGREGATE_ALL", true],
    ["RUNNING", null, false],
  ] as const)("job %s / %s is an issue: %s", (state, cat, expected) => {
    expect(jobHasIssue(state, cat)).toBe(expected);
  });
});

describe("cyber-resilience facts", () => {
  const lagVault = (n: number) =>
    vault({ vaultName: `lag-${n}`, vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", shares: [] });
  const lags = Array.from({ length: 12 }, (_, n) => lagVault(n));
  const point = (arn: string, over: Parameters<typeof recoveryPoint>[0] = {}) =>
    recoveryPoint({ recoveryPointArn: arn, ...over });
  const facts = buildSnapshotFacts(
    {
      plans: [plan()],
      vaults: [vault(), ...lags],
      recoveryPoints: [
        point("clean-old", { creationDate: daysBefore(9), scanStatus: "NO_THREATS_FOUND", indexStatus: "ACTIVE" }),
        point("clean", { creationDate: daysBefore(4), scanStatus: "NO_THREATS_FOUND", indexStatus: "ACTIVE" }),
        point("infected-old", { creationDate: daysBefore(6), scanStatus: "THREATS_FOUND", indexStatus: "FAILED" }),
        point("infected", { creationDate: daysBefore(2), scanStatus: "THREATS_FOUND", indexStatus: "ACTIVE" }),
        point("failed-scan", { creationDate: daysBefore(1), scanStatus: "FAILED", indexStatus: "PENDING" }),
        point("unscanned", { creationDate: hoursBefore(3), indexStatus: "ACTIVE" }),
        // A copy holds its source's data: it needs no index of its own.
        point("copy-unindexed", {
          creationDate: daysBefore(3),
          sourceBackupVaultArn: "arn:aws:backup:eu-west-1:111122223333:backup-vault:source",
        }),
        // Not usable: neither clean, newest nor counted for the index.
        point("expired-clean", { creationDate: hoursBefore(1), scanStatus: "NO_THREATS_FOUND", status: "EXPIRED" }),
        // Two points in the first air-gapped vault (the newer is kept), one in each of eleven more (capped at ten).
        ...lags.flatMap((v, n) =>
          [n === 0 ? [daysBefore(8), daysBefore(7)] : [daysBefore(10 + n)]].flat().map((at, k) =>
            point(`lag-${n}-${k}`, {
              backupVaultName: v.vaultName,
              backupVaultArn: v.vaultArn,
              vaultType: null,
              creationDate: at,
              indexStatus: "ACTIVE",
            }),
          ),
        ),
      ],
      backupJobs: [],
      copyJobs: [],
      restoreJobs: [
        restoreJob({ restoreJobId: "validated-old", validationStatus: "SUCCESSFUL", completionDate: daysBefore(30) }),
        restoreJob({ restoreJobId: "validated", validationStatus: "SUCCESSFUL", completionDate: daysBefore(20) }),
        restoreJob({ restoreJobId: "failed-validation", validationStatus: "FAILED", completionDate: daysBefore(5) }),
        restoreJob({ restoreJobId: "unvalidated", validationStatus: null, completionDate: daysBefore(8) }),
        restoreJob({ restoreJobId: "not-completed", status: "FAILED", validationStatus: "SUCCESSFUL" }),
      ],
    },
    daysBefore(7),
  );
  const f = facts.resource(VOL)!;

  it("keeps the newest clean and the newest infected usable point, with their scan", () => {
    expect(f.newestCleanRecoveryPoint).toMatchObject({ recoveryPointArn: "clean", scanStatus: "NO_THREATS_FOUND" });
    expect(f.newestInfectedRecoveryPoint).toMatchObject({ recoveryPointArn: "infected", scanStatus: "THREATS_FOUND" });
    expect(f.newestRecoveryPoint).toMatchObject({ recoveryPointArn: "unscanned", scanStatus: null, scannedAt: null });
  });

  it("keeps the newest point of each air-gapped vault, at most ten vaults", () => {
    expect(f.airGappedRecoveryPoints.map((p) => p.recoveryPointArn)).toEqual([
      "lag-0-1",
      ...Array.from({ length: 9 }, (_, n) => `lag-${n + 1}-0`),
    ]);
    expect(f.newestAirGappedRecoveryPoint!.recoveryPointArn).toBe("lag-0-1");
  });

  it("counts usable points the resource's backups made, copies left out, and those without an ACTIVE index", () => {
    expect(f.originalPoints).toBe(6 + 13);
    expect(f.unindexedPoints).toBe(2);
    expect(f.newestUnindexedRecoveryPoint).toMatchObject({ recoveryPointArn: "failed-scan", indexStatus: "PENDING" });
  });

  it("keeps the newest validated restore and the newest completed one whatever its validation", () => {
    expect(f.latestValidatedRestore!.restoreJobId).toBe("validated");
    expect(f.latestCompletedRestore).toMatchObject({ restoreJobId: "failed-validation", validationStatus: "FAILED" });
    // BK-10 and BK-13 still leave out a restore whose validation failed.
    expect(f.latestRestore!.restoreJobId).toBe("unvalidated");
  });

  it("a resource without points or restores has none of these facts", () => {
    const empty = buildSnapshotFacts(
      { plans: [], vaults: [], recoveryPoints: [], backupJobs: [backupJob()], copyJobs: [], restoreJobs: [] },
      daysBefore(7),
    ).resource(VOL)!;
    expect(empty).toMatchObject({
      newestCleanRecoveryPoint: null,
      newestInfectedRecoveryPoint: null,
      airGappedRecoveryPoints: [],
      originalPoints: 0,
      unindexedPoints: 0,
      newestUnindexedRecoveryPoint: null,
      latestValidatedRestore: null,
      latestCompletedRestore: null,
    });
  });
});

describe("injected facts", () => {
  it("are used instead of scanning recovery points (the SQL path)", async () => {
    const { run: _unused, ...fx } = await import("./fixtures");
    const { evaluateSnapshot, makeControlRun } = await import("@/lib/compliance/engine/evaluate");
    const { EMPTY_SCOPE } = await import("@/lib/compliance/model/scope");
    const injected = buildSnapshotFacts(
      { plans: [], vaults: [], recoveryPoints: [], backupJobs: [], copyJobs: [], restoreJobs: [] },
      fx.daysBefore(7),
    );
    const out: string[] = [];
    evaluateSnapshot(
      fx.snapshot(),
      { now: fx.NOW, facts: injected },
      [makeControlRun("BK-09", {}, EMPTY_SCOPE)],
      (_k, f) => out.push(f.status),
    );
    // The snapshot has a fresh recovery point, but the injected facts say there is none.
    expect(out).toEqual(["FAIL"]);
  });
});
