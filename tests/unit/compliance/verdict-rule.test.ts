// The one rule between ERROR and a verdict (lib/compliance/controls/control.ts `judge`): ERROR is
// for "we could not read what decides this". A complete read that lacks a referenced object gets
// a verdict from every control — and the same snapshot with its unit unread gets ERROR.
import { describe, expect, it } from "vitest";
import { judge, READ, unreadable } from "@/lib/compliance/controls/control";
import { CONTROL_IDS, type ControlId, type Facts, type Subject } from "@/lib/compliance/model/finding";
import type { TenantSnapshot } from "@/lib/compliance/engine/snapshot";
import {
  ACCT,
  ACCT2,
  daysBefore,
  hoursBefore,
  plan,
  recoveryPoint,
  REGION,
  resource,
  rule,
  run,
  snapshot,
  unit,
  vault,
} from "./fixtures";

const subject: Subject = { type: "vault", id: "arn:v", accountId: ACCT, region: REGION, resourceType: null };
const pass = () => ({ status: "PASS" as const, reason: "fine", evidence: [] });

describe("judge", () => {
  it("gives the control's verdict when every fact was read", () => {
    expect(judge("BK-16", subject, READ, pass)).toMatchObject({ status: "PASS", reason: "fine" });
    expect(judge("BK-16", subject, [READ, READ], pass)).toMatchObject({ status: "PASS" });
    expect(judge("BK-16", subject, READ)).toBeNull();
  });

  it("gives ERROR with the reason of the first fact that could not be read, without asking the control", () => {
    let asked = false;
    const f = judge(
      "BK-16",
      subject,
      [READ, unreadable("KMS could not describe key k"), unreadable("second")],
      () => ((asked = true), pass()),
    );
    expect(f).toMatchObject({ status: "ERROR", reason: "KMS could not describe key k" });
    expect(asked).toBe(false);
  });

  it("gives NOT_APPLICABLE where the region is not enabled (nothing there needs a verdict)", () => {
    const skipped: Facts = { read: false, skipped: true, reason: "eu-west-1 is not enabled", evidence: [] };
    expect(judge("BK-16", subject, skipped, pass)).toMatchObject({ status: "NOT_APPLICABLE" });
  });
});

// Each control's subject references something; here the read was complete and the thing is absent.
type Case = [ControlId, string, Partial<TenantSnapshot>, unknown, "PASS" | "FAIL" | "NOT_APPLICABLE", RegExp];
const noTarget = { vaults: [] };
const cases: Case[] = [
  ["BK-01", "no plan selects the resource", { plans: [] }, {}, "FAIL", /not selected by any backup plan/],
  ["BK-02", "the plan has no rules", { plans: [plan({ rules: [] })] }, {}, "FAIL", /has no rules/],
  ["BK-03", "the vault has no access policy", {}, {}, "FAIL", /does not deny/],
  ["BK-04", "the point's vault is not in the inventory", { ...noTarget }, {}, "PASS", /encrypted/],
  ["BK-05", "the point's vault is not in the inventory", { ...noTarget }, {}, "PASS", /kept 35 days/],
  [
    "BK-06",
    "the copy destination vault is not in the inventory",
    {
      ...noTarget,
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
    {},
    "PASS",
    /copies to region us-east-1 \(no copy made yet\)/,
  ],
  [
    "BK-07",
    "the copy destination vault is not in the inventory",
    {
      ...noTarget,
      plans: [
        plan({
          rules: [
            rule({
              copyActions: [
                { destinationBackupVaultArn: `arn:aws:backup:${REGION}:${ACCT2}:backup-vault:dr`, lifecycle: null },
              ],
            }),
          ],
        }),
      ],
    },
    {},
    "PASS",
    /copies to account 222222222222/,
  ],
  [
    "BK-08",
    "the plan's target vault does not exist",
    { ...noTarget },
    {},
    "FAIL",
    /targets vault main, which does not exist in account 111111111111 in eu-west-1/,
  ],
  ["BK-09", "the resource has no recovery point", { recoveryPoints: [] }, {}, "FAIL", /no recovery point yet/],
  ["BK-10", "the resource was never restored", {}, {}, "NOT_APPLICABLE", /no completed restore/],
  ["BK-11", "no air-gapped vault holds a point", {}, {}, "FAIL", /no recovery point in a logically air-gapped vault/],
  ["BK-12", "the point's vault is not in the inventory", { ...noTarget, plans: [] }, {}, "PASS", /at most 2555 days/],
  ["BK-13", "no restore of the type", {}, {}, "FAIL", /no successful EBS restore/],
  ["BK-14", "no backup job of the resource", { backupJobs: [] }, {}, "NOT_APPLICABLE", /no backup jobs/],
  [
    "BK-15",
    "the plan's target vault does not exist",
    { ...noTarget },
    {},
    "FAIL",
    /targets vault main, which does not exist here/,
  ],
  [
    "BK-16",
    "KMS says the vault's key does not exist",
    {
      vaults: [
        vault({
          encryptionKeyType: null,
          keyManager: { outcome: "not-found", manager: null, detail: "NotFoundException: Key does not exist" },
        }),
      ],
    },
    {},
    "FAIL",
    /which KMS says does not exist/,
  ],
  [
    "BK-17",
    "no backup policy applies to the account",
    { orgBackupPolicies: [], effectiveBackupPolicies: [] },
    {},
    "FAIL",
    /no Organizations backup policy applies/,
  ],
  ["BK-18", "the resource has no recovery point", { recoveryPoints: [] }, {}, "FAIL", /never scanned clean/],
  [
    "BK-19",
    "the air-gapped vault holding the copy is not in the inventory",
    {
      resources: [resource({ tags: { criticality: "critical" } })],
      recoveryPoints: [
        recoveryPoint({
          backupVaultName: "lag",
          backupVaultArn: `arn:aws:backup:${REGION}:${ACCT}:backup-vault:lag`,
          vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
        }),
      ],
    },
    {},
    "FAIL",
    /vault lag is not in the inventory/,
  ],
  ["BK-20", "the resource was never restored", {}, {}, "FAIL", /no restore in the last 180 days/],
  [
    "BK-21",
    "the point's vault is not in the inventory",
    { ...noTarget, resources: [resource({ tags: { "data-classification": "personal" } })] },
    {},
    "FAIL",
    /no recovery point is indexed for search/,
  ],
];

describe("a complete read that lacks the referenced object gets a verdict from every control", () => {
  it("covers every control", () => {
    expect(cases.map((c) => c[0]).sort()).toEqual([...CONTROL_IDS]);
  });

  it.each(cases)("%s: %s", (id, _what, over, params, status, reason) => {
    const findings = run(id, snapshot(over), params);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.status, f.reason).not.toBe("ERROR");
    const main = findings.find((f) => reason.test(f.reason));
    expect(main, JSON.stringify(findings.map((f) => [f.status, f.reason]))).toBeDefined();
    expect(main!.status).toBe(status);
  });

  it.each(cases)("%s: the same snapshot with its unit not read is ERROR (%s)", (id, _what, over, params) => {
    const findings = run(
      id,
      snapshot({ ...over, units: [unit({ status: "failed", error: "AccessDenied", errorAt: hoursBefore(1) })] }),
      params,
    );
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.status).toBe("ERROR");
  });
});

