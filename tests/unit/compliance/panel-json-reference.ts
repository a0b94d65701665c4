// The panel encoding as it was before it wrote its JSON straight into bytes (JSON.stringify of
// objects built per finding and evidence item), kept as the reference the byte writer must equal:
// panels stored by it must read back the same, and the same findings must make the same blobs.
import {
  COMPACT_EVIDENCE,
  type CompactEvidence,
  type Evidence,
  type FindingStatus,
} from "@/lib/compliance/model/finding";
import type { PanelColumns } from "@/lib/compliance/store/panel-codec";

const CODE: Record<FindingStatus, string> = { PASS: "P", FAIL: "F", NOT_APPLICABLE: "N", ERROR: "E" };
const ABSENT = "-";
const NO_EVIDENCE: readonly Evidence[] = [];

interface EvidenceJson {
  shapes: Array<[kind: string, keys: string[]]>;
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

export function referencePanelJson(c: PanelColumns): { state: string; evidence: string } {
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
  const state = {
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
  const evidence = {
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
