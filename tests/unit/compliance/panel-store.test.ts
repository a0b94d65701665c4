// Panels: encode/decode round trips, digests that see status and reason changes (and nothing
// else), diffs that keep `since` and recorded evidence for unchanged findings, and reverse deltas
// that rebuild every earlier version exactly.
import { describe, expect, it } from "vitest";
import type { Evidence } from "@/lib/compliance/model/finding";
import {
  columnsOf,
  countColumns,
  countEntries,
  decodeDelta,
  decodePanel,
  encodeDelta,
  encodePanel,
  encodePanelJson,
  type PanelEntry,
} from "@/lib/compliance/store/panel-codec";
import { applyReverse, diffPanel, digestEntries } from "@/lib/compliance/store/panel-diff";
import { entriesOf, PanelCollector } from "@/lib/compliance/store/panel-store";
import { compressBlob } from "@/lib/compliance/store/blob-compressor";

const rpEvidence: Evidence = {
  kind: "recovery-point",
  id: "arn:rp-1",
  details: {
    isEncrypted: true,
    tags: ["a=b"],
    deleteAfterDays: 35,
    deleteAt: null,
    vault: "arn:rp-0",
    resource: "arn:vol-1",
  },
};
const entry = (over: Partial<PanelEntry> = {}): PanelEntry => ({
  key: "arn:rp-1",
  resourceType: "EBS",
  runId: 1,
  status: "PASS",
  since: 0,
  reason: "encrypted",
  evidence: [rpEvidence],
  ...over,
});
const sorted = (e: PanelEntry[]) => [...e].sort((a, b) => (a.key + a.runId < b.key + b.runId ? -1 : 1));

describe("panel codec", () => {
  it("round-trips entries, sharing evidence and reasons, with state and evidence apart", () => {
    const shared = [rpEvidence];
    const entries = [
      entry({ runId: 1, evidence: shared, since: 3 }),
      entry({ runId: 2, evidence: shared, status: "FAIL", reason: "kept 14 days; 35 required", since: 4 }),
      entry({ key: "arn:rp-0", runId: 1, resourceType: null, status: "ERROR", reason: "stale", evidence: [] }),
      entry({ key: "arn:rp-2", runId: 2, status: "NOT_APPLICABLE", reason: "deleting" }),
    ];
    const { state, evidence } = encodePanel(entries);
    expect(sorted(decodePanel(state, evidence))).toEqual(sorted(entries));
    expect(sorted(decodePanel(state)).map((e) => e.evidence)).toEqual([undefined, undefined, undefined, undefined]);
    expect(countEntries(entries)).toEqual({ 1: [1, 0, 0, 1], 2: [0, 1, 1, 0] });
  });

  it("handles an empty panel", () => {
    const { state, evidence } = encodePanel([]);
    expect(decodePanel(state, evidence)).toEqual([]);
  });
});

describe("panel columns", () => {
  it("encodes a collected panel (columns, one since for all) exactly as its entries", () => {
    const collector = new PanelCollector(
      new Map([
        ["run-a", 1],
        ["run-b", 2],
      ]),
    );
    const subject = (id: string) => ({
      type: "recovery-point" as const,
      id,
      accountId: "111111111111",
      region: "eu-west-1",
      resourceType: "EBS",
    });
    collector.add("run-b", {
      controlId: "BK-04",
      subject: subject("arn:rp-2"),
      status: "FAIL",
      reason: "not encrypted",
      evidence: [rpEvidence],
    });
    collector.add("run-a", {
      controlId: "BK-05",
      subject: subject("arn:rp-1"),
      status: "PASS",
      reason: "kept 35 days",
      evidence: [],
    });
    collector.add("run-a", {
      controlId: "BK-05",
      subject: subject("arn:rp-2"),
      status: "ERROR",
      reason: "kept 35 days",
      evidence: [rpEvidence],
    });
    const [panel] = collector.take();
    const fromColumns = encodePanelJson({ ...panel!, since: 7 });
    expect(fromColumns).toEqual(encodePanelJson(columnsOf(entriesOf(panel!, 7))));
    expect(sorted(decodePanel(compressBlob(fromColumns.state), compressBlob(fromColumns.evidence)))).toEqual(
      sorted(entriesOf(panel!, 7)),
    );
    expect(countColumns(panel!)).toEqual({ 1: [1, 0, 0, 1], 2: [0, 1, 0, 0] });
  });
});

describe("digest", () => {
  const base = [entry(), entry({ key: "arn:rp-2", runId: 2, status: "FAIL", reason: "x" })];
  it("ignores order, evidence and since", () => {
    expect(digestEntries([...base].reverse())).toBe(digestEntries(base));
    expect(digestEntries(base.map((e) => ({ ...e, since: 9, evidence: [] })))).toBe(digestEntries(base));
  });
  it.each([
    ["status", { status: "FAIL" as const }],
    ["reason", { reason: "other" }],
    ["run", { runId: 7 }],
    ["subject", { key: "arn:rp-9" }],
  ])("changes with the %s", (_n, change) => {
    expect(digestEntries([{ ...base[0]!, ...change }, base[1]!])).not.toBe(digestEntries(base));
  });
  it("changes when a finding appears or disappears", () => {
    expect(digestEntries(base.slice(0, 1))).not.toBe(digestEntries(base));
  });
});

