// The streamed evaluation (recovery points in chunks, facts from one pass, then account by
// account) gives exactly the findings of the in-memory evaluation, and calls its hooks at every
// unit and account boundary.
import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/compliance/model/finding";
import { CONTROL_IDS } from "@/lib/compliance/model/finding";
import { EMPTY_SCOPE } from "@/lib/compliance/model/scope";
import { evaluateSnapshot, makeControlRun } from "@/lib/compliance/engine/evaluate";
import { evaluateStream } from "@/lib/compliance/engine/evaluate-stream";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import type { RecoveryPoint } from "@/lib/inventory/types";
import {
  ACCT,
  ACCT2,
  NOW,
  REGION,
  account,
  backupJob,
  daysBefore,
  hoursBefore,
  plan,
  recoveryPoint,
  regionSettings,
  resource,
  restoreJob,
  rule,
  snapshot,
  unit,
  vault,
} from "./fixtures";

const EAST = "us-east-1";
function world(): TenantSnapshot {
  const r = (acct: string, region: string, id: string, tags: Record<string, string> = {}) =>
    resource({ accountId: acct, region, resourceArn: `arn:aws:ec2:${region}:${acct}:volume/${id}`, tags });
  const resources = [
    r(ACCT, REGION, "vol-1"),
    r(ACCT, REGION, "vol-2", { env: "dev" }),
    r(ACCT, EAST, "vol-3"),
    r(ACCT2, REGION, "vol-4"),
    r(ACCT2, EAST, "vol-5"),
  ];
  const points: RecoveryPoint[] = [];
  resources.forEach((res, i) => {
    for (let k = 0; k < 4; k++) {
      points.push(
        recoveryPoint({
          accountId: res.accountId,
          region: res.region,
          resourceArn: res.resourceArn,
          recoveryPointArn: `${res.resourceArn}/rp-${k}`,
          backupVaultArn: `arn:aws:backup:${res.region}:${res.accountId}:backup-vault:main`,
          creationDate: daysBefore(k * 3 + i),
          isEncrypted: (k + i) % 3 !== 0,
          lifecycle: {
            moveToColdStorageAfterDays: null,
            deleteAfterDays: k === 3 ? null : 14 + k * 30,
            optInToArchiveForSupportedResources: false,
          },
        }),
      );
    }
  });
  points.push(
    recoveryPoint({
      accountId: ACCT2,
      region: REGION,
      resourceArn: resources[0]!.resourceArn,
      recoveryPointArn: "arn:copy-1",
      sourceBackupVaultArn: `arn:aws:backup:${REGION}:${ACCT}:backup-vault:main`,
      backupVaultArn: `arn:aws:backup:${REGION}:${ACCT2}:backup-vault:main`,
      creationDate: hoursBefore(3),
    }),
  );
  const units = [
    unit(),
    unit({ region: EAST, publishedAt: daysBefore(5) }),
    unit({ accountId: ACCT2 }),
    unit({ accountId: ACCT2, region: EAST, error: "AccessDenied" }),
  ];
  return snapshot({
    accounts: [account(), account({ accountId: ACCT2 })],
    units,
    plans: [
      plan(),
      plan({ region: EAST }),
      plan({
        accountId: ACCT2,
        rules: [
          rule({
            copyActions: [
              { destinationBackupVaultArn: `arn:aws:backup:${EAST}:${ACCT}:backup-vault:main`, lifecycle: null },
            ],
          }),
        ],
      }),
    ],
    vaults: [
      vault(),
      vault({ region: EAST }),
      vault({ accountId: ACCT2, encryptionKeyType: "AWS_MANAGED_KMS_KEY" }),
      vault({ accountId: ACCT2, region: EAST }),
    ],
    resources,
    recoveryPoints: points,
    backupJobs: [
      backupJob(),
      backupJob({
        backupJobId: "j2",
        state: "FAILED",
        statusMessage: "IAM role cannot be assumed",
        resourceArn: resources[3]!.resourceArn,
        accountId: ACCT2,
      }),
    ],
    restoreJobs: [
      restoreJob(),
      restoreJob({
        restoreJobId: "r2",
        sourceResourceArn: null,
        recoveryPointArn: `${resources[2]!.resourceArn}/rp-1`,
        region: EAST,
      }),
    ],
    regionSettings: [
      regionSettings(),
      regionSettings({}, { region: EAST }),
      regionSettings({}, { accountId: ACCT2 }),
      regionSettings({}, { accountId: ACCT2, region: EAST }),
    ],
  });
}

const runs = CONTROL_IDS.map((id) => makeControlRun(id, {}, EMPTY_SCOPE)).concat([
  makeControlRun("BK-12", { maxRetentionDays: 30 }, EMPTY_SCOPE),
  makeControlRun("BK-13", { granularity: "resource" }, EMPTY_SCOPE),
]);
const canon = (list: Array<[string, Finding]>) =>
  list.map(([k, f]) => JSON.stringify([k, f.controlId, f.subject, f.status, f.reason, f.evidence])).sort();

describe("streamed evaluation", () => {
  it("gives the same findings as the in-memory evaluation", async () => {
    const snap = world();
    const expected: Array<[string, Finding]> = [];
    evaluateSnapshot(snap, { now: NOW }, runs, (k, f) => expected.push([k, f]));
    const points = [...(snap.recoveryPoints as RecoveryPoint[])].sort((a, b) =>
      a.accountId + a.region + a.recoveryPointArn < b.accountId + b.region + b.recoveryPointArn ? -1 : 1,
    );
    const got: Array<[string, Finding]> = [];
    const boundaries: string[] = [];
    await evaluateStream(
      snap,
      {
        async *recoveryPoints() {
          for (let i = 0; i < points.length; i += 3) yield points.slice(i, i + 3);
        },
        async addJobFacts(facts) {
          for (const j of snap.backupJobs) facts.addBackupJob(j);
          for (const j of snap.copyJobs) facts.addCopyJob(j);
          for (const j of snap.restoreJobs)
            facts.addRestoreJob({
              ...j,
              sourceResourceArn:
                j.sourceResourceArn ??
                points.find((p) => p.recoveryPointArn === j.recoveryPointArn)?.resourceArn ??
                null,
            });
        },
      },
      { now: NOW },
      runs,
      (k, f) => got.push([k, f]),
      {
        recoveryPointUnitDone: async (a, r) => void boundaries.push(`rp:${a}/${r}`),
        accountDone: async (a) => void boundaries.push(`acct:${a}`),
      },
    );
    expect(expected.length).toBeGreaterThan(100);
    expect(canon(got)).toEqual(canon(expected));
    expect(boundaries).toEqual([
      `rp:${ACCT}/${REGION}`,
      `rp:${ACCT}/${EAST}`,
      `rp:${ACCT2}/${REGION}`,
      `rp:${ACCT2}/${EAST}`,
      `acct:${ACCT}`,
      `acct:${ACCT2}`,
    ]);
  });

  it("evaluates every resource when no recovery point arrives", async () => {
    const snap = world();
    const got: Finding[] = [];
    await evaluateStream(
      snap,
      { recoveryPoints: async function* () {}, addJobFacts: async () => undefined },
      { now: NOW },
      [makeControlRun("BK-09", {}, EMPTY_SCOPE)],
      (_k, f) => got.push(f),
    );
    expect(got).toHaveLength(snap.resources.length);
    expect(got.filter((f) => f.status === "FAIL").map((f) => f.reason)).toContain(
      "no recovery point yet, although plan daily-plan selects it (first backup pending)",
    );
  });
});
