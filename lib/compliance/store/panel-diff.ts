// What changed in a panel between two evaluations, and how to go back. A finding "changes" when
// its status or its reason changes, or when it appears or disappears; evidence is recorded with
// the change and kept while the finding stays the same (controls phrase reasons so that they do
// not change without a real change: times, not ages).
import { ABSENT_STATUS, statusCode, statusOf, type PanelEntry, type ReverseChange } from "./panel-codec";

/** Two independent 32-bit hashes of a string in one pass (FNV-1a and a multiply-rotate lane). */
function hashString(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x2a6f3c1d;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul((b << 5) | (b >>> 27), 0x5bd1e995) ^ c;
  }
  return [a >>> 0, b >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const reasonHashes = new Map<string, [number, number]>();

/**
 * Order-independent 64-bit digest of (subject, run, status, reason) of every entry: a panel whose
 * digest equals the stored one is not read, decoded or written.
 */
export class PanelDigest {
  private a = 0;
  private b = 0;
  // Subject keys repeat across runs within a panel; reasons repeat across panels (the per-point
  // controls share one string per form): both are hashed once.
  private readonly keyHash = new Map<string, [number, number]>();
  // A subject's findings mostly come in a row (one per run): its hash is not looked up again.
  private lastKey: string | null = null;
  private lastHash: [number, number] = [0, 0];

  add(key: string, runId: number, status: string, reason: string): void {
    let k = this.lastHash;
    if (key !== this.lastKey) {
      k = this.keyHash.get(key)!;
      if (!k) this.keyHash.set(key, (k = hashString(key)));
      this.lastKey = key;
      this.lastHash = k;
    }
    let r = reasonHashes.get(reason);
    if (!r) {
      if (reasonHashes.size >= 100_000) reasonHashes.clear();
      reasonHashes.set(reason, (r = hashString(reason)));
    }
    const code = status.charCodeAt(0);
    this.a = (this.a + fmix(k[0] ^ Math.imul(runId, 0x9e3779b1) ^ Math.imul(r[0], 31) ^ code)) >>> 0;
    this.b =
      (this.b + fmix(k[1] ^ Math.imul(runId + 0x632be5ab, 0x85ebca77) ^ Math.imul(r[1], 37) ^ (code << 8))) >>> 0;
  }

  hex(): string {
    return this.a.toString(16).padStart(8, "0") + this.b.toString(16).padStart(8, "0");
  }
}

export function digestEntries(entries: readonly PanelEntry[]): string {
  const d = new PanelDigest();
  for (const e of entries) d.add(e.key, e.runId, e.status, e.reason);
  return d.hex();
}

export interface PanelChange {
  /** The new current entries: unchanged findings keep their `since` and recorded evidence. */
  entries: PanelEntry[];
  /** How to rebuild the previous version from the new one. */
  reverse: ReverseChange[];
}

/**
 * Merges the new findings of `evaluationId` into the previous entries (which carry evidence).
 * `next` is taken over: its entries are completed in place.
 */
export function diffPanel(previous: readonly PanelEntry[], next: PanelEntry[], evaluationId: number): PanelChange {
  // By run, then by subject: no key string per entry (a changed panel holds ~1000 of them).
  const old = new Map<number, Map<string, PanelEntry>>();
  for (const e of previous) {
    let m = old.get(e.runId);
    if (!m) old.set(e.runId, (m = new Map()));
    m.set(e.key, e);
  }
  const reverse: ReverseChange[] = [];
  for (const n of next) {
    const m = old.get(n.runId);
    const o = m?.get(n.key);
    if (o) m!.delete(n.key);
    if (o && o.status === n.status && o.reason === n.reason) {
      n.since = o.since;
      if (o.evidence) n.evidence = o.evidence;
      continue;
    }
    n.since = evaluationId;
    reverse.push(
      o
        ? [o.runId, o.key, o.resourceType, statusCode(o.status), o.since, o.reason, o.evidence ?? []]
        : [n.runId, n.key, n.resourceType, ABSENT_STATUS, 0, "", []],
    );
  }
  for (const m of old.values())
    for (const o of m.values())
      reverse.push([o.runId, o.key, o.resourceType, statusCode(o.status), o.since, o.reason, o.evidence ?? []]);
  return { entries: next, reverse };
}

/** The version before a change, from the version after it and the change's reverse delta. */
export function applyReverse(after: readonly PanelEntry[], reverse: readonly ReverseChange[]): PanelEntry[] {
  const byId = new Map(after.map((e) => [`${e.runId}\u0000${e.key}`, e]));
  for (const [runId, key, resourceType, code, since, reason, evidence] of reverse) {
    const id = `${runId}\u0000${key}`;
    const status = statusOf(code);
    if (!status) byId.delete(id);
    else byId.set(id, { key, resourceType, runId, status, since, reason, evidence });
  }
  return [...byId.values()];
}
