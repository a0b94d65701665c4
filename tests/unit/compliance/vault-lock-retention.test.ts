import { describe, expect, it } from "vitest";
import { vaultLockState } from "@/lib/compliance/vault/vault-lock";
import { copyRetention, recoveryPointRetention, ruleRetention } from "@/lib/compliance/lifecycle";
import { NOW, daysBefore, recoveryPoint, rule, vault } from "./fixtures";

describe("Vault Lock mode", () => {
  const future = new Date(NOW.getTime() + 3 * 86_400_000);
  const cases: Array<[string, Parameters<typeof vault>[0], string]> = [
    ["no lock", {}, "none"],
    ["governance: min retention, no lock date", { locked: true, minRetentionDays: 7 }, "governance"],
    [
      "governance even when Locked is true (the flag cannot tell modes apart)",
      { locked: true, minRetentionDays: 7, maxRetentionDays: 365 },
      "governance",
    ],
    [
      "compliance in grace time: lock date ahead",
      { locked: true, minRetentionDays: 7, lockDate: future },
      "compliance-grace",
    ],
    ["compliance: lock date passed", { locked: true, minRetentionDays: 7, lockDate: daysBefore(10) }, "compliance"],
    [
      "logically air-gapped vaults are compliance mode",
      { vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", minRetentionDays: 7, maxRetentionDays: 30 },
      "compliance",
    ],
  ];
  it.each(cases)("%s", (_n, over, mode) => {
    expect(vaultLockState(vault(over), NOW).mode).toBe(mode);
  });
});

describe("retention", () => {
  it("a rule without lifecycle keeps recovery points forever", () => {
    expect(ruleRetention(rule({ lifecycle: null })).days).toBeNull();
    expect(
      ruleRetention(
        rule({
          lifecycle: {
            moveToColdStorageAfterDays: null,
            deleteAfterDays: -1,
            optInToArchiveForSupportedResources: false,
          },
        }),
      ).days,
    ).toBeNull();
  });
  it("cold storage does not change the delete day", () => {
    expect(
      ruleRetention(
        rule({
          lifecycle: {
            moveToColdStorageAfterDays: 30,
            deleteAfterDays: 120,
            optInToArchiveForSupportedResources: false,
          },
        }),
      ),
    ).toMatchObject({ days: 120, coldAfterDays: 30 });
  });
  it("a copy action without lifecycle inherits the rule's", () => {
    const r = rule({
      copyActions: [
        { destinationBackupVaultArn: "arn:aws:backup:us-east-1:111111111111:backup-vault:dr", lifecycle: null },
      ],
    });
    expect(copyRetention(r, r.copyActions[0]!)).toMatchObject({ days: 35, basis: "inherited-rule-lifecycle" });
    const own = {
      destinationBackupVaultArn: "x",
      lifecycle: { moveToColdStorageAfterDays: null, deleteAfterDays: 400, optInToArchiveForSupportedResources: false },
    };
    expect(copyRetention(r, own)).toMatchObject({ days: 400, basis: "copy-lifecycle" });
  });
  it("a recovery point uses its lifecycle, else its calculated delete date, else never expires", () => {
    expect(recoveryPointRetention(recoveryPoint()).days).toBe(35);
    const created = daysBefore(1);
    const calc = recoveryPoint({
      lifecycle: null,
      creationDate: created,
      deleteAt: new Date(created.getTime() + 14 * 86_400_000),
    });
    expect(recoveryPointRetention(calc)).toMatchObject({ days: 14, basis: "calculated-delete-date" });
    expect(recoveryPointRetention(recoveryPoint({ lifecycle: null })).days).toBeNull();
  });
});
