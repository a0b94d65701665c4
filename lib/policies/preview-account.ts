// One account's part of a preview: its effective policy before and after as texts and as a diff,
// whether our "before" agrees with what AWS reported at the last sync, the validation AWS would
// apply to the merged policy, and the pre-flight of every Region the new policy's plans name.
import type { EffectiveBackupPolicy } from "@/lib/inventory/types";
import { documentDifferences, type Difference } from "./drift-diff";
import { NOT_FOUND, type EffectivePolicyResult } from "./effective";
import { compareEffectivePolicies } from "./effective-check";
import type { PolicyError } from "./errors";
import type { JsonObject } from "./parse";
import { materialisePolicyPlans } from "./plan-materialize";
import type { AccountChains } from "./preview-chains";
import { preflightUnit, type PreflightInventory, type PreflightUnit } from "./preview-preflight";
import type { AccountProspect } from "./preview-prospect";
import { sameDocument } from "./preview-prospect";
import { validateEffectivePolicy } from "./validate";

export interface EffectiveSide {
  /** The effective policy, pretty-printed; null when no backup policy applies. */
  text: string | null;
  /** Why there is none, when it is not simply "nothing attached" (a document that does not merge). */
  error: PolicyError | null;
  /** Policy ids attached at each level, root first. */
  policyIds: string[][];
}

export interface PolicyDiff {
  added: Difference[];
  removed: Difference[];
  changed: Difference[];
  truncated: boolean;
}

export type EffectiveChange = "added" | "removed" | "changed" | "unchanged";

export interface AccountPreview {
  accountId: string;
  name: string;
  state: string;
  ouPathBefore: string[];
  ouPathAfter: string[];
  change: EffectiveChange;
  before: EffectiveSide;
  after: EffectiveSide;
  diff: PolicyDiff;
  /** Our "before" against AWS's DescribeEffectivePolicy at the last sync; null when that was not read. */
  awsAgrees: boolean | null;
  awsDifference: string | null;
  /** False when a target holds policies whose order the sync did not read (the merge may then differ). */
  orderKnown: boolean;
  /** What ListEffectivePolicyValidationErrors would list for the new effective policy. */
  validation: PolicyError[];
  preflight: PreflightUnit[];
}

const DIFF_LIMIT = 200;

function sideOf(result: EffectivePolicyResult, policyIds: string[][]): EffectiveSide {
  if (result.ok) return { text: JSON.stringify(result.policy, null, 2), error: null, policyIds };
  return { text: null, error: result.error.code === NOT_FOUND ? null : result.error, policyIds };
}

/** Added, removed and changed JSON paths from one effective policy to the other (no policy reads as {}). */
export function diffEffective(before: string | null, after: string | null): PolicyDiff {
  const { differences, truncated } = documentDifferences(before ?? "{}", after ?? "{}", DIFF_LIMIT);
  return {
    added: differences.filter((d) => d.intended === null),
    removed: differences.filter((d) => d.aws === null),
    changed: differences.filter((d) => d.intended !== null && d.aws !== null),
    truncated,
  };
}

/** Regions the plans of an effective policy name. */
export function planRegions(effective: JsonObject | null): string[] {
  const plans = effective?.plans;
  if (typeof plans !== "object" || plans === null || Array.isArray(plans)) return [];
  const out = new Set<string>();
  for (const p of Object.values(plans)) {
    const regions = typeof p === "object" && p !== null && !Array.isArray(p) ? p.regions : undefined;
    if (Array.isArray(regions)) for (const r of regions) if (typeof r === "string") out.add(r);
  }
  return [...out].sort();
}

export function previewAccount(
  c: AccountChains,
  awsEffective: readonly EffectiveBackupPolicy[] | null,
  inventory: PreflightInventory,
): { preview: AccountPreview; prospect: AccountProspect } {
  const before = c.before.effective.ok ? c.before.effective.policy : null;
  const after = c.after.effective.ok ? c.after.effective.policy : null;
  const change: EffectiveChange = sameDocument(before, after)
    ? "unchanged"
    : before === null
      ? "added"
      : after === null
        ? "removed"
        : "changed";
  let awsAgrees: boolean | null = null;
  let awsDifference: string | null = null;
  if (awsEffective) {
    const cmp = compareEffectivePolicies(
      c.before.effective,
      awsEffective.find((e) => e.accountId === c.accountId)?.content ?? null,
    );
    awsAgrees = cmp.agree;
    awsDifference = cmp.agree ? null : cmp.difference;
  }
  const beforeSide = sideOf(c.before.effective, c.before.chain.policyIds);
  const afterSide = sideOf(c.after.effective, c.after.chain.policyIds);
  const preflight = after
    ? planRegions(after).map((region) =>
        preflightUnit(inventory, c.accountId, region, materialisePolicyPlans(after, c.accountId, region)),
      )
    : [];
  return {
    preview: {
      accountId: c.accountId,
      name: c.name,
      state: c.state,
      ouPathBefore: [...c.ouPathBefore],
      ouPathAfter: [...c.ouPathAfter],
      change,
      before: beforeSide,
      after: afterSide,
      diff: diffEffective(beforeSide.text, afterSide.text),
      awsAgrees,
      awsDifference,
      orderKnown: c.before.chain.orderKnown && c.after.chain.orderKnown,
      validation: after ? validateEffectivePolicy(after) : [],
      preflight,
    },
    prospect: { accountId: c.accountId, after, changed: change !== "unchanged", ouPathAfter: c.ouPathAfter },
  };
}
