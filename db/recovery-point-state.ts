// What a recovery point is worth in a restore, decided once for every reader: a point is usable
// when its status is COMPLETED or AVAILABLE (AVAILABLE is how AWS lists points of some resource
// types and in air-gapped vaults; PARTIAL, EXPIRED, DELETING, STOPPED and CREATING points cannot be
// restored from), and clean when it is usable and AWS's aggregated malware scan found no threats
// (scan_status NO_THREATS_FOUND; null is never scanned). A point is in an air-gapped vault when its
// own VaultType says so or, where AWS did not list one, its vault's type does. The TypeScript
// functions and their SQL twins are built from the same lists, and
// tests/integration/db/recovery-point-state.test.ts runs both over the same values.

export const USABLE_POINT_STATUSES = ["COMPLETED", "AVAILABLE"] as const;
export const CLEAN_SCAN_STATUS = "NO_THREATS_FOUND";
export const INFECTED_SCAN_STATUS = "THREATS_FOUND";
export const AIR_GAPPED_VAULT_TYPE = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT";

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

export function pointIsUsable(status: string): boolean {
  return (USABLE_POINT_STATUSES as readonly string[]).includes(status);
}

export function pointIsClean(status: string, scanStatus: string | null): boolean {
  return pointIsUsable(status) && scanStatus === CLEAN_SCAN_STATUS;
}

export function pointIsAirGapped(pointVaultType: string | null, vaultType: string | null): boolean {
  return (pointVaultType ?? vaultType) === AIR_GAPPED_VAULT_TYPE;
}

/** SQL twin of pointIsUsable over a recovery_points status column; never null. */
export function pointIsUsableSql(status = "status"): string {
  return `(${status} in (${list(USABLE_POINT_STATUSES)}))`;
}

/** SQL twin of pointIsClean; never null (a null scan status is not clean). */
export function pointIsCleanSql(status = "status", scanStatus = "scan_status"): string {
  return `(${pointIsUsableSql(status)} and coalesce(${scanStatus} = '${CLEAN_SCAN_STATUS}', false))`;
}

/** SQL twin of pointIsAirGapped over the point's vault_type and its vault's; never null. */
export function pointIsAirGappedSql(pointVaultType: string, vaultType: string): string {
  return `coalesce(coalesce(${pointVaultType}, ${vaultType}) = '${AIR_GAPPED_VAULT_TYPE}', false)`;
}
