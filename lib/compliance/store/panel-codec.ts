// A panel holds the findings of every run for one (tenant, subject type, account, region): subject
// keys once, then per run a status string, since, reason and evidence references. Two blobs, both
// deflated JSON: `state` (what lists and diffs need) and `evidence` (read when a finding is opened),
// so a page of findings never inflates evidence. Reasons and evidence items are interned per panel.
import { constants, inflateRawSync } from "node:zlib";
import { compressBlob } from "./blob-compressor";
import {
  COMPACT_EVIDENCE,
  type CompactEvidence,
  type Evidence,
  type FindingStatus,
  type SubjectType,
} from "@/lib/compliance/model/finding";

export interface PanelEntry {
  key: string;
  resourceType: string | null;
  runId: number;
  status: FindingStatus;
  /** Evaluation id from which this status and reason hold. */
  since: number;
  reason: string;
  /** Absent when only the state blob was decoded. */
  evidence?: readonly Evidence[];
}

export interface PanelAddress {
  subjectType: SubjectType;
  accountId: string;
  /** "" for subjects that span regions. */
  region: string;
  /** "" or the subjects' bucket (see Subject.bucket). */
  bucket: string;
}

export type StatusCounts4 = [number, number, number, number];

const CODE: Record<FindingStatus, string> = { PASS: "P", FAIL: "F", NOT_APPLICABLE: "N", ERROR: "E" };
const STATUS: Record<string, FindingStatus> = { P: "PASS", F: "FAIL", N: "NOT_APPLICABLE", E: "ERROR" };
const INDEX: Record<FindingStatus, number> = { PASS: 0, FAIL: 1, NOT_APPLICABLE: 2, ERROR: 3 };
const ABSENT = "-";
const NO_EVIDENCE: readonly Evidence[] = [];

export const statusCode = (s: FindingStatus) => CODE[s];
export const statusOf = (c: string): FindingStatus | null => STATUS[c] ?? null;
export const statusIndex = (s: FindingStatus) => INDEX[s];

interface StateJson {
  v: 1;
  /** Subject keys (sorted) without their common prefix `kp` (a unit's ARNs share ~55 characters). */
  kp?: string;
  k: string[];
  t: Array<string | null> | null;
  runs: number[];
  /** Per run: one status character per subject ("-": no finding). */
  s: string[];
  /** Per run: the evaluation each finding holds since, or one number when all agree. */
  f: Array<number[] | number>;
  m: number[][];
  r: string[];
}

interface EvidenceJsonV1 {
  v: 1;
  runs: number[];
  e: number[][];
  sets: number[][];
  items: Evidence[];
}

/**
 * Evidence items in a compact form: a string table (the panel's subject keys first, so an item
 * about a subject costs no copy of its ARN), item shapes (kind and detail keys), and per item
 * [shape, id, ...values] where a string is its table index, a number is [n], a list of strings
 * is {a: [indexes]}, a time is {t: epoch ms} (decoded to its ISO text), booleans and null are
 * themselves. A million recovery points' evidence is a third of its JSON size this way, and as
 * much less to write and to compress.
 */
interface EvidenceJson {
  v: 2;
  runs: number[];
  e: number[][];
  sets: number[][];
  strings: string[];
  shapes: Array<[kind: string, keys: string[]]>;
  items: unknown[][];
}

type Value = string | number | boolean | null | string[];

class StringTable {
  readonly index = new Map<string, number>();
  readonly extra: string[] = [];
  constructor(
    readonly base: readonly string[],
    baseIndex: ReadonlyMap<string, number>,
  ) {
    for (const [k, i] of baseIndex) this.index.set(k, i);
  }
  ref(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      this.index.set(s, (i = this.base.length + this.extra.length));
      this.extra.push(s);
    }
    return i;
  }
}

function encodeItem(
  item: Evidence,
  strings: StringTable,
  shapes: Map<string, number>,
  shapeList: EvidenceJson["shapes"],
): unknown[] {
  const compact = (item as Partial<CompactEvidence>)[COMPACT_EVIDENCE]?.call(item);
  const details = compact ? null : (item.details ?? {});
  const keys: readonly string[] = compact ? compact.keys : Object.keys(details!);
  const shapeKey = compact ? compact.shape : `${item.kind}|${keys.join("|")}${item.details ? "" : "|-"}`;
  let shape = shapes.get(shapeKey);
  if (shape === undefined) {
    shapes.set(shapeKey, (shape = shapeList.length));
    shapeList.push([item.kind, compact || item.details ? [...keys] : ["-"]]);
  }
  const out: unknown[] = [shape, strings.ref(item.id)];
  for (let j = 0; j < keys.length; j++) {
    const v = (compact ? compact.values[j] : details![keys[j]!]) as Value | Date;
    if (typeof v === "string") out.push(strings.ref(v));
    else if (typeof v === "number") out.push([v]);
    else if (Array.isArray(v)) out.push({ a: v.map((x) => strings.ref(x)) });
    else if (v instanceof Date) out.push({ t: v.getTime() });
    else out.push(v ?? null);
  }
  return out;
}

