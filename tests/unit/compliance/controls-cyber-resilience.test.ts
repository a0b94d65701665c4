// The cyber-resilience controls: BK-18 latest clean recovery point, BK-19 break-glass restore
// ready, BK-20 restore validated, BK-21 searchable for erasure requests. Each passes, fails, and
// gives ERROR where the facts that decide it were not read.
import { describe, expect, it } from "vitest";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { RecoveryPoint, VaultShare } from "@/lib/inventory/types";
import {
  ACCT,
  ACCT2,
  REGION,
  account,
  daysBefore,
  hoursBefore,
  only,
  recoveryPoint,
  resource,
  restoreJob,
  run,
  snapshot,
  unit,
  vault,
} from "./fixtures";

const snap = (id: string, over: Partial<RecoveryPoint> = {}) =>
  recoveryPoint({ recoveryPointArn: `arn:aws:ec2:${REGION}::snapshot/${id}`, ...over });
const stale = unit({ status: "failed", error: "AccessDenied", errorAt: hoursBefore(1) });

describe("BK-18 latest clean recovery point", () => {
  const clean = (id: string, days: number) =>
    snap(id, { creationDate: daysBefore(days), scanStatus: "NO_THREATS_FOUND", scannedAt: daysBefore(days) });

  it("passes when the newest clean point is at most 7 days old", () => {
    const f = only(run("BK-18", snapshot({ recoveryPoints: [clean("snap-clean", 2), clean("snap-older", 5)] })));
    expect([f.status, f.reason]).toEqual(["PASS", "newest clean recovery point is at most 7 days old"]);
    expect(f.evidence[1]).toMatchObject({
      kind: "recovery-point",
      id: `arn:aws:ec2:${REGION}::snapshot/snap-clean`,
      details: { scanStatus: "NO_THREATS_FOUND", scannedAt: daysBefore(2).toISOString() },
    });
  });

  it("passes on a recent clean point although newer ones (copies, say) were not scanned", () => {
    const f = only(run("BK-18", snapshot({ recoveryPoints: [clean("snap-clean", 2), snap("snap-copy")] })));
    expect([f.status, f.reason]).toEqual(["PASS", "newest clean recovery point is at most 7 days old"]);
  });

  it("passes on a recent clean point although a newer one is infected, naming the infected one in evidence", () => {
    const f = only(
      run(
        "BK-18",
        snapshot({ recoveryPoints: [clean("snap-clean", 3), snap("snap-bad", { scanStatus: "THREATS_FOUND" })] }),
      ),
    );
    expect([f.status, f.reason]).toEqual([
      "PASS",
      "newest clean recovery point is at most 7 days old; the malware scan found threats in a newer recovery point",
    ]);
    expect(f.evidence.map((e) => [e.id.split("/").pop(), e.details?.scanStatus])).toEqual([
      ["vol-1", undefined],
      ["snap-clean", "NO_THREATS_FOUND"],
      ["snap-bad", "THREATS_FOUND"],
    ]);
  });

  it.each([
    [
      "the newest points are infected",
      [clean("snap-clean", 10), snap("snap-bad", { scanStatus: "THREATS_FOUND" })],
      "malware scan found threats in the newest recovery point; last clean recovery point snap-clean, made 2026-06-05 12:00 UTC, is older than 7 days",
    ],
    [
      "the newest point's scan failed",
      [clean("snap-clean", 10), snap("snap-failed", { scanStatus: "FAILED" })],
      "malware scan of the newest recovery point failed; last clean recovery point snap-clean, made 2026-06-05 12:00 UTC, is older than 7 days",
    ],
    [
      "the newest point was never scanned",
      [clean("snap-clean", 10), snap("snap-new")],
      "newest recovery point was never scanned; last clean recovery point snap-clean, made 2026-06-05 12:00 UTC, is older than 7 days",
    ],
    [
      "nothing was ever scanned clean",
      [snap("snap-new")],
      "newest recovery point was never scanned; never scanned clean",
    ],
    [
      "only infected points exist",
      [snap("snap-bad", { scanStatus: "THREATS_FOUND" })],
      "malware scan found threats in the newest recovery point; never scanned clean",
    ],
    [
      "the clean point is the newest but old",
      [clean("snap-clean", 10)],
      "last clean recovery point snap-clean, made 2026-06-05 12:00 UTC, is older than 7 days; no newer recovery point",
    ],
    ["there is no recovery point", [], "no recovery point yet, so never scanned clean"],
    [
      "the only clean point is expired",
      [{ ...clean("snap-clean", 2), status: "EXPIRED" as const }, snap("snap-new")],
      "newest recovery point was never scanned; never scanned clean",
    ],
  ])("fails when %s", (_what, points, reason) => {
    const f = only(run("BK-18", snapshot({ recoveryPoints: points })));
    expect([f.status, f.reason]).toEqual(["FAIL", reason]);
  });

  it("names the infected point in the evidence of a FAIL", () => {
    const f = only(
      run(
        "BK-18",
        snapshot({ recoveryPoints: [snap("snap-bad", { scanStatus: "THREATS_FOUND", scannedAt: hoursBefore(5) })] }),
      ),
    );
    expect(f.evidence.find((e) => e.id.endsWith("snap-bad"))?.details).toMatchObject({
      scanStatus: "THREATS_FOUND",
      scannedAt: hoursBefore(5).toISOString(),
    });
  });

  it("takes the age from its parameter", () => {
    const points = [clean("snap-clean", 10), snap("snap-new")];
    expect(only(run("BK-18", snapshot({ recoveryPoints: points }), { maxAgeDays: 14 })).status).toBe("PASS");
  });

  it("does not apply to resource types AWS Backup cannot scan", () => {
    const rds = resource({ resourceArn: `arn:aws:rds:${REGION}:${ACCT}:db:orders`, resourceType: "RDS" });
    const f = only(run("BK-18", snapshot({ resources: [rds], recoveryPoints: [] })));
    expect([f.status, f.reason]).toEqual([
      "NOT_APPLICABLE",
      "AWS Backup scans EC2, EBS and S3 recovery points for malware; RDS ones cannot be scanned",
    ]);
  });

  it("is ERROR when the resource's unit was not read", () => {
    const f = only(run("BK-18", snapshot({ units: [stale], recoveryPoints: [clean("snap-clean", 1)] })));
    expect(f.status).toBe("ERROR");
    expect(f.reason).toMatch(/stale: last sync failed \(AccessDenied\)/);
  });

  it.each([
    [{ maxAgeDays: 0 }, /maxAgeDays: age must be at least 1 day/],
    [{ maxAgeDays: 400 }, /maxAgeDays: age is at most 365 days/],
    [{ days: 7 }, /unrecognized key/i],
  ])("refuses parameters %j", (params, message) => {
    const r = CONTROLS["BK-18"].params.safeParse(params);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")).toMatch(message);
  });
});

