import type { AliasListEntry, DescribeKeyResponse } from "@aws-sdk/client-kms";
import type { BackupVault, KeyManager, VaultKeyRead } from "@/lib/inventory/types";
import type { UnitRef } from "./backup.adapter";

// Pure mappers from KMS SDK shapes to what BK-16 needs: who manages a vault's key. Facts from
// the KMS API reference (botocore kms 2014-11-01, 1.43.67): DescribeKey's KeyMetadata.KeyManager
// is AWS or CUSTOMER; "The alias/aws/ prefix is reserved for Amazon Web Services managed keys"
// and an alias the customer creates is associated "with any customer managed key" (CreateAlias);
// ListAliases lists the caller's own account and Region only ("Cross-account use: No").

export interface KeyRef {
  arn: string;
  accountId: string;
  region: string;
  /** The key ID for key ARNs; null for an alias ARN. */
  keyId: string | null;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

export function parseKeyArn(arn: string): KeyRef | null {
  const m = KEY_ARN.exec(arn);
  if (!m) return null;
  return { arn, region: m[1]!, accountId: m[2]!, keyId: m[3] === "key" ? m[4]! : null };
}

/** An alias ARN under alias/aws/: an AWS-managed key, no call needed. */
export function isAwsManagedAliasArn(arn: string): boolean {
  return /^arn:aws[a-z-]*:kms:[^:]*:\d{12}:alias\/aws\//.test(arn);
}

/**
 * The keys of a unit's vaults KMS must be asked about: every key but AWS-owned ones (AWS Backup
 * says so; they are not in the customer's accounts, so KMS cannot describe them) and alias/aws/
 * ARNs (AWS-managed by name). In the unit's own account and region (ListAliases can tell) or
 * elsewhere (DescribeKey with the ARN, as cross-account calls require).
 */
export function keysToRead(unit: UnitRef, vaults: readonly BackupVault[]): { local: KeyRef[]; other: string[] } {
  const local = new Map<string, KeyRef>();
  const other = new Set<string>();
  for (const v of vaults) {
    const arn = v.encryptionKeyArn;
    if (!arn || v.encryptionKeyType === "AWS_OWNED_KMS_KEY" || isAwsManagedAliasArn(arn)) continue;
    const ref = parseKeyArn(arn);
    if (ref?.keyId && ref.accountId === unit.accountId && ref.region === unit.region) local.set(arn, ref);
    else other.add(arn);
  }
  return { local: [...local.values()], other: [...other] };
}

/** Key ID → what its alias says about its manager (aliases without a key are predefined, unused). */
export function managersFromAliases(
  aliases: readonly AliasListEntry[],
): Map<string, { manager: KeyManager; alias: string }> {
  const out = new Map<string, { manager: KeyManager; alias: string }>();
  for (const a of aliases) {
    if (!a.TargetKeyId || !a.AliasName || out.has(a.TargetKeyId)) continue;
    out.set(a.TargetKeyId, { manager: a.AliasName.startsWith("alias/aws/") ? "AWS" : "CUSTOMER", alias: a.AliasName });
  }
  return out;
}

export function keyReadFromDescribe(out: DescribeKeyResponse): VaultKeyRead | null {
  const m = out.KeyMetadata?.KeyManager;
  if (m !== "AWS" && m !== "CUSTOMER") return null;
  return { outcome: "described", manager: m, detail: out.KeyMetadata?.KeyState ?? null };
}

/** The vaults with what KMS said about their keys (vaults whose key was not asked about keep null). */
export function withKeyManagers(
  vaults: readonly BackupVault[],
  reads: ReadonlyMap<string, VaultKeyRead>,
): BackupVault[] {
  return vaults.map((v) => ({ ...v, keyManager: (v.encryptionKeyArn && reads.get(v.encryptionKeyArn)) || null }));
}