function decodeItems(ev: EvidenceJson, keys: readonly string[]): Evidence[] {
  const str = (i: number) => (i < keys.length ? keys[i]! : ev.strings[i - keys.length]!);
  return ev.items.map((it) => {
    const [kind, names] = ev.shapes[it[0] as number]!;
    const item: Evidence = { kind: kind as Evidence["kind"], id: str(it[1] as number) };
    if (names[0] === "-") return item;
    const details: Record<string, Value> = {};
    names.forEach((name, j) => {
      const v = it[j + 2];
      details[name] =
        typeof v === "number"
          ? str(v)
          : Array.isArray(v)
            ? (v[0] as number)
            : v !== null && typeof v === "object"
              ? "t" in v
                ? new Date((v as { t: number }).t).toISOString()
                : (v as { a: number[] }).a.map(str)
              : (v as boolean | null);
    });
    item.details = details;
    return item;
  });
}

// Level 1: ~4x on this JSON at a few hundred MB/s; higher levels gain little and cost the
// evaluation's single thread.
const pack = (v: unknown) => compressBlob(JSON.stringify(v));
// Blobs written by an earlier version end at a full flush rather than a final block.
const unpack = <T>(b: Buffer): T =>
  JSON.parse(inflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH }).toString("utf8")) as T;

/**
 * A panel's entries column by column: what the evaluation collects, encoded without an object
 * per finding (a large tenant's first evaluation encodes millions of them).
 */
export interface PanelColumns {
  keys: readonly string[];
  types: ReadonlyArray<string | null>;
  runIds: readonly number[];
  statuses: readonly FindingStatus[];
  reasons: readonly string[];
  evidence: ReadonlyArray<readonly Evidence[] | undefined>;
  /** The evaluation every entry holds since, or one per entry. */
  since: number | readonly number[];
}

export function columnsOf(entries: readonly PanelEntry[]): PanelColumns {
  return {
    keys: entries.map((e) => e.key),
    types: entries.map((e) => e.resourceType),
    runIds: entries.map((e) => e.runId),
    statuses: entries.map((e) => e.status),
    reasons: entries.map((e) => e.reason),
    evidence: entries.map((e) => e.evidence),
    since: entries.map((e) => e.since),
  };
}

export function countColumns(c: Pick<PanelColumns, "runIds" | "statuses">): Record<string, StatusCounts4> {
  const out: Record<string, StatusCounts4> = {};
  for (let i = 0; i < c.runIds.length; i++) {
    const counts = (out[c.runIds[i]!] ??= [0, 0, 0, 0]);
    const k = INDEX[c.statuses[i]!];
    counts[k] = counts[k]! + 1;
  }
  return out;
}

export const countEntries = (entries: readonly PanelEntry[]): Record<string, StatusCounts4> =>
  countColumns(columnsOf(entries));

export function encodePanel(entries: readonly PanelEntry[]): { state: Buffer; evidence: Buffer } {
  const json = encodePanelJson(columnsOf(entries));
  return { state: compressBlob(json.state), evidence: compressBlob(json.evidence) };
}

