import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db";
import { backupVaults, backupVaultShares, type BackupVaultRow } from "@/db/schema";
import { analyseAccessPolicy, PROTECTED_ACTIONS } from "@/lib/compliance/vault/access-policy";
import { vaultLockState, type LockMode } from "@/lib/compliance/vault/vault-lock";
import type { BackupVault, VaultShare, VaultType } from "@/lib/inventory/types";
import { optionalAccount, optionalRegion } from "../filters";
import { decodeCursor, encodeCursor, iterateByPages, type TableDefinition, type TableScope } from "../table";

const CURSOR = z.tuple([z.string(), z.string(), z.string()]);
import { clock } from "@/lib/clock";

export const vaultFilters = z.object({
  account: optionalAccount,
  region: optionalRegion,
  lock: z.preprocess(
    (v) => (["none", "governance", "compliance"].includes(String(v)) ? v : undefined),
    z.enum(["none", "governance", "compliance"]).optional(),
  ),
});
export type VaultFilters = z.infer<typeof vaultFilters>;

export interface VaultListRow extends BackupVaultRow {
  lockMode: LockMode;
  lockSummary: string;
  /** "all": the access policy denies all three deletion actions to everyone but exempt principals. */
  deletionProtection: "all" | "partial" | "none" | "unreadable";
  deletionSummary: string;
  /** Whom the vault is shared with through AWS RAM (read with the page: a few per vault at most). */
  shares: VaultShare[];
}

function enrich(v: BackupVaultRow, now: Date, shares: VaultShare[]): VaultListRow {
  const lock = vaultLockState(
    { ...v, vaultType: v.vaultType as VaultType, encryptionKeyType: null, keyManager: null, shares } as BackupVault,
    now,
  );
  const policy = analyseAccessPolicy(v.accessPolicy, v.vaultArn);
  let deletionProtection: VaultListRow["deletionProtection"] = "none";
  let deletionSummary = "No access policy";
  if (!policy.ok) {
    deletionProtection = "unreadable";
    deletionSummary = policy.error;
  } else if (v.accessPolicy) {
    const denied = policy.coverage.filter((c) => c.denied).map((c) => c.action);
    deletionProtection = denied.length === PROTECTED_ACTIONS.length ? "all" : denied.length ? "partial" : "none";
    deletionSummary =
      deletionProtection === "all"
        ? "Denies delete, lifecycle and policy changes"
        : denied.length
          ? `Denies only ${denied.map((a) => a.replace("backup:", "")).join(", ")}`
          : "Policy does not deny deletion";
  }
  return { ...v, lockMode: lock.mode, lockSummary: lock.summary, deletionProtection, deletionSummary, shares };
}

function where(scope: TableScope, f: VaultFilters): SQL[] {
  const w: SQL[] = [eq(backupVaults.tenantId, scope.tenantId)];
  if (f.account) w.push(eq(backupVaults.accountId, f.account));
  if (f.region) w.push(eq(backupVaults.region, f.region));
  return w;
}

async function page(db: Db, scope: TableScope, f: VaultFilters, cursor: string | null, limit: number) {
  const w = where(scope, f);
  const after = decodeCursor(cursor, CURSOR);
  if (after)
    w.push(
      sql`(${backupVaults.accountId}, ${backupVaults.region}, ${backupVaults.vaultName}) > (${after[0]}, ${after[1]}, ${after[2]})`,
    );
  const now = clock.now();
  // The lock filter needs the derived mode; vaults are few per account, so filter after reading.
  const raw = await db
    .select()
    .from(backupVaults)
    .where(and(...w))
    .orderBy(asc(backupVaults.accountId), asc(backupVaults.region), asc(backupVaults.vaultName))
    .limit(limit + 1);
  const more = raw.length > limit;
  const kept = more ? raw.slice(0, limit) : raw;
  const shareRows = kept.length
    ? await db
        .select()
        .from(backupVaultShares)
        .where(
          and(
            eq(backupVaultShares.tenantId, scope.tenantId),
            inArray(
              backupVaultShares.vaultArn,
              kept.map((v) => v.vaultArn),
            ),
          ),
        )
        .orderBy(asc(backupVaultShares.principal))
    : [];
  const sharesOf = (arn: string) =>
    shareRows
      .filter((r) => r.vaultArn === arn)
      .map((r) => ({ resourceShareArn: r.resourceShareArn, principal: r.principal, external: r.external }));
  const shown = kept.map((v) => enrich(v, now, sharesOf(v.vaultArn)));
  const rows = f.lock
    ? shown.filter((v) => (f.lock === "compliance" ? v.lockMode.startsWith("compliance") : v.lockMode === f.lock))
    : shown;
  const last = raw[Math.min(raw.length, limit) - 1];
  const total =
    cursor || f.lock ? null : { count: await db.$count(backupVaults, and(...where(scope, f))), exact: true };
  return { rows, next: more && last ? encodeCursor([last.accountId, last.region, last.vaultName]) : null, total };
}

export const vaultsTable: TableDefinition<VaultFilters, VaultListRow> = {
  name: "vaults",
  title: "Backup vaults",
  filters: vaultFilters,
  columns: [
    { key: "account_id", label: "Account", value: (r) => r.accountId },
    { key: "region", label: "Region", value: (r) => r.region },
    { key: "vault_name", label: "Vault", value: (r) => r.vaultName },
    { key: "vault_type", label: "Type", value: (r) => r.vaultType },
    { key: "encryption_key_type", label: "Key type", value: (r) => r.encryptionKeyType },
    { key: "encryption_key_arn", label: "Key ARN", value: (r) => r.encryptionKeyArn },
    { key: "lock_mode", label: "Vault Lock", value: (r) => r.lockMode },
    { key: "lock_summary", label: "Lock details", value: (r) => r.lockSummary },
    { key: "deletion_protection", label: "Deletion protection", value: (r) => r.deletionProtection },
    { key: "deletion_summary", label: "Access policy", value: (r) => r.deletionSummary },
    { key: "mpa_approval_team_arn", label: "MPA approval team", value: (r) => r.mpaApprovalTeamArn },
    {
      key: "shared_with",
      label: "Shared with (RAM)",
      value: (r) =>
        r.sharesUnreadable ? null : r.shares.map((s) => `${s.principal}${s.external ? " (external)" : ""}`).join(" "),
    },
    { key: "shares_unreadable", label: "Shares unread because", value: (r) => r.sharesUnreadable },
    { key: "number_of_recovery_points", label: "Recovery points", value: (r) => r.numberOfRecoveryPoints },
  ],
  page,
  iterate: (db, scope, f) => iterateByPages(page, db, scope, f, 1000),
};
