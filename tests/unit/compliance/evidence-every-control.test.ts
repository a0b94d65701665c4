// Every finding that is not a PASS names its subject and the facts that decided it: an auditor
// reading a FAIL, an ERROR or a NOT_APPLICABLE must see what it was about without the engine.
import { describe, expect, it } from "vitest";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { CONTROL_IDS, type Finding } from "@/lib/compliance/model/finding";
import {
  ACCT,
  ACCT2,
  REGION,
  only,
  account,
  backupJob,
  daysBefore,
  plan,
  recoveryPoint,
  regionSettings,
  resource,
  restoreJob,
  rule,
  run,
  selection,
  snapshot,
  unit,
  vault,
} from "./fixtures";

const OTHER = "us-west-2";
const vol = (n: number, acct = ACCT, region = REGION) =>
  resource({ accountId: acct, region, resourceArn: `arn:aws:ec2:${region}:${acct}:volume/vol-${n}` });

// Tagged for the controls that look at critical resources (BK-19) and personal data (BK-21) only.
const critical = (r: ReturnType<typeof resource>) => ({
  ...r,
  tags: { criticality: "critical", "data-classification": "personal" },
});

// A small estate where every control finds something wrong somewhere: short retention, missing
// restores, an unprotected volume, a failed job, a stale unit, a region not enabled, a suspended
// account, an expired point, a region without anything in it, no Organizations data.
const world = snapshot({
  accounts: [
    account(),
    account({ accountId: ACCT2, name: "stale", state: "ACTIVE" }),
    account({ accountId: "333333333333", name: "gone", state: "SUSPENDED" }),
  ],
  units: [
    unit(),
    unit({ region: OTHER }),
    unit({ region: "ap-south-1", status: "skipped" }),
    unit({ accountId: ACCT2, status: "failed", error: "AccessDenied" }),
    unit({ accountId: "333333333333" }),
  ],
  plans: [
    plan({
      rules: [
        rule({
          lifecycle: {
            moveToColdStorageAfterDays: null,
            deleteAfterDays: 14,
            optInToArchiveForSupportedResources: false,
          },
        }),
      ],
      selections: [selection({ resources: ["arn:aws:ec2:*:*:volume/vol-1", "arn:aws:ec2:*:*:volume/vol-2"] })],
    }),
  ],
  vaults: [
    vault({
      encryptionKeyType: "AWS_OWNED_KMS_KEY",
      keyManager: { outcome: "described", manager: "AWS", detail: "Enabled" },
    }),
  ],
  resources: [vol(1), vol(2), critical(vol(3)), vol(4), critical(vol(5, ACCT2)), critical(vol(6, ACCT, "ap-south-1"))],
  recoveryPoints: [
    recoveryPoint({
      lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 14, optInToArchiveForSupportedResources: false },
    }),
    recoveryPoint({
      recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-old`,
      status: "EXPIRED",
      creationDate: daysBefore(60),
    }),
    recoveryPoint({
      recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/snap-plain`,
      isEncrypted: false,
      encryptionKeyArn: null,
      resourceArn: vol(2).resourceArn,
    }),
  ],
  backupJobs: [
    backupJob(),
    backupJob({
      backupJobId: "job-2",
      state: "FAILED",
      statusMessage: "Access denied",
      messageCategory: "ACCESS_DENIED",
      resourceArn: vol(2).resourceArn,
    }),
  ],
  restoreJobs: [restoreJob({ status: "FAILED", resourceType: "EBS" })],
  regionSettings: [regionSettings(), regionSettings({}, { region: OTHER })],
  orgBackupPolicies: null,
  effectiveBackupPolicies: null,
});

const problems = (f: Finding) => {
  const out: string[] = [];
  if (!f.subject.id || !f.subject.accountId) out.push("no subject");
  if (!f.reason) out.push("no reason");
  if (f.evidence.length === 0) out.push("no evidence");
  for (const e of f.evidence) if (!e.id) out.push(`evidence ${e.kind} without id`);
  return out;
};

