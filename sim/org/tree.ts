import type { OrgState } from "../engine/model";

/** Root-first chain of parent IDs of an account or OU (the root, then each OU down to the direct parent). */
export function ancestors(org: OrgState, id: string): string[] {
  const chain: string[] = [];
  let cur = org.accounts.get(id)?.parent_id ?? org.ous.get(id)?.parentId;
  while (cur) {
    chain.unshift(cur);
    if (cur === org.rootId) break;
    cur = org.ous.get(cur)?.parentId;
  }
  return chain;
}

/** Organizations path strings: o-…/r-…/ou-…/…/ (accounts end with their ID and a slash). */
export function pathOf(org: OrgState, id: string): string {
  return `${org.id}/${[...ancestors(org, id), id].join("/")}/`;
}

export function targetType(org: OrgState, id: string): "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT" | undefined {
  if (id === org.rootId) return "ROOT";
  if (org.ous.has(id)) return "ORGANIZATIONAL_UNIT";
  if (org.accounts.has(id)) return "ACCOUNT";
  return undefined;
}

/** Policy documents (parsed) attached along an account's path, one list per level, root first. */
export function policyLevels(org: OrgState, accountId: string, type: string): unknown[][] {
  return [...ancestors(org, accountId), accountId].map((target) =>
    (org.attachments.get(target) ?? [])
      .map((id) => org.policies.get(id))
      .filter((p) => p !== undefined && p.type === type)
      .map((p) => safeParse(p!.content)),
  );
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