describe("a referenced object whose own unit was not read is ERROR, never a guessed FAIL", () => {
  const dr = `arn:aws:backup:${REGION}:${ACCT2}:backup-vault:dr`;
  const copying = {
    vaults: [vault()],
    plans: [plan({ rules: [rule({ copyActions: [{ destinationBackupVaultArn: dr, lifecycle: null }] })] })],
  };
  const accounts = snapshot().accounts.concat([{ ...snapshot().accounts[0]!, accountId: ACCT2 }]);

  it("BK-08: the only locked candidate is a copy destination in a unit whose sync failed", () => {
    const snap = snapshot({
      ...copying,
      accounts,
      units: [
        unit(),
        unit({
          accountId: ACCT2,
          status: "failed",
          error: "throttled",
          errorAt: hoursBefore(1),
          publishedAt: daysBefore(3),
        }),
      ],
    });
    const f = run("BK-08", snap)[0]!;
    expect(f.status).toBe("ERROR");
    expect(f.reason).toMatch(
      /target vault arn:aws:backup:eu-west-1:222222222222:backup-vault:dr of rule daily could not be checked: data for account 222222222222 in eu-west-1 is stale/,
    );
  });

  it("BK-08: the same destination absent from a complete read of its unit is a FAIL", () => {
    const snap = snapshot({ ...copying, accounts, units: [unit(), unit({ accountId: ACCT2 })] });
    const f = run("BK-08", snap)[0]!;
    expect(f.status).toBe("FAIL");
    expect(f.reason).toMatch(/has no Vault Lock/);
  });

  it("BK-08: a PASS from a vault that was read stands, whatever an unread destination holds", () => {
    const locked = { ...copying, vaults: [vault({ locked: true, minRetentionDays: 7 })] };
    const snap = snapshot({
      ...locked,
      accounts,
      units: [unit(), unit({ accountId: ACCT2, publishedAt: null, status: "pending" })],
    });
    expect(run("BK-08", snap)[0]!.status).toBe("PASS");
  });

  it("BK-16 needs KMS's answer, and its absence in a complete read of the vault's unit is still ERROR", () => {
    const f = run(
      "BK-16",
      snapshot({
        vaults: [
          vault({
            encryptionKeyType: null,
            keyManager: { outcome: "unreadable", manager: null, detail: "AccessDeniedException: denied" },
          }),
        ],
      }),
    )[0]!;
    expect(f.status).toBe("ERROR");
  });
});
