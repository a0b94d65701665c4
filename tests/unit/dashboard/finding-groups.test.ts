import { describe, expect, it } from "vitest";
import { causeOf, groupByCause } from "@/lib/dashboard/finding-groups";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { Evidence, ScoredStatus } from "@/lib/compliance/model/finding";
import { ACCT, REGION, daysBefore, recoveryPoint, run, snapshot } from "../compliance/fixtures";

const row = (status: ScoredStatus, reason: string, evidence: Evidence[] = [], id = reason) => ({
  status,
  reason,
  evidence,
  id,
});

describe("findings grouped by cause", () => {
  it("puts failures first, then the largest groups, and counts each", () => {
    const rows = [
      row("NOT_APPLICABLE", "recovery point is expired"),
      row("NOT_APPLICABLE", "recovery point is expired"),
      row("NOT_APPLICABLE", "recovery point is expired"),
      row("ERROR", "data is stale"),
      row("FAIL", "kept 7 days"),
      row("FAIL", "kept 14 days"),
      row("FAIL", "kept 14 days"),
    ];
    const groups = groupByCause(rows);
    expect(groups.map((g) => [g.cause.status, g.cause.reason, g.count])).toEqual([
      ["FAIL", "kept 14 days", 2],
      ["FAIL", "kept 7 days", 1],
      ["ERROR", "data is stale", 1],
      ["NOT_APPLICABLE", "recovery point is expired", 3],
    ]);
  });

  it("keeps a few samples per group", () => {
    const rows = Array.from({ length: 12 }, (_, i) => row("FAIL", "same", [], `rp-${i}`));
    const [g] = groupByCause(rows, 5);
    expect(g!.count).toBe(12);
    expect(g!.samples.map((s) => s.id)).toEqual(["rp-0", "rp-1", "rp-2", "rp-3", "rp-4"]);
  });

  it("splits one reason by the rule and vault the evidence names (BK-05 on real findings)", () => {
    const short = { moveToColdStorageAfterDays: null, deleteAfterDays: 14, optInToArchiveForSupportedResources: false };
    const points = [
      ...[1, 2, 3].map((i) =>
        recoveryPoint({ recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-a${i}`, lifecycle: short }),
      ),
      ...[1, 2].map((i) =>
        recoveryPoint({
          recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-b${i}`,
          lifecycle: short,
          backupRuleId: "rule-weekly",
          backupVaultName: "dr",
          creationDate: daysBefore(2),
        }),
      ),
    ];
    const findings = run("BK-05", snapshot({ recoveryPoints: points }), CONTROLS["BK-05"].params.parse({}));
    const groups = groupByCause(findings.map((f) => ({ ...f, status: f.status as ScoredStatus })));
    expect(groups.map((g) => [g.count, g.cause.plan, g.cause.rule, g.cause.vault])).toEqual([
      [3, "plan-1", "rule-daily", "main"],
      [2, "plan-1", "rule-weekly", "dr"],
    ]);
    expect(groups[0]!.cause.reason).toMatch(/14 days; 35 required/);
    expect(findings[0]!.subject.accountId).toBe(ACCT);
  });

  it("reads the plan, rule, vault and job message from each kind of evidence", () => {
    expect(
      causeOf(
        row("FAIL", "x", [
          { kind: "rule", id: "p#r", details: { plan: "daily", rule: "nightly", targetVault: "main" } },
          { kind: "backup-job", id: "j", details: { statusMessage: "Access denied" } },
        ]),
      ),
    ).toMatchObject({ plan: "daily", rule: "nightly", vault: "main", message: "Access denied" });
    expect(causeOf(row("FAIL", "x", [{ kind: "vault", id: "arn:v", details: { name: "locked" } }]))).toMatchObject({
      plan: null,
      vault: "locked",
    });
  });
});
