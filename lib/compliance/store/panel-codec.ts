// A panel holds the findings of every run for one (tenant, subject type, account, region): subject
// keys once, then per run a status string, since, reason and evidence references. Two blobs, both
// deflated JSON: `state` (what lists and diffs need) and `evidence` (read when a finding is opened),
// so a page of findings never inflates evidence. Reasons and evidence items are interned per panel.
import { constants, inflateRawSync } from "node:zlib";
import { compressBlob } from "./blob-compressor";
import { JsonWriter } from "./json-writer";
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
const ABSENT_BYTE = 45;
const CODE_BYTE: Record<FindingStatus, number> = { PASS: 80, FAIL: 70, NOT_APPLICABLE: 78, ERROR: 69 };
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

/** The panel's subject keys (indexed by `baseIndex`), then any other string, each given once. */
class StringTable {
  private readonly index = new Map<string, number>();
  readonly extra: string[] = [];
  constructor(
    readonly base: readonly string[],
    private readonly baseIndex: ReadonlyMap<string, number>,
  ) {}
  ref(s: string): number {
    let i = this.baseIndex.get(s) ?? this.index.get(s);
    if (i === undefined) {
      this.index.set(s, (i = this.base.length + this.extra.length));
      this.extra.push(s);
    }
    return i;
  }
}

/** One evidence item as encodeItem's array would be written by JSON.stringify. */
function writeItem(
  w: JsonWriter,
  item: Evidence,
  strings: StringTable,
  shapes: Map<string, number>,
  shapeList: EvidenceJson["shapes"],
): void {
  const compact = (item as Partial<CompactEvidence>)[COMPACT_EVIDENCE]?.call(item);
  const details = compact ? null : (item.details ?? {});
  const keys: readonly string[] = compact ? compact.keys : Object.keys(details!);
  const shapeKey = compact ? compact.shape : `${item.kind}|${keys.join("|")}${item.details ? "" : "|-"}`;
  let shape = shapes.get(shapeKey);
  if (shape === undefined) {
    shapes.set(shapeKey, (shape = shapeList.length));
    shapeList.push([item.kind, compact || item.details ? [...keys] : ["-"]]);
  }
  w.byte(91);
  w.num(shape);
  w.byte(44);
  w.num(strings.ref(item.id));
  for (let j = 0; j < keys.length; j++) {
    const v = (compact ? compact.values[j] : details![keys[j]!]) as Value | Date | undefined;
    w.byte(44);
    if (typeof v === "string") w.num(strings.ref(v));
    else if (typeof v === "number") {
      w.byte(91);
      w.num(v);
      w.byte(93);
    } else if (typeof v === "boolean") w.raw(v ? "true" : "false");
    else if (v === null || v === undefined) w.raw("null");
    else if (Array.isArray(v)) {
      w.raw(`{"a":[`);
      for (let k = 0; k < v.length; k++) {
        if (k) w.byte(44);
        w.num(strings.ref(v[k]!));
      }
      w.raw("]}");
    } else if (v instanceof Date) {
      w.raw(`{"t":`);
      w.num(v.getTime());
      w.byte(125);
    } else w.text(JSON.stringify(v) ?? "null");
  }
  w.byte(93);
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
  const bytes = encodePanelBytes(columnsOf(entries));
  return { state: compressBlob(bytes.state), evidence: compressBlob(bytes.evidence) };
}

/** The two blobs as JSON, to be compressed (see compressBlob). */
export function encodePanelJson(c: PanelColumns): { state: string; evidence: string } {
  const b = encodePanelBytes(c);
  return { state: b.state.toString("utf8"), evidence: b.evidence.toString("utf8") };
}

// The evidence items' JSON waits here while the string table and shapes before it are written
// (reused from panel to panel: encoding is synchronous).
const itemsOut = new JsonWriter();

// The cells of a panel (runs × subjects), reused from panel to panel and grown when one needs more.
let cellCapacity = 0;
let statusCells = new Uint8Array(0);
let sinceCells = new Float64Array(0);
let reasonCells = new Int32Array(0);
let evidenceCells = new Int32Array(0);
function growCells(cells: number): void {
  cellCapacity = Math.max(cells, cellCapacity * 2, 4096);
  statusCells = new Uint8Array(cellCapacity);
  sinceCells = new Float64Array(cellCapacity);
  reasonCells = new Int32Array(cellCapacity);
  evidenceCells = new Int32Array(cellCapacity);
}