/** The two blobs as JSON, to be compressed (see compressBlob). */
export function encodePanelJson(c: PanelColumns): { state: string; evidence: string } {
  const keyIndex = new Map<string, number>();
  const keys: string[] = [];
  const types: Array<string | null> = [];
  const count = c.keys.length;
  for (let j = 0; j < count; j++) {
    const key = c.keys[j]!;
    if (!keyIndex.has(key)) {
      keyIndex.set(key, -1);
      keys.push(key);
    }
  }
  keys.sort();
  keys.forEach((k, i) => keyIndex.set(k, i));
  const runs = [...new Set(c.runIds)].sort((a, b) => a - b);
  const runIndex = new Map(runs.map((r, i) => [r, i]));
  const n = keys.length;
  const status = runs.map(() => new Array<string>(n).fill(ABSENT));
  const since = runs.map(() => new Array<number>(n).fill(0));
  const reasonRef = runs.map(() => new Array<number>(n).fill(-1));
  const evidenceRef = runs.map(() => new Array<number>(n).fill(-1));
  const reasons: string[] = [];
  const reasonIndex = new Map<string, number>();
  const items: Evidence[] = [];
  const itemIndex = new Map<Evidence, number>();
  const sets: number[][] = [];
  const setByArray = new Map<readonly Evidence[], number>();
  const setByKey = new Map<string, number>();
  let anyType = false;
  types.length = n;
  types.fill(null);
  const sinceOf = typeof c.since === "number" ? null : c.since;
  for (let j = 0; j < count; j++) {
    const i = keyIndex.get(c.keys[j]!)!;
    const r = runIndex.get(c.runIds[j]!)!;
    const type = c.types[j]!;
    if (type !== null) {
      types[i] = type;
      anyType = true;
    }
    status[r]![i] = CODE[c.statuses[j]!];
    since[r]![i] = sinceOf ? sinceOf[j]! : (c.since as number);
    const reason = c.reasons[j]!;
    let m = reasonIndex.get(reason);
    if (m === undefined) {
      reasonIndex.set(reason, (m = reasons.length));
      reasons.push(reason);
    }
    reasonRef[r]![i] = m;
    const ev = c.evidence[j] ?? NO_EVIDENCE;
    let set = setByArray.get(ev);
    if (set === undefined) {
      const idx = ev.map((item) => {
        let x = itemIndex.get(item);
        if (x === undefined) {
          itemIndex.set(item, (x = items.length));
          items.push(item);
        }
        return x;
      });
      const k = idx.join(",");
      set = setByKey.get(k);
      if (set === undefined) {
        setByKey.set(k, (set = sets.length));
        sets.push(idx);
      }
      setByArray.set(ev, set);
    }
    evidenceRef[r]![i] = set;
  }
  const sinceCompact = since.map((list, r) => {
    let one: number | null = null;
    const codes = status[r]!;
    for (let i = 0; i < list.length; i++) {
      if (codes[i] === ABSENT) continue;
      if (one === null) one = list[i]!;
      else if (one !== list[i]) return list;
    }
    return one ?? 0;
  });
  let kp = "";
  if (keys.length > 1) {
    const first = keys[0]!;
    const last = keys[keys.length - 1]!;
    let i = 0;
    while (i < first.length && first.charCodeAt(i) === last.charCodeAt(i)) i++;
    kp = first.slice(0, i);
  }
  const state: StateJson = {
    v: 1,
    kp,
    k: kp ? keys.map((k) => k.slice(kp.length)) : keys,
    t: anyType ? types : null,
    runs,
    s: status.map((a) => a.join("")),
    f: sinceCompact,
    m: reasonRef,
    r: reasons,
  };
  const strings = new StringTable(keys, keyIndex);
  const shapes = new Map<string, number>();
  const shapeList: EvidenceJson["shapes"] = [];
  const encoded = items.map((item) => encodeItem(item, strings, shapes, shapeList));
  const evidence: EvidenceJson = {
    v: 2,
    runs,
    e: evidenceRef,
    sets,
    strings: strings.extra,
    shapes: shapeList,
    items: encoded,
  };
  return { state: JSON.stringify(state), evidence: JSON.stringify(evidence) };
}

/** Entries of a panel; with `evidence`, each entry carries its evidence items too. */
export function decodePanel(state: Buffer, evidence?: Buffer | null): PanelEntry[] {
  const st = unpack<StateJson>(state);
  if (st.kp) st.k = st.k.map((k) => st.kp + k);
  const ev = evidence ? unpack<EvidenceJson | EvidenceJsonV1>(evidence) : null;
  const items = ev ? (ev.v === 2 ? decodeItems(ev, st.k) : ev.items) : null;
  const setItems = ev ? ev.sets.map((set) => set.map((i) => items![i]!)) : null;
  const out: PanelEntry[] = [];
  st.runs.forEach((runId, r) => {
    const codes = st.s[r]!;
    const evRun = ev ? ev.e[ev.runs.indexOf(runId)] : undefined;
    const f = st.f[r]!;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === ABSENT) continue;
      const entry: PanelEntry = {
        key: st.k[i]!,
        resourceType: st.t?.[i] ?? null,
        runId,
        status: STATUS[c]!,
        since: typeof f === "number" ? f : f[i]!,
        reason: st.r[st.m[r]![i]!]!,
      };
      if (setItems && evRun) entry.evidence = setItems[evRun[i]!] ?? [];
      out.push(entry);
    }
  });
  return out;
}

/** Reverse delta: the entries as they were before a change; `null` status = did not exist. */
export type ReverseChange = [
  runId: number,
  key: string,
  resourceType: string | null,
  status: string,
  since: number,
  reason: string,
  evidence: readonly Evidence[],
];

export function encodeDelta(changes: readonly ReverseChange[]): Buffer {
  return pack({ v: 1, c: changes });
}

export const encodeDeltaJson = (changes: readonly ReverseChange[]): string => JSON.stringify({ v: 1, c: changes });

export function decodeDelta(delta: Buffer): ReverseChange[] {
  return unpack<{ v: 1; c: ReverseChange[] }>(delta).c;
}

export const ABSENT_STATUS = ABSENT;
