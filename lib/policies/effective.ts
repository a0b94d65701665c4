// The effective BACKUP_POLICY of an account, computed locally from the documents attached from the
// root down to the account, as DescribeEffectivePolicy's PolicyContent holds it. Written from the
// Organizations User Guide, not from the simulator (each checks the other):
// - "Inheritance operators" (policy-operators.html): @@assign overwrites (arrays: replaces), @@append
//   adds to an inherited array, @@remove removes inherited values "if they exist";
//   @@operators_allowed_for_child_policies limits the operators of *all* child policies, and "you
//   can't reverse that rule in a child policy".
// - "Inheritance examples" (inheritance-examples.html): a child's disallowed operation is ignored
//   (example 4); child-control operators of policies attached to one target intersect (example 5);
//   policies attached to one target are evaluated in attachment order and the first one's @@assign
//   wins (example 6).
// - "Backup policy syntax and examples", example 3 (@@none on a container means "a child policy can't
//   make changes of any kind" within it, so a restriction covers what lies under it) and example 4
//   (@@append on `plans` lets a child add a plan, and what it adds is its own, taken as written).
// - "Tag policy syntax": policy keys are not case sensitive; every effective policy AWS shows has its
//   keys in lower case (the describe-effective-policy output on "Viewing effective backup policies":
//   "pii_backup_plan", "hourly"), values as written, and `$account`/`$region` left in place (AWS
//   substitutes them when it materialises plans, not in the effective policy).
import { childPath, policyError, type PolicyError } from "./errors";
import { parsePolicyText, type Json, type JsonObject } from "./parse";
import { validateDocument } from "./validate";

export type EffectivePolicyResult =
  { ok: true; content: string; policy: JsonObject } | { ok: false; error: PolicyError };

/** DescribeEffectivePolicy's error when no policy of the type applies to the account. */
export const NOT_FOUND = "EffectivePolicyNotFoundException";

type Op = "@@assign" | "@@append" | "@@remove";
const OPS: readonly Op[] = ["@@assign", "@@append", "@@remove"];
const CHILD_CONTROL = "@@operators_allowed_for_child_policies";
const ALL: ReadonlySet<Op> = new Set(OPS);

interface Container {
  kind: "container";
  children: Map<string, Tree>;
}
type Tree = Container | { kind: "leaf"; value: Json };

/** What one level's merge works on: the tree so far and the restrictions set by the levels above. */
interface Level {
  root: Container;
  /** Restrictions from the levels above, by node (key: lower-case path); they cover the node's subtree. */
  locks: Map<string, ReadonlySet<Op>>;
  /** Restrictions declared at this level: they bind the levels below, not this level's other policies. */
  pending: Map<string, ReadonlySet<Op>>;
  /** Settings assigned by an earlier policy of this level: the first one attached wins. */
  assigned: Set<string>;
}

class MergeFailure extends Error {
  constructor(readonly error: PolicyError) {
    super(error.message);
  }
}

/**
 * The effective policy from the documents' exact text, `levels[0]` the root's and the last the
 * account's, each level's documents in attachment order. An empty chain is AWS's
 * EffectivePolicyNotFoundException; a document that does not parse is its parse error.
 * `validateDocuments`: also refuse a document CreatePolicy would refuse, with its first error (for
 * documents a user wrote; those read back from AWS were accepted already).
 */
export function computeEffectivePolicy(
  levels: readonly (readonly string[])[],
  options: { validateDocuments?: boolean } = {},
): EffectivePolicyResult {
  const docs: JsonObject[][] = [];
  for (const [i, level] of levels.entries()) {
    const parsed: JsonObject[] = [];
    for (const [j, text] of level.entries()) {
      const r = parsePolicyText(text);
      const error = !r.ok ? r.error : options.validateDocuments ? validateDocument(r.value)[0] : undefined;
      if (error)
        return { ok: false, error: { ...error, message: `${describeSlot(levels.length, i, j)}: ${error.message}` } };
      if (r.ok) parsed.push(r.value);
    }
    docs.push(parsed);
  }
  return mergePolicyChain(docs);
}

