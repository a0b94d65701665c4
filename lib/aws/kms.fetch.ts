import { DescribeKeyCommand, paginateListAliases, type KMSClient } from "@aws-sdk/client-kms";
import type { BackupVault, VaultKeyRead } from "@/lib/inventory/types";
import type { UnitRef } from "./backup.adapter";
import { classifyCallError, errorName } from "./errors";
import { keyReadFromDescribe, keysToRead, managersFromAliases, withKeyManagers } from "./kms.adapter";
import { mapLimit } from "./backup.fetch";

// Who manages each vault key of one (account, region), in the fewest KMS calls: DescribeKey per
// key costs one call each; ListAliases (100 per page, the documented maximum) names the manager
// of every key of the account and Region that has an alias, so it pays once two keys of the unit
// are still open. A key in another account cannot be listed (ListAliases is the caller's account
// only) and is described by its ARN. A key KMS does not know is a fact (NotFoundException); one
// the role may not describe is recorded as unreadable; a throttled or failing KMS fails the unit
// like any other call, so nothing half-read is published.

const ALIAS_PAGE = 100;

function refusal(error: unknown): VaultKeyRead | null {
  const name = errorName(error);
  const message = (error as { message?: string } | undefined)?.message?.split("\n")[0]?.slice(0, 300) ?? "";
  if (name === "NotFoundException") return { outcome: "not-found", manager: null, detail: `${name}: ${message}` };
  const f = classifyCallError(error, { operation: "DescribeKey" });
  if (f.kind === "access_denied" || name === "InvalidArnException")
    return { outcome: "unreadable", manager: null, detail: `${name}: ${message}` };
  return null;
}

async function describe(client: KMSClient, arn: string): Promise<VaultKeyRead> {
  try {
    const read = keyReadFromDescribe(await client.send(new DescribeKeyCommand({ KeyId: arn })));
    return read ?? { outcome: "unreadable", manager: null, detail: "DescribeKey returned no KeyManager" };
  } catch (error) {
    const r = refusal(error);
    if (r) return r;
    throw error;
  }
}

/** The unit's vaults with `keyManager` filled in from KMS. */
export async function readVaultKeys(
  client: KMSClient,
  unit: UnitRef,
  vaults: readonly BackupVault[],
  concurrency = 4,
): Promise<BackupVault[]> {
  const { local, other } = keysToRead(unit, vaults);
  const reads = new Map<string, VaultKeyRead>();
  let open = local;
  if (open.length >= 2) {
    try {
      for await (const page of paginateListAliases({ client, pageSize: ALIAS_PAGE }, {})) {
        const byKey = managersFromAliases(page.Aliases ?? []);
        open = open.filter((k) => {
          const hit = byKey.get(k.keyId!);
          if (hit) reads.set(k.arn, { outcome: "aliased", manager: hit.manager, detail: hit.alias });
          return !hit;
        });
        // One key left costs one DescribeKey, never more than another page.
        if (open.length < 2) break;
      }
    } catch (error) {
      // A role without kms:ListAliases may still describe keys one by one.
      if (classifyCallError(error, { operation: "ListAliases" }).kind !== "access_denied") throw error;
    }
  }
  const toDescribe = [...open.map((k) => k.arn), ...other];
  const described = await mapLimit(toDescribe, concurrency, (arn) => describe(client, arn));
  toDescribe.forEach((arn, i) => reads.set(arn, described[i]!));
  return withKeyManagers(vaults, reads);
}
