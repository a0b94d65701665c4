// The panel blobs' JSON is written straight into bytes: it must be byte for byte what the earlier
// encoder (JSON.stringify of objects, kept in panel-json-reference.ts) wrote, so that panels stored
// before read back the same, blobs and their sizes do not change, and every text JSON.stringify
// escapes (quotes, control characters, non-ASCII, lone surrogates) is escaped the same way.
import { describe, expect, it } from "vitest";
import { COMPACT_EVIDENCE, type Evidence, type FindingStatus } from "@/lib/compliance/model/finding";
import {
  columnsOf,
  decodePanel,
  encodePanelBytes,
  encodePanelJson,
  type PanelColumns,
  type PanelEntry,
} from "@/lib/compliance/store/panel-codec";
import { compressBlob } from "@/lib/compliance/store/blob-compressor";
import { JsonWriter } from "@/lib/compliance/store/json-writer";
import { referencePanelJson } from "./panel-json-reference";

const same = (c: PanelColumns) => {
  const ref = referencePanelJson(c);
  const bytes = encodePanelBytes(c);
  expect(bytes.state.toString("utf8")).toBe(ref.state);
  expect(bytes.evidence.toString("utf8")).toBe(ref.evidence);
  expect(bytes.state.equals(Buffer.from(ref.state))).toBe(true);
  expect(bytes.evidence.equals(Buffer.from(ref.evidence))).toBe(true);
  expect(encodePanelJson(c)).toEqual(ref);
  // A panel the earlier encoder stored reads back as the same entries as one stored now.
  expect(decodePanel(compressBlob(bytes.state), compressBlob(bytes.evidence))).toEqual(
    decodePanel(compressBlob(ref.state), compressBlob(ref.evidence)),
  );
  expect(compressBlob(bytes.evidence).equals(compressBlob(ref.evidence))).toBe(true);
};

const ODD = [
  "",
  'quote " and back\\slash',
  "tab\tnew\nline\r\b\f\u0000\u001f\u007f",
  "é ü ß — “curly” 日本語 😀",
  "lone \ud800 high and \udc00 low",
  "\u2028\u2029",
  "</script>",
];

/** Compact evidence as the per-point controls give it (values as they are, times as Dates). */
class Compact implements Evidence {
  readonly kind = "recovery-point" as const;
  constructor(
    readonly id: string,
    private readonly v: unknown[],
  ) {}
  get details() {
    return Object.fromEntries(
      this.v.map((x, i) => [`k${i}`, x instanceof Date ? x.toISOString() : x]),
    ) as Evidence["details"];
  }
  [COMPACT_EVIDENCE]() {
    return { shape: `compact|${this.v.length}`, keys: this.v.map((_, i) => `k${i}`), values: this.v as never[] };
  }
}

describe("panel JSON written as bytes", () => {
  it("is the earlier encoder's JSON for an empty panel and a panel of one", () => {
    same(columnsOf([]));
    same(
      columnsOf([{ key: "arn:a", resourceType: null, runId: 3, status: "PASS", since: 0, reason: "", evidence: [] }]),
    );
  });

  it("is the earlier encoder's JSON with every kind of value, escape and odd number", () => {
    const items: Evidence[] = [
      { kind: "resource", id: "arn:r-1" },
      { kind: "resource", id: "arn:r-2", details: {} },
      {
        kind: "vault",
        id: ODD[1]!,
        details: {
          s: ODD[2]!,
          u: ODD[3]!,
          n: -12.5,
          big: 2 ** 40,
          neg: -3,
          zero: -0,
          nan: Number.NaN,
          inf: Number.POSITIVE_INFINITY,
          t: true,
          f: false,
          z: null,
          list: ["x", ODD[4]!, "arn:key-1"],
          empty: [],
          [ODD[5]!]: "odd key",
        },
      },
      new Compact("arn:rp-1", [
        "arn:key-0",
        new Date("2026-08-01T00:00:00Z"),
        new Date(Number.NaN),
        null,
        undefined,
        35,
        0.1,
        true,
        ODD[6],
      ]),
      new Compact("arn:rp-2", ["arn:rp-1", new Date(0), 2147483647, 2147483648, -2147483648, 1e21, 5e-7]),
    ];
    const keys = ["arn:key-0", "arn:key-1", "arn:key-2", ODD[0]!, ODD[2]!, ODD[3]!];
    const statuses: FindingStatus[] = ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR"];
    const entries: PanelEntry[] = [];
    keys.forEach((key, i) =>
      [1, 2, 7].forEach((runId, r) => {
        if ((i + r) % 4 === 3) return; // absent cells
        entries.push({
          key,
          resourceType: i % 2 ? null : ODD[(i + r) % ODD.length]!,
          runId,
          status: statuses[(i + r) % 4]!,
          since: r === 1 ? 5 : 100 + i,
          reason: ODD[(i * 3 + r) % ODD.length]!,
          evidence: (i + r) % 3 ? [items[(i + r) % items.length]!, items[(i * r) % items.length]!] : [],
        });
      }),
    );
    same(columnsOf(entries));
    same({ ...columnsOf(entries), since: 9 });
    // No resource type anywhere: "t" is null.
    same(columnsOf(entries.map((e) => ({ ...e, resourceType: null }))));
  });

  it("is the earlier encoder's JSON for keys that share a long prefix, in many runs", () => {
    const entries: PanelEntry[] = [];
    for (let i = 0; i < 2000; i++)
      for (const runId of [11, 4, 12345678])
        entries.push({
          key: `arn:aws:backup:eu-west-1:111111111111:recovery-point:${(i * 7919) % 2000}`,
          resourceType: "EBS",
          runId,
          status: i % 5 ? "PASS" : "FAIL",
          since: i % 1000 ? 42 : 41,
          reason: `kept ${i % 40} days`,
          evidence: [
            new Compact(`arn:aws:backup:eu-west-1:111111111111:recovery-point:${i}`, [
              "vault-1",
              new Date(1_780_000_000_000 + i * 1000),
              i % 2 === 0,
              i,
            ]),
          ],
        });
    same(columnsOf(entries));
  });

  it("writes numbers and strings as JSON.stringify does", () => {
    const w = new JsonWriter(4);
    const values = [0, 7, 10, 99, 100, 123456789, 2147483647, 2147483648, -1, -0, 1.5, 1e21, Number.NaN];
    for (const v of values) {
      w.reset();
      w.num(v);
      expect(w.take().toString()).toBe(JSON.stringify(v));
    }
    for (const s of ODD) {
      w.reset();
      w.str(s);
      expect(w.take().toString()).toBe(JSON.stringify(s));
      w.reset();
      w.str(`prefix:${s}`, 7);
      expect(w.take().toString()).toBe(JSON.stringify(s));
    }
  });
});
