// Our effective policy of an account against the one AWS reports (DescribeEffectivePolicy), from
// what the sync stored: the policies, where they are attached, and their order on each target.
import { computeEffectivePolicy, NOT_FOUND, type EffectivePolicyResult } from "./effective";

export interface AttachedPolicy {
  policyId: string;
  content: string;
  targets: string[];
  /** Per target, the policy's place among the backup policies attached there (empty: not read). */
  targetPositions: number[];
}

export interface PolicyChain {
  /** The documents attached from the root down to the account, each level in attachment order. */
  levels: string[][];
  policyIds: string[][];
  /** False when a target holds two or more policies whose order the sync did not read. */
  orderKnown: boolean;
}

/** `path`: the root, the OUs and the account, root first. */
export function buildPolicyChain(path: readonly string[], policies: readonly AttachedPolicy[]): PolicyChain {
  let orderKnown = true;
  const levels: string[][] = [];
  const policyIds: string[][] = [];
  for (const target of path) {
    const here = policies
      .filter((p) => p.targets.includes(target))
      .map((p) => ({
        p,
        place: p.targetPositions.length === p.targets.length ? p.targetPositions[p.targets.indexOf(target)] : undefined,
      }));
    if (here.length > 1 && here.some((x) => x.place === undefined)) orderKnown = false;
    here.sort((a, b) => (a.place ?? Infinity) - (b.place ?? Infinity) || a.p.policyId.localeCompare(b.p.policyId));
    levels.push(here.map((x) => x.p.content));
    policyIds.push(here.map((x) => x.p.policyId));
  }
  return { levels, policyIds, orderKnown };
}

/** The local effective policy; without BACKUP_POLICY enabled on the root nothing applies, as AWS says. */
export function computeStoredEffectivePolicy(
  chain: PolicyChain,
  backupPoliciesEnabled: boolean,
): EffectivePolicyResult {
  return computeEffectivePolicy(backupPoliciesEnabled ? chain.levels : []);
}

export type Comparison = { agree: true } | { agree: false; difference: string };

/**
 * Ours against AWS's PolicyContent (null: EffectivePolicyNotFoundException), compared as parsed
 * JSON: AWS's key order and whitespace are not ours to match.
 */
export function compareEffectivePolicies(ours: EffectivePolicyResult, aws: string | null): Comparison {
  if (aws === null)
    return !ours.ok && ours.error.code === NOT_FOUND
      ? { agree: true }
      : { agree: false, difference: "AWS finds no effective policy; we do" };
  if (!ours.ok)
    return {
      agree: false,
      difference: `AWS has an effective policy; we have ${ours.error.code}: ${ours.error.message}`,
    };
  let theirs: unknown;
  try {
    theirs = JSON.parse(aws);
  } catch {
    return { agree: false, difference: "AWS's PolicyContent is not JSON" };
  }
  const at = firstDifference(ours.policy, theirs, "$");
  return at === null ? { agree: true } : { agree: false, difference: at };
}

/** The first place (a JSON path) where two values differ, or null; object key order is ignored. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      return `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in a)) return `${path}.${k}: only in AWS's`;
      if (!(k in b)) return `${path}.${k}: only in ours`;
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
