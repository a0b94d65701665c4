import type { KmsKey, KmsUnit, SimState, Unit, VaultRt } from "./model";
import { hex, kmsKeyArn, stableUuid } from "../world/ids";
import type { VaultDef } from "../world/schema";

// KMS as far as vault keys go: the AWS-managed aws/backup key of each account and Region that
// has a vault on it, the customer-managed keys vaults name (in the vault's account or another),
// their aliases, and the aliases AWS predefines. KMS API reference (botocore kms 2014-11-01):
// ListAliases lists "aliases that Amazon Web Services created and associated with Amazon Web
// Services managed keys" and "predefined aliases that Amazon Web Services has created but has not
// yet associated with a KMS key" (no TargetKeyId); "The alias/aws/ prefix is reserved for Amazon
// Web Services managed keys" (CreateAlias).

/** Predefined AWS aliases listed in every account and Region (an illustrative set of services). */
const PREDEFINED = [
  "acm",
  "backup",
  "dynamodb",
  "ebs",
  "elasticfilesystem",
  "fsx",
  "lambda",
  "rds",
  "redshift",
  "s3",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
].map((s) => `alias/aws/${s}`);

export const ALIAS_PAGE_MAX = 100;

export function kmsUnit(state: SimState, accountId: string, region: string): KmsUnit {
  const key = `${accountId}/${region}`;
  let u = state.kms.get(key);
  if (!u) {
    u = {
      keys: new Map(),
      aliases: new Map(PREDEFINED.map((name) => [name, { targetKeyId: undefined, created: state.epoch }])),
    };
    state.kms.set(key, u);
  }
  return u;
}

function addKey(state: SimState, k: Omit<KmsKey, "describableBy">, alias: string | null): KmsKey {
  const u = kmsUnit(state, k.accountId, k.region);
  let key = u.keys.get(k.id);
  if (!key) u.keys.set(k.id, (key = { ...k, describableBy: new Set() }));
  key.created = Math.min(key.created, k.created);
  if (alias) {
    const a = u.aliases.get(alias);
    if (!a?.targetKeyId) u.aliases.set(alias, { targetKeyId: key.id, created: key.created });
  }
  return key;
}

/** The AWS-managed key a service creates on first use of its predefined alias (DescribeKey on the alias does it too). */
export function awsManagedKey(
  state: SimState,
  accountId: string,
  region: string,
  service: string,
  created: number,
): KmsKey {
  const arn = kmsKeyArn(state.seed, accountId, region, `aws/${service}`);
  const id = arn.slice(arn.lastIndexOf("/") + 1);
  const description = `Default key that protects my ${service === "backup" ? "Backup data" : `${service} data`} when no other key is defined`;
  return addKey(state, { id, arn, accountId, region, manager: "AWS", description, created }, `alias/aws/${service}`);
}

/** The key ARN of a vault, creating the KMS key (and its alias) it names. */
export function vaultKeyArn(
  state: SimState,
  unit: Unit,
  v: VaultDef,
  created: number,
  awsOwnedAccount: string,
): string {
  const { accountId: a, region: r } = unit;
  if (v.encryption === "aws-owned")
    return `arn:aws:kms:${r}:${awsOwnedAccount}:key/${stableUuid(state.seed, "owned", a, r, v.name)}`;
  if (v.encryption === "aws-managed") return awsManagedKey(state, a, r, "backup", created).arn;
  const owner = v.key?.account_id ?? a;
  const arn = kmsKeyArn(state.seed, owner, r, owner === a ? `cmk/${v.name}` : `cmk/${a}/${v.name}`);
  const alias = v.key?.alias === undefined ? `${v.name}-key` : v.key.alias;
  const key = addKey(
    state,
    {
      id: arn.slice(arn.lastIndexOf("/") + 1),
      arn,
      accountId: owner,
      region: r,
      manager: "CUSTOMER",
      description: `Backup vault ${v.name}${owner === a ? "" : ` in ${a}`}`,
      created,
    },
    alias === null ? null : `alias/${alias}`,
  );
  if (owner !== a && (v.key?.describable ?? true)) key.describableBy.add(a);
  return arn;
}

/** The 64-hex identifier of a key's current key material (DescribeKey's CurrentKeyMaterialId). */
export function keyMaterialId(state: SimState, key: KmsKey): string {
  return hex(state.seed, 64, "material", key.arn);
}

/** Aliases of a unit in the order ListAliases serves them (by name). */
export function sortedAliases(u: KmsUnit): Array<[string, { targetKeyId: string | undefined; created: number }]> {
  return [...u.aliases.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}

/**
 * The fewest KMS calls that tell who manages every key of a unit's vaults (sim/README.md, "Lower
 * bound"): keys of the unit's own account and Region by ListAliases pages (100 aliases each) or
 * DescribeKey, whichever is fewer with hindsight, preferring the rule a client can follow without
 * it (page while two or more keys are open); keys elsewhere by DescribeKey.
 */
export function kmsCalls(state: SimState, unit: Unit): { listAliasesPages: number; describeKey: number } {
  const local = new Set<string>();
  const remote = new Set<string>();
  for (const vi of unit.vaults) {
    const v = state.vaults[vi] as VaultRt;
    if (v.encryption === "aws-owned") continue;
    const [, , , region, account, resource] = v.encryptionKeyArn.split(":") as string[];
    if (account === unit.accountId && region === unit.region) local.add((resource as string).slice("key/".length));
    else remote.add(v.encryptionKeyArn);
  }
  if (local.size === 0) return { listAliasesPages: 0, describeKey: remote.size };
  const aliases = sortedAliases(kmsUnit(state, unit.accountId, unit.region));
  const pages = Math.max(1, Math.ceil(aliases.length / ALIAS_PAGE_MAX));
  const openAfter = (p: number) => {
    const named = new Set(aliases.slice(0, p * ALIAS_PAGE_MAX).map(([, a]) => a.targetKeyId));
    return [...local].filter((k) => !named.has(k)).length;
  };
  let greedy = 0;
  if (local.size >= 2) {
    do greedy++;
    while (greedy < pages && openAfter(greedy) >= 2);
  }
  const cost = (p: number) => p + openAfter(p);
  let best = greedy;
  for (let p = 0; p <= pages; p++) if (cost(p) < cost(best)) best = p;
  return { listAliasesPages: best, describeKey: openAfter(best) + remote.size };
}
