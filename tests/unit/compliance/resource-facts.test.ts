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