/** The same from parsed documents. */
export function mergePolicyChain(levels: readonly (readonly JsonObject[])[]): EffectivePolicyResult {
  if (levels.every((l) => l.length === 0)) {
    return {
      ok: false,
      error: policyError(
        NOT_FOUND,
        "NO_POLICY_ATTACHED",
        "No backup policy is attached to the account, its OUs or the root, so the account has no effective backup policy.",
        "$",
      ),
    };
  }
  let state: Level = { root: container(), locks: new Map(), pending: new Map(), assigned: new Set() };
  try {
    for (const [i, level] of levels.entries()) {
      for (const [j, doc] of level.entries()) {
        const allowed = narrow(ALL, state.locks.get(""));
        applyContainer(state, state.root, doc, [], allowed, { slot: describeSlot(levels.length, i, j), path: "$" });
      }
      state = { root: state.root, locks: commitLocks(state), pending: new Map(), assigned: new Set() };
    }
  } catch (e) {
    if (e instanceof MergeFailure) return { ok: false, error: e.error };
    throw e;
  }
  const policy = toPlain(state.root);
  return { ok: true, policy, content: JSON.stringify(policy) };
}

interface Where {
  slot: string;
  /** The path as written in the document, for errors. */
  path: string;
}

function applyContainer(
  s: Level,
  node: Container,
  doc: JsonObject,
  segs: string[],
  allowed: ReadonlySet<Op>,
  at: Where,
): void {
  declare(s, segs, doc, at);
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith("@@")) continue;
    const name = key.toLowerCase();
    const childSegs = [...segs, name];
    const childAt = { slot: at.slot, path: childPath(at.path, key) };
    const body = asObject(value, childAt);
    const existing = node.children.get(name);
    if (existing === undefined) {
      // A key the levels above did not define is added to its container, which @@assign and @@append
      // both do ("if the specified setting isn't inherited, this operator adds it"): so @@append on
      // `plans` lets a child add a plan (backup example 4), and @@none lets it add nothing.
      if (allowed.has("@@append") || allowed.has("@@assign")) {
        const created = materialize(s, body, childSegs, childAt);
        if (created) node.children.set(name, created);
      }
      continue;
    }
    const childAllowed = narrow(allowed, s.locks.get(pathKey(childSegs)));
    if (isSetting(body)) applySetting(s, node, name, existing, body, childSegs, childAllowed, childAt);
    else if (existing.kind === "container") applyContainer(s, existing, body, childSegs, childAllowed, childAt);
    else declare(s, childSegs, body, childAt);
  }
}

/** A setting (an object with value-setting operators) applied to what the levels above left. */
function applySetting(
  s: Level,
  parent: Container,
  name: string,
  existing: Tree,
  body: JsonObject,
  segs: string[],
  allowed: ReadonlySet<Op>,
  at: Where,
): void {
  declare(s, segs, body, at);
  const key = pathKey(segs);
  let value: Json | undefined = existing.kind === "leaf" ? existing.value : toPlain(existing);
  let changed = false;
  // Operators the restrictions above do not allow are ignored, as AWS ignores them (inheritance example 4).
  if ("@@assign" in body && allowed.has("@@assign") && !s.assigned.has(key)) {
    value = structuredClone(body["@@assign"]!);
    s.assigned.add(key);
    changed = true;
  }
  if ("@@append" in body && allowed.has("@@append")) {
    value = appendValues(value, body["@@append"]!);
    changed = true;
  }
  if ("@@remove" in body && allowed.has("@@remove")) {
    value = removeValues(value, body["@@remove"]!);
    changed = true;
  }
  if (!changed) return;
  if (value === undefined) parent.children.delete(name);
  else parent.children.set(name, { kind: "leaf", value });
}

/** A subtree no level above defined: nothing inherited to protect, so it is taken as written. */
function materialize(s: Level, body: JsonObject, segs: string[], at: Where): Tree | undefined {
  declare(s, segs, body, at);
  if (isSetting(body)) {
    let value: Json | undefined;
    if ("@@assign" in body) {
      value = structuredClone(body["@@assign"]!);
      s.assigned.add(pathKey(segs));
    }
    if ("@@append" in body) value = appendValues(value, body["@@append"]!);
    // @@remove of a value that was never inherited removes nothing ("if they exist").
    if ("@@remove" in body) value = removeValues(value, body["@@remove"]!);
    return value === undefined ? undefined : { kind: "leaf", value };
  }
  const node = container();
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith("@@")) continue;
    const name = key.toLowerCase();
    const childAt = { slot: at.slot, path: childPath(at.path, key) };
    const existing = node.children.get(name);
    const child = asObject(value, childAt);
    // Two keys differing only in case are one key to AWS: the second merges into the first.
    if (existing?.kind === "container" && !isSetting(child))
      applyContainer(s, existing, child, [...segs, name], ALL, childAt);
    else if (existing)
      applySetting(s, node, name, existing, isSetting(child) ? child : {}, [...segs, name], ALL, childAt);
    else {
      const created = materialize(s, child, [...segs, name], childAt);
      if (created) node.children.set(name, created);
    }
  }
  // A container with nothing in it (only a restriction, say) adds nothing; its restriction still counts.
  return node.children.size > 0 ? node : undefined;
}

