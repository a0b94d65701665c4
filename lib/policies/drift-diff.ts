// Drift of one managed policy: our intended version (the last one pushed) against what AWS holds
// now (the policy the last sync read, found by the AWS policy id the push recorded). Pure, so the
// drift page and BK-17 judge alike. Documents are compared as parsed JSON with keys folded to lower
// case (AWS treats policy keys case-insensitively and may re-serialise the text), so only a change
// of meaning counts, and each one is reported by its JSON path.
import { childPath } from "./errors";

/** The last pushed version of a managed policy, as the evaluation and the drift page need it. */
export interface ManagedPolicyIntent {
  /** Our managed policy id. */
  policyId: string;
  name: string;
  /** Recorded at push (CreatePolicy, or found again by its tags). */
  awsPolicyId: string;
  version: number;
  content: string;
  targets: readonly string[];
  pushedAt: Date | null;
  /**
   * Whether the Organizations data the comparison reads was read after this push (the read's run
   * started after it). Until then AWS's content in the database may predate the push, which is no drift.
   */
  awsReadSincePush: boolean;
}

/** The policy as the last sync read it from AWS. */
export interface AwsPolicyNow {
  policyId: string;
  content: string;
  targets: readonly string[];
}

export interface Difference {
  /** JSONPath-like, keys in lower case: `$.plans.daily.rules.daily.lifecycle.delete_after_days`. */
  path: string;
  /** The value at the path as JSON text (truncated), null where it is absent. */
  intended: string | null;
  aws: string | null;
}

export type PolicyDriftStatus = "in-sync" | "drifted" | "missing" | "awaiting-sync" | "not-read";

export interface PolicyDrift {
  status: PolicyDriftStatus;
  /** What AWS's content changed (empty when only the attachments differ). */
  differences: Difference[];
  /** More differences than listed. */
  truncated: boolean;
  /** Targets AWS has the policy on that our version does not name. */
  attachedOutside: string[];
  /** Targets our version names that AWS has not got it on. */
  detachedOutside: string[];
  /** Regions whose plans the content change touches; null: every region (a change outside plans, or unknown). */
  regions: string[] | null;
}

export const MAX_DIFFERENCES = 20;
const VALUE_CHARS = 120;

type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

/** JSON with object keys folded to lower case (a later duplicate after folding wins, as AWS's merge does). */
function fold(v: unknown): Value {
  if (Array.isArray(v)) return v.map(fold);
  if (typeof v === "object" && v !== null)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), fold(x)]));
  return v as Value;
}

function parse(text: string): Value | undefined {
  try {
    return fold(JSON.parse(text));
  } catch {
    return undefined;
  }
}