describe("evidence of every control", () => {
  it.each(CONTROL_IDS.map((c) => [c]))("%s: every non-PASS finding names its subject and evidence", (controlId) => {
    const findings = run(controlId, world, CONTROLS[controlId].params.parse({}));
    const notPass = findings.filter((f) => f.status !== "PASS");
    expect(notPass.length, `${controlId} finds something wrong in this world`).toBeGreaterThan(0);
    const bad = notPass
      .map((f) => ({ subject: f.subject.id, status: f.status, reason: f.reason, problems: problems(f) }))
      .filter((x) => x.problems.length > 0);
    expect(bad).toEqual([]);
  });
});

describe("evidence of the controls that lacked it", () => {
  it("BK-13 names the resources of a failing account and resource type", () => {
    const f = run("BK-13", world).find((x) => x.subject.id === `${ACCT}/EBS`)!;
    expect(f.status).toBe("FAIL");
    expect(f.reason).toMatch(/\(5 resources\)/);
    expect(f.evidence.filter((e) => e.kind === "resource").map((e) => e.id)).toEqual(
      [1, 2, 3, 4, 6].map((n) => vol(n, ACCT, n === 6 ? "ap-south-1" : REGION).resourceArn),
    );
  });
  it("BK-13 names at most 50 resources; the reason counts them all", () => {
    const many = Array.from({ length: 60 }, (_, i) => vol(100 + i));
    const f = run("BK-13", snapshot({ resources: many }))[0]!;
    expect(f.reason).toMatch(/\(60 resources\)/);
    expect(f.evidence.filter((e) => e.kind === "resource")).toHaveLength(50);
  });
  it("BK-13 with a stale unit still names the resources next to the unit", () => {
    const f = run("BK-13", snapshot({ units: [unit({ status: "failed", error: "throttled" })] }))[0]!;
    expect(f.status).toBe("ERROR");
    expect(f.evidence.map((e) => e.kind)).toEqual(["unit", "resource"]);
  });
  it.each(["BK-04", "BK-05", "BK-12"] as const)("%s: an expired recovery point cites the point", (controlId) => {
    const f = run(controlId, world).find((x) => x.subject.id.endsWith("snap-old"))!;
    expect(f.status).toBe("NOT_APPLICABLE");
    expect(f.evidence.map((e) => [e.kind, e.id])).toEqual([
      ["recovery-point", `arn:aws:ec2:${REGION}::snapshot/snap-old`],
    ]);
    expect(f.evidence[0]!.details).toMatchObject({ status: "EXPIRED", vault: "main" });
  });
  it("BK-15: an empty region says what it holds; unread region settings say which types", () => {
    const empty = run("BK-15", world).find((x) => x.subject.id === `${ACCT}/${OTHER}`)!;
    expect(empty.evidence).toEqual([
      { kind: "unit", id: `${ACCT}/${OTHER}`, details: { resourcesInScope: 0, backupPlans: 0 } },
    ]);
    const unread = only(run("BK-15", snapshot({ regionSettings: [] })));
    expect(unread.status).toBe("ERROR");
    expect(unread.evidence).toEqual([
      { kind: "region-setting", id: `${ACCT}/${REGION}`, details: { read: false, resourceTypes: ["EBS"] } },
    ]);
  });
  it("BK-17: a suspended account and unread Organizations data are cited", () => {
    const findings = run("BK-17", world);
    const suspended = findings.find((x) => x.subject.accountId === "333333333333")!;
    expect(suspended.evidence).toEqual([
      { kind: "unit", id: "333333333333/eu-west-1", details: { accountName: "gone", accountState: "SUSPENDED" } },
    ]);
    const unread = findings.find((x) => x.subject.id === `${ACCT}/${REGION}`)!;
    expect(unread.status).toBe("ERROR");
    expect(unread.evidence).toEqual([
      { kind: "org-policy", id: "organization", details: { policiesRead: false, effectivePoliciesRead: false } },
    ]);
  });
});