/** Records a node's @@operators_allowed_for_child_policies for the levels below. */
function declare(s: Level, segs: string[], body: JsonObject, at: Where): void {
  if (!(CHILD_CONTROL in body)) return;
  const declared = readChildControl(body[CHILD_CONTROL]!, { slot: at.slot, path: childPath(at.path, CHILD_CONTROL) });
  const key = pathKey(segs);
  // Two policies on one target: the intersection of what they allow (inheritance example 5).
  s.pending.set(key, narrow(s.pending.get(key) ?? ALL, declared));
}

/** The restrictions the next level inherits: never widened, only narrowed ("can't reverse that rule"). */
function commitLocks(s: Level): Map<string, ReadonlySet<Op>> {
  const locks = new Map(s.locks);
  for (const [key, set] of s.pending) locks.set(key, narrow(locks.get(key) ?? ALL, set));
  return locks;
}

function readChildControl(v: Json, at: Where): ReadonlySet<Op> {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new MergeFailure(
      policyError(
        "MalformedPolicyDocumentException",
        "INVALID_CHILD_CONTROL",
        `${at.slot}: ${CHILD_CONTROL} must be a list of operators, such as ["@@append"], ["@@all"] or ["@@none"].`,
        at.path,
      ),
    );
  }
  const names = v as string[];
  if (names.includes("@@none")) return new Set();
  if (names.includes("@@all")) return ALL;
  return new Set(OPS.filter((op) => names.includes(op)));
}

/** @@append: the inherited values plus those not already among them. */
function appendValues(current: Json | undefined, add: Json): Json {
  const out: Json[] = current === undefined ? [] : Array.isArray(current) ? [...current] : [current];
  for (const v of Array.isArray(add) ? add : [add]) if (!out.some((x) => sameJson(x, v))) out.push(structuredClone(v));
  return out;
}

/** @@remove: the inherited values minus the named ones; a value that is absent is no error. */
function removeValues(current: Json | undefined, remove: Json): Json | undefined {
  if (current === undefined) return undefined;
  const gone = Array.isArray(remove) ? remove : [remove];
  if (Array.isArray(current)) return current.filter((x) => !gone.some((g) => sameJson(g, x)));
  return gone.some((g) => sameJson(g, current)) ? undefined : current;
}

function toPlain(node: Container): JsonObject {
  const out: JsonObject = {};
  for (const [key, child] of node.children) {
    Object.defineProperty(out, key, {
      value: child.kind === "leaf" ? child.value : toPlain(child),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function asObject(v: Json, at: Where): JsonObject {
  if (typeof v === "object" && v !== null && !Array.isArray(v)) return v;
  throw new MergeFailure(
    policyError(
      "MalformedPolicyDocumentException",
      "MISSING_OPERATOR",
      `${at.slot}: ${at.path} holds a bare value; a setting's value goes under an operator, e.g. {"@@assign": ${JSON.stringify(v)}}.`,
      at.path,
    ),
  );
}

const isSetting = (o: JsonObject): boolean => OPS.some((op) => op in o);
const container = (): Container => ({ kind: "container", children: new Map() });
const pathKey = (segs: readonly string[]): string => segs.join("\u0000");

/** The allowed operators of a node: its parent's, narrowed by what was declared on the node itself. */
function narrow(allowed: ReadonlySet<Op>, lock: ReadonlySet<Op> | undefined): ReadonlySet<Op> {
  if (!lock || lock.size === OPS.length) return allowed;
  return new Set([...allowed].filter((op) => lock.has(op)));
}

function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]!));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameJson(a[k]!, b[k]!));
}

function describeSlot(levels: number, i: number, j: number): string {
  const where = i === 0 ? "the root" : i === levels - 1 ? "the account" : `OU level ${i}`;
  return `policy ${j + 1} attached to ${where} (level ${i + 1} of ${levels})`;
}