describe("diff and reverse deltas", () => {
  it("keeps since and recorded evidence of unchanged findings, stamps changed and new ones", () => {
    const v1 = diffPanel([], [entry(), entry({ key: "arn:rp-2" })], 10).entries;
    expect(v1.map((e) => e.since)).toEqual([10, 10]);
    const newer: Evidence = { kind: "recovery-point", id: "arn:rp-1", details: { isEncrypted: true, note: "re-read" } };
    const { entries: v2, reverse } = diffPanel(
      v1,
      [
        entry({ evidence: [newer] }),
        entry({ key: "arn:rp-3" }),
        entry({ key: "arn:rp-2", status: "FAIL", reason: "not encrypted" }),
      ],
      11,
    );
    const byKey = new Map(v2.map((e) => [e.key, e]));
    expect(byKey.get("arn:rp-1")).toMatchObject({ since: 10, evidence: [rpEvidence] });
    expect(byKey.get("arn:rp-2")).toMatchObject({ since: 11, status: "FAIL" });
    expect(byKey.get("arn:rp-3")).toMatchObject({ since: 11 });
    expect(reverse).toHaveLength(2);
    expect(sorted(applyReverse(v2, decodeDelta(encodeDelta(reverse))))).toEqual(sorted(v1));
  });

  it("records disappeared findings so that earlier versions come back", () => {
    const v1 = diffPanel([], [entry(), entry({ key: "arn:rp-2", runId: 3 })], 1).entries;
    const { entries: v2, reverse } = diffPanel(v1, [entry()], 2);
    expect(v2).toHaveLength(1);
    expect(sorted(applyReverse(v2, reverse))).toEqual(sorted(v1));
  });

  it("rebuilds every version from the newest through a chain of deltas", () => {
    const versions: PanelEntry[][] = [[]];
    const deltas: ReturnType<typeof diffPanel>["reverse"][] = [];
    let current: PanelEntry[] = [];
    const states = [
      [entry()],
      [entry(), entry({ key: "arn:rp-2" })],
      [entry({ status: "FAIL", reason: "r" }), entry({ key: "arn:rp-2" })],
      [entry({ key: "arn:rp-2" })],
      [],
      [entry({ key: "arn:rp-4", runId: 2 })],
    ];
    states.forEach((next, i) => {
      const d = diffPanel(current, next, i + 1);
      current = d.entries;
      deltas.push(d.reverse);
      versions.push(current);
    });
    let back = current;
    for (let i = deltas.length - 1; i >= 0; i--) {
      back = applyReverse(back, deltas[i]!);
      expect(sorted(back)).toEqual(sorted(versions[i]!));
    }
  });
});

describe("recovery-point evidence", () => {
  it("stores the same details whether read from the object or taken in its compact form", async () => {
    const { run, snapshot, recoveryPoint } = await import("./fixtures");
    const f = run(
      "BK-05",
      snapshot({ recoveryPoints: [recoveryPoint({ deleteAt: new Date("2026-08-01T00:00:00Z") })] }),
    )[0]!;
    const item = f.evidence[0]!;
    const { state, evidence } = encodePanel([entry({ key: f.subject.id, evidence: f.evidence })]);
    const [decoded] = decodePanel(state, evidence);
    expect(decoded!.evidence).toEqual([{ kind: item.kind, id: item.id, details: item.details }]);
    expect(item.details).toMatchObject({
      deleteAt: "2026-08-01T00:00:00.000Z",
      isEncrypted: true,
      deleteAfterDays: 35,
    });
    expect(JSON.parse(JSON.stringify(item))).toEqual({ kind: item.kind, id: item.id, details: item.details });
    // Times are stored as numbers, not as ISO text in the string table, and read back as that text.
    const { inflateRawSync } = await import("node:zlib");
    const stored = inflateRawSync(evidence).toString("utf8");
    expect(stored).toContain(`{"t":${Date.parse("2026-08-01T00:00:00Z")}}`);
    expect(stored).not.toContain("2026-08-01T00:00:00.000Z");
    expect(typeof decoded!.evidence![0]!.details!.creationDate).toBe("string");
  });

  it("reads evidence whose times were stored as ISO text (as earlier versions wrote them)", () => {
    const old: Evidence = {
      kind: "recovery-point",
      id: "arn:rp-9",
      details: { creationDate: "2026-07-01T10:00:00.000Z", deleteAt: null, isEncrypted: false },
    };
    const { state, evidence } = encodePanel([entry({ key: "arn:rp-9", evidence: [old] })]);
    expect(decodePanel(state, evidence)[0]!.evidence).toEqual([old]);
  });
});

describe("blob compression", () => {
  it("compresses each blob on its own, and reads blobs that end at a full flush (as earlier versions wrote them)", async () => {
    const { compressBlob } = await import("@/lib/compliance/store/blob-compressor");
    const { createDeflateRaw, inflateRawSync, constants } = await import("node:zlib");
    const texts = ["a".repeat(10), JSON.stringify({ x: [1, 2, 3] }), "é".repeat(70_000), ""];
    const blobs = texts.map(compressBlob);
    expect(blobs.map((b) => inflateRawSync(b, { finishFlush: constants.Z_SYNC_FLUSH }).toString("utf8"))).toEqual(
      texts,
    );
    expect(blobs[2]!.length).toBeLessThan(10_000);

    // A panel stored by the old shared stream: its blobs end at a full flush, with no final block.
    const z = createDeflateRaw({ level: 1 });
    const chunks: Buffer[] = [];
    z.on("data", (c: Buffer) => chunks.push(c));
    const flushed = (text: string) =>
      new Promise<Buffer>((resolve) => {
        z.write(text);
        z.flush(constants.Z_FULL_FLUSH, () => resolve(Buffer.concat(chunks.splice(0))));
      });
    const entries = [entry({ key: "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1" })];
    const json = encodePanelJson(columnsOf(entries));
    const old = { state: await flushed(json.state), evidence: await flushed(json.evidence) };
    z.close();
    expect(decodePanel(old.state, old.evidence)).toEqual(
      decodePanel(compressBlob(json.state), compressBlob(json.evidence)),
    );
  });
});