const B_COMMA = 44;
const B_OPEN = 91;
const B_CLOSE = 93;

/** The two blobs' JSON as UTF-8 (see writePanelJson). */
export function encodePanelBytes(c: PanelColumns): { state: Buffer; evidence: Buffer } {
  const w = new JsonWriter(4096);
  const { state } = writePanelJson(c, w);
  const all = w.take();
  return { state: all.subarray(0, state), evidence: all.subarray(state) };
}

/**
 * Appends the two blobs' JSON to `out` as UTF-8, state then evidence, and says how many bytes each
 * took: byte for byte what JSON.stringify makes of StateJson and EvidenceJson (so blobs, their
 * sizes and their readers are the same as before), written without an object or a string per
 * finding or evidence item, and without a copy of its own (the panel store writes a batch of panels
 * into one buffer, which goes to the compressor's thread as it is).
 */
export function writePanelJson(c: PanelColumns, out: JsonWriter): { state: number; evidence: number } {
  const keyIndex = new Map<string, number>();
  const keys: string[] = [];
  const count = c.keys.length;
  const runSet = new Set<number>();
  // Findings come subject by subject (a subject's runs in a row) and subjects mostly in key order
  // (the database's): a key equal to the one before is not looked up again, and keys already in
  // order are not sorted (comparing ARNs that share ~55 characters made the sort the largest part
  // of encoding).
  let sorted = true;
  let last: string | null = null;
  let lastRun = Number.NaN;
  for (let j = 0; j < count; j++) {
    const key = c.keys[j]!;
    if (key !== last) {
      if (!keyIndex.has(key)) {
        keyIndex.set(key, -1);
        if (sorted && keys.length > 0 && keys[keys.length - 1]! > key) sorted = false;
        keys.push(key);
      }
      last = key;
    }
    const runId = c.runIds[j]!;
    if (runId !== lastRun) runSet.add((lastRun = runId));
  }
  if (!sorted) keys.sort();
  for (let i = 0; i < keys.length; i++) keyIndex.set(keys[i]!, i);
  const runs = [...runSet].sort((a, b) => a - b);
  const runIndex = new Map(runs.map((r, i) => [r, i]));
  const n = keys.length;
  const cells = runs.length * n;
  // Per run and subject (run r's subject i at r * n + i): status character, since, reason and
  // evidence set.
  if (cells > cellCapacity) growCells(cells);
  const status = statusCells.fill(ABSENT_BYTE, 0, cells);
  const since = sinceCells.fill(0, 0, cells);
  const reasonRef = reasonCells.fill(-1, 0, cells);
  const evidenceRef = evidenceCells.fill(-1, 0, cells);
  const reasons: string[] = [];
  const reasonIndex = new Map<string, number>();
  const items: Evidence[] = [];
  const itemIndex = new Map<Evidence, number>();
  const sets: number[][] = [];
  const setByArray = new Map<readonly Evidence[], number>();
  const setByKey = new Map<string, number>();
  const setByItem = new Map<number, number>();
  let anyType = false;
  const types = new Array<string | null>(n).fill(null);
  const sinceOf = typeof c.since === "number" ? null : c.since;
  last = null;
  let i = -1;
  for (let j = 0; j < count; j++) {
    const key = c.keys[j]!;
    if (key !== last) i = keyIndex.get((last = key))!;
    const cell = runIndex.get(c.runIds[j]!)! * n + i;
    const type = c.types[j]!;
    if (type !== null) {
      types[i] = type;
      anyType = true;
    }
    status[cell] = CODE_BYTE[c.statuses[j]!];
    since[cell] = sinceOf ? sinceOf[j]! : (c.since as number);
    const reason = c.reasons[j]!;
    let m = reasonIndex.get(reason);
    if (m === undefined) {
      reasonIndex.set(reason, (m = reasons.length));
      reasons.push(reason);
    }
    reasonRef[cell] = m;
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
      // Most findings have one evidence item: its sets are keyed by the item, without a string.
      const k = idx.length === 1 ? idx[0]! : idx.join(",");
      set = typeof k === "number" ? setByItem.get(k) : setByKey.get(k);
      if (set === undefined) {
        set = sets.length;
        if (typeof k === "number") setByItem.set(k, set);
        else setByKey.set(k, set);
        sets.push(idx);
      }
      setByArray.set(ev, set);
    }
    evidenceRef[cell] = set;
  }
  let kp = "";
  if (keys.length > 1) {
    const first = keys[0]!;
    const last = keys[keys.length - 1]!;
    let i = 0;
    while (i < first.length && first.charCodeAt(i) === last.charCodeAt(i)) i++;
    kp = first.slice(0, i);
  }

  const w = out;
  const stateStart = w.at;
  w.raw(`{"v":1,"kp":`);
  w.str(kp);
  w.raw(`,"k":[`);
  for (let i = 0; i < n; i++) {
    if (i) w.byte(B_COMMA);
    w.str(keys[i]!, kp.length);
  }
  w.raw(`],"t":`);
  if (anyType) {
    w.byte(B_OPEN);
    for (let i = 0; i < n; i++) {
      if (i) w.byte(B_COMMA);
      const t = types[i]!;
      if (t === null) w.raw("null");
      else w.str(t);
    }
    w.byte(B_CLOSE);
  } else w.raw("null");
  w.raw(`,"runs":`);
  writeInts(w, runs, 0, runs.length);
  // One status character per subject: the codes are ASCII letters and "-".
  w.raw(`,"s":[`);
  for (let r = 0; r < runs.length; r++) {
    if (r) w.byte(B_COMMA);
    w.byte(34);
    w.ensure(n);
    for (let i = r * n; i < (r + 1) * n; i++) w.byte(status[i]!);
    w.byte(34);
  }
  // Per run one number when every finding agrees, else the whole list.
  w.raw(`],"f":[`);
  for (let r = 0; r < runs.length; r++) {
    if (r) w.byte(B_COMMA);
    let one: number | null = null;
    let agree = true;
    for (let i = r * n; i < (r + 1) * n; i++) {
      if (status[i] === ABSENT_BYTE) continue;
      if (one === null) one = since[i]!;
      else if (one !== since[i]) {
        agree = false;
        break;
      }
    }
    if (agree) w.num(one ?? 0);
    else writeInts(w, since, r * n, (r + 1) * n);
  }
  w.raw(`],"m":[`);
  for (let r = 0; r < runs.length; r++) {
    if (r) w.byte(B_COMMA);
    writeInts(w, reasonRef, r * n, (r + 1) * n);
  }
  w.raw(`],"r":[`);
  for (let i = 0; i < reasons.length; i++) {
    if (i) w.byte(B_COMMA);
    w.str(reasons[i]!);
  }
  w.raw("]}");
  const stateEnd = w.at;

  // Items first (they fill the string table and the shapes, which come before them).
  const strings = new StringTable(keys, keyIndex);
  const shapes = new Map<string, number>();
  const shapeList: EvidenceJson["shapes"] = [];
  const iw = itemsOut.reset();
  for (let x = 0; x < items.length; x++) {
    if (x) iw.byte(B_COMMA);
    writeItem(iw, items[x]!, strings, shapes, shapeList);
  }
  const e = out;
  e.raw(`{"v":2,"runs":`);
  writeInts(e, runs, 0, runs.length);
  e.raw(`,"e":[`);
  for (let r = 0; r < runs.length; r++) {
    if (r) e.byte(B_COMMA);
    writeInts(e, evidenceRef, r * n, (r + 1) * n);
  }
  e.raw(`],"sets":[`);
  for (let s = 0; s < sets.length; s++) {
    if (s) e.byte(B_COMMA);
    writeInts(e, sets[s]!, 0, sets[s]!.length);
  }
  e.raw(`],"strings":[`);
  for (let s = 0; s < strings.extra.length; s++) {
    if (s) e.byte(B_COMMA);
    e.str(strings.extra[s]!);
  }
  e.raw(`],"shapes":[`);
  for (let s = 0; s < shapeList.length; s++) {
    if (s) e.byte(B_COMMA);
    const [kind, names] = shapeList[s]!;
    e.byte(B_OPEN);
    e.str(kind);
    e.raw(",[");
    for (let k = 0; k < names.length; k++) {
      if (k) e.byte(B_COMMA);
      e.str(names[k]!);
    }
    e.raw("]]");
  }
  e.raw(`],"items":[`);
  e.append(iw);
  e.raw("]}");
  return { state: stateEnd - stateStart, evidence: e.at - stateEnd };
}

function writeInts(w: JsonWriter, list: ArrayLike<number>, from: number, to: number): void {
  w.byte(B_OPEN);
  for (let i = from; i < to; i++) {
    if (i > from) w.byte(B_COMMA);
    w.num(list[i]!);
  }
  w.byte(B_CLOSE);
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