const show = (v: Value | undefined): string | null => {
  if (v === undefined) return null;
  const s = JSON.stringify(v);
  return s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS - 1)}…` : s;
};

const isObject = (v: Value | undefined): v is { [k: string]: Value } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every path where two documents differ (arrays compare whole: order matters in regions and tag values). */
export function documentDifferences(
  intended: string,
  aws: string,
  limit = MAX_DIFFERENCES,
): { differences: Difference[]; truncated: boolean } {
  const a = parse(intended);
  const b = parse(aws);
  const out: Difference[] = [];
  let truncated = false;
  const add = (path: string, x: Value | undefined, y: Value | undefined) => {
    if (out.length >= limit) truncated = true;
    else out.push({ path, intended: show(x), aws: show(y) });
  };
  if (a === undefined || b === undefined) {
    if (a === undefined && b === undefined ? intended !== aws : true) add("$", a, b);
    return { differences: out, truncated };
  }
  const walk = (x: Value | undefined, y: Value | undefined, path: string) => {
    if (isObject(x) && isObject(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[k], y[k], childPath(path, k));
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) add(path, x, y);
  };
  walk(a, b, "$");
  return { differences: out, truncated };
}

/** The regions a plan of a policy document names (its `regions` value, whatever the operator); null when unknown. */
function planRegions(doc: Value | undefined, plan: string): string[] | null {
  const plans = isObject(doc) ? doc.plans : undefined;
  const p = isObject(plans) ? plans[plan] : undefined;
  if (p === undefined) return [];
  const r = isObject(p) ? p.regions : undefined;
  // A plan this document changes but whose regions come from another policy: any region.
  if (r === undefined) return null;
  const list = isObject(r) ? (r["@@assign"] ?? r["@@append"]) : r;
  if (isObject(r) && list === undefined) return r["@@remove"] !== undefined ? null : [];
  return Array.isArray(list) && list.every((x) => typeof x === "string") ? (list as string[]) : null;
}

const PLAN_PATH = /^\$\.plans(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[("(?:[^"\\]|\\.)*")\])/;

/**
 * The regions a content change reaches: a change inside plan P reaches P's regions in either
 * document; any other change (a top-level operator, `plans` itself) reaches every region.
 */
export function regionsTouched(differences: readonly Difference[], intended: string, aws: string): string[] | null {
  const a = parse(intended);
  const b = parse(aws);
  const regions = new Set<string>();
  for (const d of differences) {
    const m = PLAN_PATH.exec(d.path);
    if (!m) return null;
    const plan = m[1] ?? (JSON.parse(m[2]!) as string);
    for (const doc of [a, b]) {
      const r = planRegions(doc, plan);
      if (r === null) return null;
      for (const x of r) regions.add(x);
    }
  }
  return [...regions].sort();
}

/**
 * One managed policy against AWS. `orgRead`: the organization's policies were read by the last
 * sync (otherwise nothing is known). A policy absent from that read was deleted outside the product.
 */
export function comparePolicy(
  intent: ManagedPolicyIntent,
  aws: AwsPolicyNow | undefined,
  orgRead: boolean,
): PolicyDrift {
  const none: PolicyDrift = {
    status: "in-sync",
    differences: [],
    truncated: false,
    attachedOutside: [],
    detachedOutside: [],
    regions: [],
  };
  if (!orgRead) return { ...none, status: "not-read" };
  if (!intent.awsReadSincePush) return { ...none, status: "awaiting-sync" };
  if (!aws) return { ...none, status: "missing", detachedOutside: [...intent.targets], regions: null };
  const { differences, truncated } = documentDifferences(intent.content, aws.content);
  const attachedOutside = aws.targets.filter((t) => !intent.targets.includes(t)).sort();
  const detachedOutside = intent.targets.filter((t) => !aws.targets.includes(t)).sort();
  const drifted = differences.length > 0 || attachedOutside.length > 0 || detachedOutside.length > 0;
  return {
    status: drifted ? "drifted" : "in-sync",
    differences,
    truncated,
    attachedOutside,
    detachedOutside,
    regions: differences.length ? (truncated ? null : regionsTouched(differences, intent.content, aws.content)) : [],
  };
}

export interface ChainDrift {
  intent: ManagedPolicyIntent;
  drift: PolicyDrift;
  /** What differs for this account and region, in words. */
  reason: string;
}

const pathsOf = (d: PolicyDrift) =>
  `${d.differences
    .slice(0, 3)
    .map((x) => x.path)
    .join(", ")}${d.differences.length > 3 || d.truncated ? ", …" : ""}`;

/**
 * The drift of managed policies that reaches one account in one region. `chain`: the root, the OUs
 * and the account (root first); `awsTargets`: where AWS has each policy now (by AWS policy id).
 * A content change counts where AWS attaches the policy in the chain and the change touches the
 * region; an attachment made or removed outside the product counts where its target is in the chain.
 */
export function chainDrift(
  chain: readonly string[],
  region: string,
  policies: ReadonlyArray<{ intent: ManagedPolicyIntent; drift: PolicyDrift; awsTargets: readonly string[] }>,
): ChainDrift[] {
  const out: ChainDrift[] = [];
  const inChain = (targets: readonly string[]) => targets.filter((t) => chain.includes(t));
  for (const { intent, drift, awsTargets } of policies) {
    if (drift.status === "missing" && inChain(intent.targets).length) {
      out.push({ intent, drift, reason: `${intent.name} (version ${intent.version}) was deleted outside the product` });
      continue;
    }
    if (drift.status !== "drifted") continue;
    const reasons: string[] = [];
    const reached = inChain(awsTargets);
    if (drift.differences.length && reached.length && (drift.regions === null || drift.regions.includes(region))) {
      reasons.push(`${intent.name}'s content in AWS differs from version ${intent.version} at ${pathsOf(drift)}`);
    }
    const added = inChain(drift.attachedOutside);
    if (added.length) reasons.push(`${intent.name} was attached to ${added.join(", ")} outside the product`);
    const removed = inChain(drift.detachedOutside);
    if (removed.length) reasons.push(`${intent.name} was detached from ${removed.join(", ")} outside the product`);
    if (reasons.length) out.push({ intent, drift, reason: reasons.join("; ") });
  }
  return out;
}
