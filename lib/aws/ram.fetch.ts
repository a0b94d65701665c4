import { paginateListPrincipals, paginateListResources, type RAMClient } from "@aws-sdk/client-ram";
import type { VaultShare } from "@/lib/inventory/types";
import { classifyCallError, errorName } from "./errors";

// Whom a unit's backup vaults are shared with through AWS RAM: a logically air-gapped vault
// reaches a recovery account (or an OU, or the whole organization) this way. Two paged reads per
// unit whatever the number of vaults: the shared vaults (ListResources), then the principals of
// their shares (ListPrincipals), joined on the share ARN. A role that may not call RAM (made
// before the product read it) gives an unread answer with the reason, not a failed unit: the rest
// of the unit is still worth publishing, and what needs the shares says it could not tell.

const VAULT_TYPE = "backup:BackupVault";
const PAGE = 500;

export type VaultSharesRead = { read: true; byVault: Map<string, VaultShare[]> } | { read: false; reason: string };

export async function fetchVaultShares(client: RAMClient): Promise<VaultSharesRead> {
  try {
    return { read: true, byVault: await readShares(client) };
  } catch (error) {
    if (classifyCallError(error, { operation: "ListResources" }).kind !== "access_denied") throw error;
    const message = (error as { message?: string }).message?.split("\n")[0]?.slice(0, 300) ?? "";
    return {
      read: false,
      reason: `AWS RAM refused the member role (${errorName(error)}: ${message}); allow ram:ListResources and ram:ListPrincipals`,
    };
  }
}

async function readShares(client: RAMClient): Promise<Map<string, VaultShare[]>> {
  const vaultsByShare = new Map<string, string[]>();
  for await (const page of paginateListResources(
    { client, pageSize: PAGE },
    { resourceOwner: "SELF", resourceType: VAULT_TYPE },
  ))
    for (const r of page.resources ?? []) {
      if (!r.arn || !r.resourceShareArn || (r.status && r.status !== "AVAILABLE")) continue;
      vaultsByShare.set(r.resourceShareArn, [...(vaultsByShare.get(r.resourceShareArn) ?? []), r.arn]);
    }
  const byVault = new Map<string, VaultShare[]>();
  if (vaultsByShare.size === 0) return byVault;
  for await (const page of paginateListPrincipals(
    { client, pageSize: PAGE },
    { resourceOwner: "SELF", resourceType: VAULT_TYPE },
  ))
    for (const p of page.principals ?? []) {
      if (!p.id || !p.resourceShareArn) continue;
      for (const vaultArn of vaultsByShare.get(p.resourceShareArn) ?? []) {
        const list = byVault.get(vaultArn) ?? [];
        list.push({ resourceShareArn: p.resourceShareArn, principal: p.id, external: p.external ?? false });
        byVault.set(vaultArn, list);
      }
    }
  return byVault;
}
