// Where a template's controls apply: OUs, accounts, regions, resource types, tags. Every list is
// an inclusion list; empty means "all". Tags: a subject matches when it carries any listed
// key (with the listed value when one is given). Subjects without tags (plans, vaults,
// account-regions) are not filtered by tags, since AWS gives us no tags for them.
import { z } from "zod";
import { RESOURCE_TYPES } from "@/lib/inventory/types";

export const tagScopeSchema = z
  .object({
    key: z.string().min(1, "tag key must not be empty").max(128, "tag key is at most 128 characters"),
    value: z.string().max(256, "tag value is at most 256 characters").optional(),
  })
  .strict();

export const scopeSchema = z
  .object({
    ouIds: z
      .array(z.string().regex(/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, "not an OU or root id"))
      .default([]),
    accountIds: z.array(z.string().regex(/^\d{12}$/, "account id must be 12 digits")).default([]),
    regions: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "not an AWS region code")).default([]),
    resourceTypes: z.array(z.enum(RESOURCE_TYPES)).default([]),
    tags: z.array(tagScopeSchema).default([]),
  })
  .strict();

export type Scope = z.infer<typeof scopeSchema>;
export const EMPTY_SCOPE: Scope = { ouIds: [], accountIds: [], regions: [], resourceTypes: [], tags: [] };

export interface ScopeFilter {
  /** False when the scope has no tag filter, so callers can skip looking tags up. */
  readonly filtersTags: boolean;
  account(accountId: string): boolean;
  region(region: string | null): boolean;
  resourceType(type: string | null): boolean;
  tags(tags: Record<string, string> | null): boolean;
}

/** `ouPathOf` gives an account's ancestors (root and OUs); compiled once per run. */
export function compileScope(scope: Scope, ouPathOf: (accountId: string) => readonly string[]): ScopeFilter {
  const accounts = new Set(scope.accountIds);
  const ous = new Set(scope.ouIds);
  const regions = new Set(scope.regions);
  const types = new Set<string>(scope.resourceTypes);
  const accountCache = new Map<string, boolean>();
  return {
    filtersTags: scope.tags.length > 0,
    account(accountId) {
      let v = accountCache.get(accountId);
      if (v === undefined) {
        v =
          (accounts.size === 0 || accounts.has(accountId)) &&
          (ous.size === 0 || ouPathOf(accountId).some((o) => ous.has(o)));
        accountCache.set(accountId, v);
      }
      return v;
    },
    region: (r) => regions.size === 0 || r === null || regions.has(r),
    resourceType: (t) => types.size === 0 || t === null || types.has(t),
    tags(tags) {
      if (scope.tags.length === 0 || tags === null) return true;
      return scope.tags.some((t) => Object.hasOwn(tags, t.key) && (t.value === undefined || tags[t.key] === t.value));
    },
  };
}
