import { SimError } from "../http/errors";
import { int, list, str } from "../http/input";
import { at } from "../http/timestamp";
import { ALIAS_PAGE_MAX, awsManagedKey, keyMaterialId, kmsUnit, sortedAliases } from "../engine/kms";
import type { KmsKey } from "../engine/model";
import { page, type OpContext, type Operation } from "./context";

/**
 * AWS KMS (awsJson1_1, X-Amz-Target "TrentService.<Op>"): DescribeKey and ListAliases, the two
 * reads that tell who manages a vault's key. Shapes and limits from botocore kms 2014-11-01 and
 * its documentation: DescribeKey takes a key ID, key ARN, alias name or alias ARN, and a key of
 * another account only by ARN ("Cross-account use: Yes"), subject to that key's policy;
 * ListAliases lists the caller's own account and Region ("Cross-account use: No"), at most 100
 * per page (default 50), with Truncated and NextMarker.
 * Errors as the field shows them: NotFoundException "Key '<arn>' does not exist" / "Alias <arn>
 * is not found." / "Invalid keyId <id>", and AccessDeniedException "User: … is not authorized to
 * perform: kms:DescribeKey on resource: … because no resource-based policy allows the
 * kms:DescribeKey action", both HTTP 400 (the Smithy model gives NotFoundException 404; SDKs
 * read the name from __type either way).
 */
const DEFAULT_ALIAS_PAGE = 50;
const KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

const notFound = (message: string) => new SimError("NotFoundException", message, 400);

function aliasArn(region: string, accountId: string, name: string): string {
  return `arn:aws:kms:${region}:${accountId}:${name}`;
}

/** The key a KeyId names, as DescribeKey resolves it for this caller. */
function resolveKey(ctx: OpContext, keyId: string): KmsKey {
  const me = ctx.caller.accountId;
  let account = me;
  let region = ctx.region;
  let kind: "key" | "alias";
  let name: string;
  const m = KEY_ARN.exec(keyId);
  if (m) {
    [region, account, kind, name] = [m[1]!, m[2]!, m[3] as "key" | "alias", m[4]!];
  } else if (keyId.startsWith("alias/")) {
    [kind, name] = ["alias", keyId.slice("alias/".length)];
  } else if (/^(mrk-)?[0-9a-f-]{32,40}$/.test(keyId)) {
    [kind, name] = ["key", keyId];
  } else {
    throw notFound(`Invalid keyId ${keyId}`);
  }
  const u = region === ctx.region ? ctx.state.kms.get(`${account}/${region}`) : undefined;
  if (kind === "alias") {
    const alias = `alias/${name}`;
    const a =
      u?.aliases.get(alias) ??
      (account === me && region === ctx.region ? kmsUnit(ctx.state, me, region).aliases.get(alias) : undefined);
    // A predefined AWS alias without its key yet: KMS creates the AWS-managed key (DescribeKey doc).
    if (a && !a.targetKeyId && alias.startsWith("alias/aws/") && account === me)
      return awsManagedKey(ctx.state, me, region, name.slice("aws/".length), ctx.state.now);
    const key = a?.targetKeyId ? u?.keys.get(a.targetKeyId) : undefined;
    if (!key) throw notFound(`Alias ${aliasArn(region, account, alias)} is not found.`);
    return key;
  }
  const key = u?.keys.get(name);
  if (!key) throw notFound(`Key '${aliasArn(region, account, `key/${name}`)}' does not exist`);
  return key;
}

function keyMetadata(ctx: OpContext, k: KmsKey) {
  return {
    AWSAccountId: k.accountId,
    KeyId: k.id,
    Arn: k.arn,
    CreationDate: at(k.created),
    Enabled: true,
    Description: k.description,
    KeyUsage: "ENCRYPT_DECRYPT",
    KeyState: "Enabled",
    Origin: "AWS_KMS",
    KeyManager: k.manager,
    CustomerMasterKeySpec: "SYMMETRIC_DEFAULT",
    KeySpec: "SYMMETRIC_DEFAULT",
    EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
    MultiRegion: false,
    CurrentKeyMaterialId: keyMaterialId(ctx.state, k),
  };
}

const describeKey: Operation = {
  service: "kms",
  name: "DescribeKey",
  klass: "get",
  input: {
    KeyId: { shape: str({ min: 1, max: 2048 }), required: true },
    GrantTokens: { shape: list(str({ min: 1, max: 8192 }), 0, 10) },
  },
  run(ctx, i) {
    const key = resolveKey(ctx, i.KeyId as string);
    // Another account's key answers only if its key policy admits the caller's account.
    if (key.accountId !== ctx.caller.accountId && !key.describableBy.has(ctx.caller.accountId)) {
      throw new SimError(
        "AccessDeniedException",
        `User: ${ctx.caller.arn} is not authorized to perform: kms:DescribeKey on resource: ${key.arn} because no resource-based policy allows the kms:DescribeKey action`,
        400,
      );
    }
    return { KeyMetadata: keyMetadata(ctx, key) };
  },
};

const listAliases: Operation = {
  service: "kms",
  name: "ListAliases",
  klass: "list",
  input: {
    KeyId: { shape: str({ min: 1, max: 2048 }) },
    Limit: { shape: int(1, 1000) },
    Marker: { shape: str({ min: 1, max: 1024 }) },
  },
  run(ctx, i) {
    const me = ctx.caller.accountId;
    const u = kmsUnit(ctx.state, me, ctx.region);
    let aliases = sortedAliases(u);
    if (i.KeyId !== undefined) {
      // "Enter a KMS key in your Amazon Web Services account": a key ID or key ARN of the caller's.
      const key = resolveKey(ctx, i.KeyId as string);
      if (key.accountId !== me) throw notFound(`Key '${key.arn}' does not exist`);
      aliases = aliases.filter(([, a]) => a.targetKeyId === key.id);
    }
    // "must be between 1 and 100 … it might return fewer": the model allows up to 1000.
    const limit = Math.min((i.Limit as number | undefined) ?? DEFAULT_ALIAS_PAGE, ALIAS_PAGE_MAX);
    const p = page(ctx, "kms", ["ListAliases", i.KeyId ?? null], i.Marker, limit, aliases.length, (k) => {
      const [name, a] = aliases[k]!;
      return {
        AliasName: name,
        AliasArn: aliasArn(ctx.region, me, name),
        ...(a.targetKeyId
          ? { TargetKeyId: a.targetKeyId, CreationDate: at(a.created), LastUpdatedDate: at(a.created) }
          : {}),
      };
    });
    return { Aliases: p.items, Truncated: p.next !== undefined, ...(p.next ? { NextMarker: p.next } : {}) };
  },
};

export const kmsOperations: Operation[] = [describeKey, listAliases];
