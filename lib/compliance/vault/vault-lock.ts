// Vault Lock modes, from DescribeBackupVault fields rather than the bare `Locked` flag
// (which is true in both modes, so it cannot tell them apart — Prowler PR #12249's gap).
// - Governance mode: a lock without ChangeableForDays, so no LockDate; anyone with
//   backup:DeleteBackupVaultLockConfiguration can remove it.
// - Compliance mode: created with ChangeableForDays (≥ 3); before LockDate it can still be
//   deleted (grace time), from LockDate on it is immutable.
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
// - Logically air-gapped vaults are always locked in compliance mode.
//   https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
import type { BackupVault } from "@/lib/inventory/types";

export type LockMode = "none" | "governance" | "compliance-grace" | "compliance";

export interface VaultLockState {
  mode: LockMode;
  minRetentionDays: number | null;
  maxRetentionDays: number | null;
  lockDate: Date | null;
  summary: string;
}

export function vaultLockState(vault: BackupVault, now: Date): VaultLockState {
  const base = {
    minRetentionDays: vault.minRetentionDays,
    maxRetentionDays: vault.maxRetentionDays,
    lockDate: vault.lockDate,
  };
  const range = `min ${vault.minRetentionDays ?? "none"}, max ${vault.maxRetentionDays ?? "none"} days`;
  if (vault.vaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT") {
    return { ...base, mode: "compliance", summary: `logically air-gapped vault, compliance mode (${range})` };
  }
  if (vault.lockDate) {
    if (vault.lockDate.getTime() <= now.getTime()) {
      return {
        ...base,
        mode: "compliance",
        summary: `compliance mode, immutable since ${vault.lockDate.toISOString().slice(0, 10)} (${range})`,
      };
    }
    return {
      ...base,
      mode: "compliance-grace",
      summary: `compliance mode in grace time until ${vault.lockDate.toISOString().slice(0, 10)}, still removable (${range})`,
    };
  }
  if (vault.locked || vault.minRetentionDays !== null || vault.maxRetentionDays !== null) {
    return { ...base, mode: "governance", summary: `governance mode, removable with IAM permission (${range})` };
  }
  return { ...base, mode: "none", summary: "no Vault Lock" };
}
