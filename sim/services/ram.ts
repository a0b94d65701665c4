import { SimError } from "../http/errors";
import { int, list, str } from "../http/input";
import { at } from "../http/timestamp";
import type { SimState, VaultRt, VaultShare } from "../engine/model";
import { sharedWith } from "../engine/shares";
import { page, type OpContext, type Operation } from "./context";
import { unitOf } from "./backup-shapes";

/**
 * AWS RAM (restJson1, POST with a JSON body), as far as the resource shares of logically
 * air-gapped vaults go: one share per shared vault, in the vault's account and region.
 * ListResources and ListPrincipals, from the owner's side (SELF) or the recipient's (OTHER-ACCOUNTS).
 * RAM documents no default page size; 100 here, so a client that omits maxResults shows in the counts.
 */
const VAULT_TYPE = "backup:BackupVault";
const DEFAULT_PAGE = 100;
const owner = { shape: str({ enum: ["SELF", "OTHER-ACCOUNTS"] }), required: true };
const paging = { nextToken: { shape: str() }, maxResults: { shape: int(1, 500) } };

interface Shared {
  vault: VaultRt;
  share: VaultShare;
  ownerId: string;
}

/** The shares the caller owns (SELF) or receives (OTHER-ACCOUNTS) in its region, vault by vault. */
function sharesOf(ctx: OpContext, resourceOwner: unknown): Shared[] {
  const s = ctx.state;
  const vaults =
    resourceOwner === "SELF"
      ? unitOf(ctx).vaults.map((v) => s.vaults[v] as VaultRt)
      : s.vaults.filter((v) => s.units[v.unit]?.region === ctx.region && sharedWith(s, v, ctx.caller.accountId));
  return vaults
    .filter((v) => v.share !== null)
    .map((vault) => ({ vault, share: vault.share!, ownerId: s.units[vault.unit]!.accountId }));
}

function checkResourceType(type: unknown, error: "InvalidResourceTypeException" | "InvalidParameterException") {
  if (type !== undefined && !/^[a-z0-9-]+:[A-Za-z0-9-]+$/.test(type as string))
    throw new SimError(
      error,
      error === "InvalidResourceTypeException"
        ? `The specified resource type ${String(type)} is not valid.`
        : `The specified value for resourceType (${String(type)}) is not valid.`,
      400,
    );
}

/** RAM resource types are case-insensitive ("backup:backupvault" names vaults too). */
const isVaultType = (type: unknown) => type === undefined || String(type).toLowerCase() === VAULT_TYPE.toLowerCase();

function checkArns(arns: unknown[] | undefined, pattern: RegExp) {
  for (const arn of arns ?? [])
    if (!pattern.test(arn as string))
      throw new SimError("MalformedArnException", `The format of the ARN ${String(arn)} is not valid.`, 400);
}
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/;
const SHARE_ARN = /^arn:aws[a-z-]*:ram:[a-z0-9-]+:\d{12}:resource-share\/[0-9a-f-]+$/;

/** A principal is outside the owner's organization; for a recipient, the owner is outside its organization. */
function ownerExternal(state: SimState, ownerId: string): boolean {
  return !state.org.accounts.has(ownerId);
}

const listResources: Operation = {
  service: "ram",
  name: "ListResources",
  klass: "list",
  http: { method: "POST", uri: "/listresources" },
  input: {
    resourceOwner: owner,
    principal: { shape: str() },
    resourceType: { shape: str() },
    resourceArns: { shape: list(str()) },
    resourceShareArns: { shape: list(str()) },
    ...paging,
    resourceRegionScope: { shape: str({ enum: ["ALL", "REGIONAL", "GLOBAL"] }) },
  },
  run(ctx, i) {
    checkResourceType(i.resourceType, "InvalidResourceTypeException");
    checkArns(i.resourceArns as unknown[] | undefined, ANY_ARN);
    checkArns(i.resourceShareArns as unknown[] | undefined, SHARE_ARN);
    const self = i.resourceOwner === "SELF";
    const arns = i.resourceArns as string[] | undefined;
    const shareArns = i.resourceShareArns as string[] | undefined;
    // Vaults are regional resources: a GLOBAL scope lists none of them.
    const shares =
      !isVaultType(i.resourceType) || i.resourceRegionScope === "GLOBAL"
        ? []
        : sharesOf(ctx, i.resourceOwner).filter(
            ({ vault, share, ownerId }) =>
              (!arns || arns.includes(vault.arn)) &&
              (!shareArns || shareArns.includes(share.arn)) &&
              (i.principal === undefined ||
                (self ? share.principals.some((p) => p.id === i.principal) : ownerId === i.principal)),
          );
    const filters = Object.entries(i).filter(([k]) => k !== "nextToken" && k !== "maxResults");
    const p = page(
      ctx,
      "ram",
      ["ListResources", ...filters],
      i.nextToken,
      (i.maxResults as number | undefined) ?? DEFAULT_PAGE,
      shares.length,
      (k) => {
        const { vault, share } = shares[k]!;
        return {
          arn: vault.arn,
          type: VAULT_TYPE,
          resourceShareArn: share.arn,
          status: "AVAILABLE",
          creationTime: at(share.created),
          lastUpdatedTime: at(share.created),
          resourceRegionScope: "REGIONAL",
        };
      },
    );
    return { resources: p.items, nextToken: p.next };
  },
};

const listPrincipals: Operation = {
  service: "ram",
  name: "ListPrincipals",
  klass: "list",
  http: { method: "POST", uri: "/listprincipals" },
  input: {
    resourceOwner: owner,
    resourceArn: { shape: str() },
    principals: { shape: list(str()) },
    resourceType: { shape: str() },
    resourceShareArns: { shape: list(str()) },
    ...paging,
  },
  run(ctx, i) {
    checkResourceType(i.resourceType, "InvalidParameterException");
    checkArns(i.resourceArn === undefined ? [] : [i.resourceArn], ANY_ARN);
    checkArns(i.resourceShareArns as unknown[] | undefined, SHARE_ARN);
    const wanted = i.principals as string[] | undefined;
    const shareArns = i.resourceShareArns as string[] | undefined;
    const rows = !isVaultType(i.resourceType)
      ? []
      : sharesOf(ctx, i.resourceOwner)
          .filter(
            ({ vault, share }) =>
              (i.resourceArn === undefined || vault.arn === i.resourceArn) &&
              (!shareArns || shareArns.includes(share.arn)),
          )
          // The owner sees who it shares with; a recipient sees the accounts sharing with it.
          .flatMap(({ share, ownerId }) =>
            i.resourceOwner === "SELF"
              ? share.principals.map((p) => ({ share, id: p.id, external: p.external }))
              : [{ share, id: ownerId, external: ownerExternal(ctx.state, ownerId) }],
          )
          .filter((r) => !wanted || wanted.includes(r.id));
    const filters = Object.entries(i).filter(([k]) => k !== "nextToken" && k !== "maxResults");
    const p = page(
      ctx,
      "ram",
      ["ListPrincipals", ...filters],
      i.nextToken,
      (i.maxResults as number | undefined) ?? DEFAULT_PAGE,
      rows.length,
      (k) => {
        const r = rows[k]!;
        return {
          id: r.id,
          resourceShareArn: r.share.arn,
          creationTime: at(r.share.created),
          lastUpdatedTime: at(r.share.created),
          external: r.external,
        };
      },
    );
    return { principals: p.items, nextToken: p.next };
  },
};

export const ramOperations: Operation[] = [listResources, listPrincipals];