describe("BK-19 break-glass restore ready", () => {
  const critical = resource({ tags: { criticality: "critical" } });
  const lag = (
    name: string,
    over: { shares?: VaultShare[]; mpaApprovalTeamArn?: string | null; accountId?: string } = {},
  ) => vault({ vaultName: name, vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", ...over });
  const share = (principal: string, external: boolean): VaultShare => ({
    resourceShareArn: `arn:aws:ram:${REGION}:${ACCT}:resource-share/s-${principal.slice(-4)}`,
    principal,
    external,
  });
  const copyIn = (v: ReturnType<typeof lag>, hours: number, id = `rp-${v.vaultName}`) =>
    recoveryPoint({
      accountId: v.accountId,
      recoveryPointArn: `arn:aws:backup:${REGION}:${v.accountId}:recovery-point:${id}`,
      backupVaultName: v.vaultName,
      backupVaultArn: v.vaultArn,
      vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
      sourceBackupVaultArn: vault().vaultArn,
      creationDate: hoursBefore(hours),
    });
  const ORG = `arn:aws:organizations::${ACCT}:organization/o-abc123`;
  const TEAM = "arn:aws:mpa::999999999999:approval-team/break-glass";
  const world = (vaults: Array<ReturnType<typeof lag>>, points: RecoveryPoint[], over = {}) =>
    snapshot({
      resources: [critical],
      vaults: [vault(), ...vaults],
      recoveryPoints: [snap("snap-1"), ...points],
      ...over,
    });

  it("leaves resources that are not tagged as critical out of scope", () => {
    const v = lag("lag", { shares: [share("999999999999", true)] });
    for (const tags of [{}, { criticality: "low" }, { Criticality: "critical" }] as Array<Record<string, string>>)
      expect(run("BK-19", world([v], [copyIn(v, 5)], { resources: [resource({ tags })] }))).toEqual([]);
  });

  it.each([
    [
      "shared through RAM with an account outside the organization",
      lag("lag", { shares: [share(ORG, false), share("999999999999", true)] }),
      {},
      "air-gapped copy at most 1 days old in vault lag, shared through RAM with 999999999999 (outside the organization)",
    ],
    [
      "guarded by a multi-party approval team",
      lag("lag", { mpaApprovalTeamArn: TEAM }),
      {},
      `air-gapped copy at most 1 days old in vault lag, guarded by multi-party approval team ${TEAM}`,
    ],
    [
      "both",
      lag("lag", { shares: [share("999999999999", true)], mpaApprovalTeamArn: TEAM }),
      {},
      `air-gapped copy at most 1 days old in vault lag, shared through RAM with 999999999999 (outside the organization) and guarded by multi-party approval team ${TEAM}`,
    ],
    [
      "shared with an account of the organization that the tenant lists as its recovery account",
      lag("lag", { shares: [share(ACCT2, false)] }),
      { recoveryAccounts: [ACCT2] },
      `air-gapped copy at most 1 days old in vault lag, shared through RAM with ${ACCT2} (a listed recovery account)`,
    ],
  ])("passes with a recent copy in a vault %s", (_what, v, params, reason) => {
    const f = only(run("BK-19", world([v], [copyIn(v, 5)]), params));
    expect([f.status, f.reason]).toEqual(["PASS", reason]);
    expect(f.evidence.map((e) => e.kind)).toEqual(["resource", "recovery-point", "vault"]);
    expect(f.evidence[2]!.details).toMatchObject({ mpaApprovalTeamArn: v.mpaApprovalTeamArn });
  });

  it.each([
    ["there is no air-gapped copy", [], [], {}, "no recovery point in a logically air-gapped vault"],
    [
      "the vault is shared only inside the organization",
      [lag("lag", { shares: [share(ORG, false), share("ou-ab12-prod0001", false), share(ACCT2, false)] })],
      [5],
      {},
      `air-gapped copy at most 1 days old, but vault lag is neither shared through RAM with an account outside the organization (shared only inside the organization, with ${ORG}, ou-ab12-prod0001, ${ACCT2}) nor guarded by a multi-party approval team`,
    ],
    [
      "the vault is not shared at all",
      [lag("lag")],
      [5],
      {},
      "air-gapped copy at most 1 days old, but vault lag is neither shared through RAM with an account outside the organization nor guarded by a multi-party approval team",
    ],
    [
      "the copy is too old",
      [lag("lag", { mpaApprovalTeamArn: TEAM })],
      [30],
      {},
      "newest air-gapped recovery point, made 2026-06-14 06:00 UTC in vault lag, is older than 1 days",
    ],
    [
      "the copy is too old and the vault not ready",
      [lag("lag")],
      [30],
      {},
      "newest air-gapped recovery point, made 2026-06-14 06:00 UTC in vault lag, is older than 1 days, and vault lag is neither shared through RAM with an account outside the organization nor guarded by a multi-party approval team",
    ],
    [
      "the only recent copy is in an unready vault and the ready vault's copy is old",
      [lag("lag-a"), lag("lag-b", { mpaApprovalTeamArn: TEAM })],
      [2, 40],
      {},
      "air-gapped copy at most 1 days old, but vault lag-a is neither shared through RAM with an account outside the organization nor guarded by a multi-party approval team",
    ],
  ])("fails when %s", (_what, vaults, hours, params, reason) => {
    const points = vaults.map((v, i) => copyIn(v, hours[i]!));
    const f = only(run("BK-19", world(vaults, points), params));
    expect([f.status, f.reason]).toEqual(["FAIL", reason]);
  });

  it("passes on a ready vault's recent copy although a newer copy sits in an unready vault", () => {
    const a = lag("lag-a");
    const b = lag("lag-b", { shares: [share("999999999999", true)] });
    const f = only(run("BK-19", world([a, b], [copyIn(a, 1), copyIn(b, 10)])));
    expect(f.status).toBe("PASS");
    expect(f.reason).toMatch(/in vault lag-b, shared through RAM with 999999999999/);
  });

  it("takes the age and the tag from its parameters", () => {
    const v = lag("lag", { mpaApprovalTeamArn: TEAM });
    expect(only(run("BK-19", world([v], [copyIn(v, 30)]), { unit: "hours", value: 36 })).status).toBe("PASS");
    const tier0 = world([v], [copyIn(v, 5)], { resources: [resource({ tags: { tier: "0" } })] });
    expect(only(run("BK-19", tier0, { tag: { key: "tier", value: "0" } })).status).toBe("PASS");
    expect(only(run("BK-19", tier0, { tag: { key: "tier" } })).status).toBe("PASS");
  });

  it("a vault whose sync failed carries no PASS: the finding is ERROR and says which vault", () => {
    const central = lag("central", { accountId: ACCT2, shares: [share("999999999999", true)] });
    const snapshotWithCentral = (u: ReturnType<typeof unit>) =>
      world([central], [copyIn(central, 5)], {
        accounts: [account(), account({ accountId: ACCT2 })],
        units: [unit(), u],
      });
    const f = only(run("BK-19", snapshotWithCentral({ ...stale, accountId: ACCT2 })));
    expect(f.status).toBe("ERROR");
    expect(f.reason).toMatch(
      /^air-gapped vault central could not be checked: data for account 222222222222 in eu-west-1 is stale/,
    );
    expect(only(run("BK-19", snapshotWithCentral(unit({ accountId: ACCT2 })))).status).toBe("PASS");
  });

  it("is ERROR when a recent copy's vault shares could not be read, unless an approval team decides", () => {
    const reason = "AWS RAM refused the member role (AccessDeniedException: denied)";
    const unknown = vault({
      vaultName: "lag",
      vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
      sharesUnreadable: reason,
    });
    const f = only(run("BK-19", world([unknown], [copyIn(unknown, 5)])));
    expect([f.status, f.reason]).toEqual(["ERROR", `whom air-gapped vault lag is shared with is unknown: ${reason}`]);
    // An old copy is too old whatever the shares say: a FAIL, not an ERROR.
    expect(only(run("BK-19", world([unknown], [copyIn(unknown, 30)]))).status).toBe("FAIL");
    const guarded = { ...unknown, mpaApprovalTeamArn: TEAM };
    expect(only(run("BK-19", world([guarded], [copyIn(guarded, 5)]))).status).toBe("PASS");
  });

  it("is ERROR when the resource's unit was not read", () => {
    const v = lag("lag", { mpaApprovalTeamArn: TEAM });
    const f = only(run("BK-19", world([v], [copyIn(v, 5)], { units: [stale] })));
    expect(f.status).toBe("ERROR");
  });

  it.each([
    [{ recoveryAccounts: ["12345"] }, /recoveryAccounts\.0: account id must be 12 digits/],
    [{ unit: "days", value: 92 }, /value: age is at most 91 days/],
    [{ tag: null }, /tag: critical resources are named by a tag/],
    [{ tag: { key: "" } }, /tag\.key: tag key must not be empty/],
  ])("refuses parameters %j", (params, message) => {
    const r = CONTROLS["BK-19"].params.safeParse(params);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")).toMatch(message);
  });

  it("defaults to criticality=critical, one day, no listed recovery account", () => {
    expect(CONTROLS["BK-19"].params.parse({})).toEqual({
      tag: { key: "criticality", value: "critical" },
      unit: "days",
      value: 1,
      recoveryAccounts: [],
    });
  });
});

describe("BK-20 restore validated", () => {
  const restored = (days: number, validationStatus: string | null, id = `restore-${days}-${validationStatus}`) =>
    restoreJob({
      restoreJobId: id,
      validationStatus,
      creationDate: daysBefore(days),
      completionDate: new Date(daysBefore(days).getTime() + 30 * 60_000),
    });

  it("passes on a restore within the look-back whose validation succeeded", () => {
    const f = only(run("BK-20", snapshot({ restoreJobs: [restored(10, "SUCCESSFUL")] })));
    expect([f.status, f.reason]).toEqual(["PASS", "restored on 2026-06-05 and the validation succeeded"]);
    expect(f.evidence[1]).toMatchObject({ kind: "restore-job", details: { validationStatus: "SUCCESSFUL" } });
  });

  it("says a restore test when restore testing ran it", () => {
    const test = {
      ...restored(3, "SUCCESSFUL"),
      restoreTestingPlanArn: `arn:aws:backup:${REGION}:${ACCT}:restore-testing-plan:weekly`,
    };
    expect(only(run("BK-20", snapshot({ restoreJobs: [test] }))).reason).toBe(
      "restore-tested on 2026-06-12 and the validation succeeded",
    );
  });

  it.each([
    ["FAILED", "restored on 2026-06-05 but the validation failed"],
    ["TIMED_OUT", "restored on 2026-06-05 but the validation timed out"],
    ["VALIDATING", "restored on 2026-06-05 but the validation is still running"],
    [null, "restored on 2026-06-05 but the validation was not run"],
  ])("does not count a restore whose validation is %s", (status, reason) => {
    const f = only(run("BK-20", snapshot({ restoreJobs: [restored(10, status)] })));
    expect([f.status, f.reason]).toEqual(["FAIL", reason]);
  });

  it.each([
    [
      "a validated restore is older than the look-back and a newer one was not validated",
      [restored(200, "SUCCESSFUL"), restored(10, null)],
      "restored on 2026-06-05 but the validation was not run; last validated restore on 2025-11-27",
    ],
    ["there is no restore", [], "no restore in the last 180 days"],
    [
      "the only restore is older than the look-back",
      [restored(200, null)],
      "no restore in the last 180 days; last restored on 2025-11-27",
    ],
    [
      "the only validated restore is older than the look-back",
      [restored(200, "SUCCESSFUL")],
      "no restore in the last 180 days; last validated restore on 2025-11-27",
    ],
    [
      "a restore job that did not complete was validated",
      [{ ...restored(10, "SUCCESSFUL"), status: "FAILED" as const }],
      "no restore in the last 180 days",
    ],
  ])("fails when %s", (_what, restoreJobs, reason) => {
    const f = only(run("BK-20", snapshot({ restoreJobs })));
    expect([f.status, f.reason]).toEqual(["FAIL", reason]);
  });

  it("finds the resource of a restore through its recovery point", () => {
    const job = { ...restored(10, "SUCCESSFUL"), sourceResourceArn: null };
    expect(only(run("BK-20", snapshot({ restoreJobs: [job] }))).status).toBe("PASS");
  });

  it("takes the look-back from its parameter", () => {
    const f = only(run("BK-20", snapshot({ restoreJobs: [restored(200, "SUCCESSFUL")] }), { lookbackDays: 365 }));
    expect(f.status).toBe("PASS");
  });

  it("is ERROR when the resource's unit was not read", () => {
    expect(only(run("BK-20", snapshot({ units: [stale], restoreJobs: [] }))).status).toBe("ERROR");
  });

  it("leaves BK-13 as it was: a restore test whose validation failed is no successful restore", () => {
    const f = only(run("BK-13", snapshot({ restoreJobs: [restored(10, "FAILED")] })));
    expect(f.status).toBe("FAIL");
    expect(only(run("BK-13", snapshot({ restoreJobs: [restored(10, null)] }))).status).toBe("PASS");
  });

  it.each([
    [{ lookbackDays: 0 }, /look-back is at least 1 day/],
    [{ lookbackDays: 800 }, /look-back is at most 730 days/],
  ])("refuses parameters %j", (params, message) => {
    const r = CONTROLS["BK-20"].params.safeParse(params);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(message);
  });
});

describe("BK-21 searchable for erasure requests", () => {
  const personal = resource({ tags: { "data-classification": "personal" } });
  const world = (points: RecoveryPoint[], over = {}) =>
    snapshot({ resources: [personal], recoveryPoints: points, ...over });

  it("leaves resources not tagged as holding personal data out of scope", () => {
    expect(run("BK-21", world([snap("snap-1")], { resources: [resource()] }))).toEqual([]);
  });

  it("passes when every usable recovery point is indexed", () => {
    const points = [
      snap("snap-1", { indexStatus: "ACTIVE" }),
      snap("snap-2", { indexStatus: "ACTIVE", creationDate: daysBefore(2) }),
      snap("snap-gone", { indexStatus: null, status: "EXPIRED" }),
    ];
    const f = only(run("BK-21", world(points)));
    expect([f.status, f.reason]).toEqual(["PASS", "every recovery point is indexed for search"]);
  });

  it.each([
    [
      "the newest point is still being indexed",
      [
        snap("snap-1", { indexStatus: "PENDING" }),
        snap("snap-2", { indexStatus: "ACTIVE", creationDate: daysBefore(2) }),
      ],
      "some recovery points are not indexed for search; the newest of them is still being indexed",
      "snap-1",
      { indexStatus: "PENDING", pointsNotIndexed: 1, originalPoints: 2 },
    ],
    [
      "an older point's index failed",
      [
        snap("snap-1", { indexStatus: "ACTIVE" }),
        snap("snap-2", { indexStatus: "FAILED", creationDate: daysBefore(2) }),
      ],
      "some recovery points are not indexed for search; the newest of them failed to be indexed",
      "snap-2",
      { indexStatus: "FAILED", pointsNotIndexed: 1, originalPoints: 2 },
    ],
    [
      "no point is indexed",
      [snap("snap-1"), snap("snap-2", { creationDate: daysBefore(2) })],
      "no recovery point is indexed for search (the newest has no index)",
      "snap-1",
      { indexStatus: "NOT_INDEXED", pointsNotIndexed: 2, originalPoints: 2 },
    ],
  ])("fails when %s, citing the newest unindexed point", (_what, points, reason, cited, details) => {
    const f = only(run("BK-21", world(points)));
    expect([f.status, f.reason]).toEqual(["FAIL", reason]);
    expect(f.evidence[1]).toMatchObject({
      kind: "recovery-point",
      id: `arn:aws:ec2:${REGION}::snapshot/${cited}`,
      details,
    });
  });

  it("does not apply to types AWS Backup cannot index, nor to a resource without recovery points", () => {
    const rds = resource({
      resourceArn: `arn:aws:rds:${REGION}:${ACCT}:db:customers`,
      resourceType: "RDS",
      tags: { "data-classification": "personal" },
    });
    const f = only(run("BK-21", world([], { resources: [rds] })));
    expect([f.status, f.reason]).toEqual([
      "NOT_APPLICABLE",
      "AWS Backup indexes only EBS snapshots and S3 backups for search; RDS recovery points cannot be indexed",
    ]);
    const none = only(run("BK-21", world([])));
    expect([none.status, none.reason]).toEqual(["NOT_APPLICABLE", "no recovery point, so none needs an index"]);
  });

  it("takes the tag from its parameter", () => {
    const pii = resource({ tags: { pii: "yes" } });
    const f = only(run("BK-21", world([snap("snap-1")], { resources: [pii] }), { tag: { key: "pii" } }));
    expect(f.status).toBe("FAIL");
  });

  it("is ERROR when the resource's unit was not read", () => {
    expect(only(run("BK-21", world([snap("snap-1", { indexStatus: "ACTIVE" })], { units: [stale] }))).status).toBe(
      "ERROR",
    );
  });

  it("refuses a tag without a key", () => {
    const r = CONTROLS["BK-21"].params.safeParse({ tag: { value: "personal" } });
    expect(r.success).toBe(false);
  });

  it("defaults to data-classification=personal", () => {
    expect(CONTROLS["BK-21"].params.parse({})).toEqual({ tag: { key: "data-classification", value: "personal" } });
  });
});
