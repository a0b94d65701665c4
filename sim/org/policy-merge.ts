/**
 * Effective management policy (backup policies) from the policies attached along an account's
 * path: root → OUs → account. Written from the Organizations user guide ("Inheritance operators",
 * "Backup policy examples"), independently of lib/, so the two can check each other:
 * - @@assign replaces (scalars and arrays), @@append adds to arrays, @@remove removes from arrays;
 * - @@operators_allowed_for_child_policies (["@@all"], a subset, or ["@@none"]) restricts what
 *   policies attached lower in the tree may do to that setting and everything under it; a child
 *   can only narrow it. A restriction binds policies at lower levels, not siblings at its level;
 * - a child may add a setting that its parents do not have only where @@assign or @@append is
 *   still allowed on the parent setting (so ["@@append"] on "plans" lets children add plans but
 *   not change inherited ones); settings a child may not change are silently ignored, as AWS does;
 * - the effective policy is rendered without operators; $account/$region stay as written;
 * - policies attached to one node are evaluated in attachment order and the first one's @@assign
 *   wins ("Inheritance examples", example 6); their child-control operators intersect whatever the
 *   order (example 5);
 * - @@remove removes inherited values "if they exist": with nothing inherited it creates nothing;
 * - policy keys are not case sensitive ("Tag policy syntax"), and AWS shows them in lower case in
 *   the effective policy ("Viewing effective backup policies": "pii_backup_plan", "hourly").
 */
export type Operator = "@@assign" | "@@append" | "@@remove";
const ALL: readonly Operator[] = ["@@assign", "@@append", "@@remove"];
const CHILD_CONTROL = "@@operators_allowed_for_child_policies";

interface Node {
  value: unknown;
  children: Map<string, Node>;
  allowed: Set<Operator>;
}

const newNode = (allowed: Set<Operator>): Node => ({
  value: undefined,
  children: new Map(),
  allowed: new Set(allowed),
});

/**
 * Merges the policy documents level by level (each level: the documents attached to one node,
 * in attachment order) and returns the effective document, or undefined when nothing applies.
 */
export function mergePolicies(levels: readonly (readonly unknown[])[]): Record<string, unknown> | undefined {
  const root = newNode(new Set(ALL));
  let any = false;
  for (const docs of levels) {
    const level: LevelState = { pending: [], assigned: new Set() };
    for (const doc of docs) {
      if (!isObject(doc)) continue;
      any = true;
      mergeInto(root, doc, false, level);
    }
    for (const [node, allowed] of level.pending) restrict(node, allowed);
  }
  if (!any) return undefined;
  const plain = render(root);
  return isObject(plain) ? plain : {};
}

/** One level's merge: restrictions for the levels below, and the settings already assigned at this level. */
interface LevelState {
  pending: [Node, Set<Operator>][];
  assigned: Set<Node>;
}

function mergeInto(node: Node, doc: Record<string, unknown>, fresh: boolean, level: LevelState): void {
  for (const [rawKey, raw] of Object.entries(doc)) {
    if (rawKey === CHILD_CONTROL) {
      level.pending.push([node, parseAllowed(raw)]);
      continue;
    }
    if (rawKey === "@@assign" || rawKey === "@@append" || rawKey === "@@remove") {
      if (fresh || node.allowed.has(rawKey)) apply(node, rawKey, raw, level);
      continue;
    }
    const key = rawKey.toLowerCase();
    let child = node.children.get(key);
    // A node holding nothing yet (one that only carried a restriction) is still to be added.
    const created = !child || holdsNothing(child);
    if (created && !fresh && !node.allowed.has("@@assign") && !node.allowed.has("@@append")) continue;
    if (!child) {
      child = newNode(node.allowed);
      // Kept even while empty, so a restriction declared on it still reaches the levels below.
      node.children.set(key, child);
    }
    if (isObject(raw)) {
      mergeInto(child, raw, fresh || created, level);
    } else if (fresh || created || child.allowed.has("@@assign")) {
      // A bare value (no operator) behaves as @@assign; CreatePolicy rejects most of these anyway.
      child.value = clone(raw);
    }
  }
}

function apply(node: Node, op: Operator, raw: unknown, level: LevelState): void {
  if (op === "@@assign") {
    if (level.assigned.has(node)) return;
    level.assigned.add(node);
    node.value = clone(raw);
    return;
  }
  if (!Array.isArray(raw)) return; // @@append and @@remove apply to multi-valued settings only
  if (op === "@@remove" && node.value === undefined) return;
  const current = Array.isArray(node.value) ? node.value : node.value === undefined ? [] : undefined;
  if (!current) return;
  const key = (v: unknown) => JSON.stringify(v);
  if (op === "@@append") {
    const seen = new Set(current.map(key));
    node.value = [...current, ...raw.filter((v) => !seen.has(key(v)))];
  } else {
    const drop = new Set(raw.map(key));
    node.value = current.filter((v) => !drop.has(key(v)));
  }
}

function holdsNothing(node: Node): boolean {
  return node.value === undefined && [...node.children.values()].every(holdsNothing);
}

function restrict(node: Node, allowed: Set<Operator>): void {
  for (const op of [...node.allowed]) if (!allowed.has(op)) node.allowed.delete(op);
  for (const child of node.children.values()) restrict(child, allowed);
}

function parseAllowed(raw: unknown): Set<Operator> {
  const list = Array.isArray(raw) ? raw : [];
  if (list.includes("@@all")) return new Set(ALL);
  return new Set(list.filter((v): v is Operator => (ALL as readonly unknown[]).includes(v)));
}

function render(node: Node): unknown {
  if (node.children.size === 0) return node.value;
  const out: Record<string, unknown> = {};
  for (const [k, child] of node.children) {
    const v = render(child);
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
