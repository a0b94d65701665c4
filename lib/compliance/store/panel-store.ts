// Stores an evaluation's findings as panels, writing only what changed. Findings are collected per
// (subject type, account, region) while the evaluation streams; at each boundary the finished
// panels are digested, and only those whose digest differs from the stored one are read back,
// diffed, and rewritten with a reverse delta in their history. Writes go out in batches (one
// statement per batch and kind, arrays through unnest) inside the evaluation's transaction.
import type { Evidence, Finding, FindingStatus } from "@/lib/compliance/model/finding";
import type { Queryable } from "@/lib/compliance/load/load-snapshot";
import {
  columnsOf,
  countColumns,
  decodePanel,
  encodeDeltaJson,
  writePanelJson,
  statusIndex,
  type PanelAddress,
  type PanelEntry,
  type StatusCounts4,
} from "./panel-codec";
import { diffPanel, PanelDigest } from "./panel-diff";
import { BlobCompressor } from "./blob-compressor";
import { JsonWriter } from "./json-writer";

export interface StoredPanelRef {
  id: number;
  digest: string;
  version: number;
  findings: number;
}

/** One panel's findings as they stream in, column by column (millions of them: no object each). */
export interface OpenPanel extends PanelAddress {
  keys: string[];
  types: Array<string | null>;
  runIds: number[];
  statuses: FindingStatus[];
  reasons: string[];
  evidence: Array<readonly Evidence[]>;
}

export const panelKeyOf = (a: PanelAddress) => `${a.subjectType}|${a.accountId}|${a.region}|${a.bucket}`;

const emptyPanel = (a: PanelAddress): OpenPanel => ({
  ...a,
  keys: [],
  types: [],
  runIds: [],
  statuses: [],
  reasons: [],
  evidence: [],
});

export function entriesOf(p: OpenPanel, since: number): PanelEntry[] {
  return p.keys.map((key, i) => ({
    key,
    resourceType: p.types[i]!,
    runId: p.runIds[i]!,
    status: p.statuses[i]!,
    since,
    reason: p.reasons[i]!,
    evidence: p.evidence[i]!,
  }));
}

function digestOf(p: OpenPanel): string {
  const d = new PanelDigest();
  for (let i = 0; i < p.keys.length; i++) d.add(p.keys[i]!, p.runIds[i]!, p.statuses[i]!, p.reasons[i]!);
  return d.hex();
}

/** Groups streamed findings into panels; cheap per finding (consecutive findings share a panel). */
export class PanelCollector {
  private readonly open = new Map<string, OpenPanel>();
  private last: OpenPanel | null = null;
  /**
   * One string per distinct reason until the panels are handed over. Controls build a reason per
   * finding, and a panel holds its findings until it is stored, so each copy would outlive V8's
   * young generation and be copied on every scavenge.
   */
  private readonly reasons = new Map<string, string>();

  constructor(private readonly runIdOf: ReadonlyMap<string, number>) {}

  add(runKey: string, f: Finding): void {
    const s = f.subject;
    const region = s.region ?? "";
    const bucket = s.bucket ?? "";
    let p = this.last;
    if (!p || p.subjectType !== s.type || p.accountId !== s.accountId || p.region !== region || p.bucket !== bucket) {
      const key = `${s.type}|${s.accountId}|${region}|${bucket}`;
      p = this.open.get(key) ?? null;
      if (!p) this.open.set(key, (p = emptyPanel({ subjectType: s.type, accountId: s.accountId, region, bucket })));
      this.last = p;
    }
    const runId = this.runIdOf.get(runKey);
    if (runId === undefined) throw new Error(`finding for a run that was not registered: ${runKey}`);
    p.keys.push(s.id);
    p.types.push(s.resourceType);
    p.runIds.push(runId);
    p.statuses.push(f.status);
    let reason = this.reasons.get(f.reason);
    if (reason === undefined) this.reasons.set(f.reason, (reason = f.reason));
    p.reasons.push(reason);
    p.evidence.push(f.evidence);
  }

  /** Hands over every open panel (their findings are complete) and starts afresh. */
  take(): OpenPanel[] {
    const out = [...this.open.values()];
    this.open.clear();
    this.reasons.clear();
    this.last = null;
    return out;
  }
}

export interface PanelStoreStats {
  panels: number;
  unchanged: number;
  created: number;
  changed: number;
  vanished: number;
  changedFindings: number;
  bytes: { state: number; evidence: number; delta: number };
  /** Time spent in the database reading changed panels and writing (it overlaps the evaluation). */
  millis: { database: number };
}

interface Pending {
  panel: OpenPanel;
  digest: string;
  ref: StoredPanelRef | null;
}

/** A panel turned into its blobs' JSON and its row's other cells: it holds no finding any more. */
interface Encoded {
  address: PanelAddress;
  findings: number;
  digest: string;
  ref: StoredPanelRef | null;
  prev: { counts: Record<string, StatusCounts4>; version: number } | null;
  /**
   * Byte lengths of its state, evidence and (for a changed panel) reverse delta, written one after
   * the other (and after the batch's panels before it) as UTF-8 JSON into the batch's buffer.
   */
  lengths: number[];
  changedFindings: number;
  counts: string;
}

// A panel is encoded as soon as it is submitted (a new one) or as soon as its stored version has
// been read (a changed one), and only its JSON waits for the batch (one compressor round trip and
// one statement per kind): encoding a whole batch at once would keep up to 60,000 findings with
// their evidence alive until then.
const BATCH_PANELS = 400;

/** "($3::text, $4::bytea, …), (…)" for `count` rows of typed cells after `offset` parameters. */
function rows(
  count: number,
  width: number,
  offset: number,
  types: readonly string[],
  shape: (cells: string[]) => string = (c) => `(${c.join(", ")})`,
): string {
  const out: string[] = [];
  for (let r = 0; r < count; r++) out.push(shape(types.map((t, c) => `$${offset + r * width + c + 1}::${t}`)));
  return out.join(", ");
}
const NO_DELTA = Buffer.alloc(0);
const BATCH_FINDINGS = 60_000;

export class PanelStore {
  /** New panels, encoded. */
  private ready: Encoded[] = [];
  /** The JSON of the batch being gathered (its new panels, then its changed ones). */
  private out = new JsonWriter(1 << 20);
  /** Changed panels, waiting for their stored version to be read. */
  private changed: Pending[] = [];
  private pendingFindings = 0;
  private readonly seen = new Set<string>();
  private readonly finalized = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private readonly compressor = new BlobCompressor();
  readonly stats: PanelStoreStats = {
    panels: 0,
    unchanged: 0,
    created: 0,
    changed: 0,
    vanished: 0,
    changedFindings: 0,
    bytes: { state: 0, evidence: 0, delta: 0 },
    millis: { database: 0 },
  };

  constructor(
    private readonly db: Queryable,
    private readonly tenantId: string,
    private readonly evaluationId: number,
    private readonly index: ReadonlyMap<string, StoredPanelRef>,
    /** Per panel and run: counts with EXCEPTED split from FAIL, for scoring. */
    private readonly onCounts: (panel: OpenPanel, runId: number, counts: StatusCounts4, excepted: number) => void,
    private readonly isExcepted: (runId: number, panel: PanelAddress, key: string) => boolean,
  ) {}

  static async loadIndex(db: Queryable, tenantId: string): Promise<Map<string, StoredPanelRef>> {
    const res = await db.query(
      `select id, subject_type, account_id, region, bucket, digest, version, findings from compliance_panels where tenant_id = $1`,
      [tenantId],
    );
    return new Map(
      res.rows.map((r) => [
        panelKeyOf({ subjectType: r.subject_type, accountId: r.account_id, region: r.region, bucket: r.bucket }),
        {
          id: r.id as number,
          digest: r.digest as string,
          version: r.version as number,
          findings: r.findings as number,
        },
      ]),
    );
  }

  /** Takes finished panels; writes a batch when enough changed ones are waiting. */
  async submit(panels: OpenPanel[]): Promise<void> {
    for (const panel of panels) {
      const key = panelKeyOf(panel);
      if (this.finalized.has(key))
        throw new Error(
          `findings of panel ${key} arrived after it was stored (input not grouped by account and region)`,
        );
      this.finalized.add(key);
      this.seen.add(key);
      this.stats.panels++;
      this.count(panel);
      const digest = digestOf(panel);
      const ref = this.index.get(key) ?? null;
      if (ref && ref.digest === digest) {
        this.stats.unchanged++;
        continue;
      }
      this.pendingFindings += panel.keys.length;
      if (ref) this.changed.push({ panel, digest, ref });
      else this.ready.push(this.encode({ panel, digest, ref }, null, this.out));
    }
    if (this.ready.length + this.changed.length >= BATCH_PANELS || this.pendingFindings >= BATCH_FINDINGS)
      await this.writeBatch();
  }

  /** Writes what is left, and empties stored panels that no longer have any finding. */
  async finish(): Promise<PanelStoreStats> {
    for (const [key, ref] of this.index) {
      if (this.seen.has(key) || ref.findings === 0) continue;
      const [subjectType, accountId, region, bucket] = key.split("|") as [
        PanelAddress["subjectType"],
        string,
        string,
        string,
      ];
      const empty = emptyPanel({ subjectType, accountId, region, bucket });
      this.changed.push({ panel: empty, digest: digestOf(empty), ref });
      this.stats.vanished++;
    }
    try {
      await this.writeBatch();
      await this.writing;
    } finally {
      await this.close();
    }
    return this.stats;
  }

  /** Stops the compressor's thread (finish does; an evaluation that fails must too). */
  close(): Promise<void> {
    return this.compressor.close();
  }

  private count(panel: OpenPanel): void {
    const byRun = new Map<number, { c: StatusCounts4; x: number }>();
    for (let i = 0; i < panel.keys.length; i++) {
      const runId = panel.runIds[i]!;
      let r = byRun.get(runId);
      if (!r) byRun.set(runId, (r = { c: [0, 0, 0, 0], x: 0 }));
      const status: FindingStatus = panel.statuses[i]!;
      if (status === "FAIL" && this.isExcepted(runId, panel, panel.keys[i]!)) r.x++;
      else {
        const i = statusIndex(status);
        r.c[i] = r.c[i]! + 1;
      }
    }
    for (const [runId, r] of byRun) this.onCounts(panel, runId, r.c, r.x);
  }

  private async writeBatch(): Promise<void> {
    const batch = { ready: this.ready, changed: this.changed, out: this.out };
    this.ready = [];
    this.changed = [];
    this.pendingFindings = 0;
    if (batch.ready.length + batch.changed.length === 0) return;
    // The next batch's buffer starts at about this one's size (it is moved to the compressor).
    this.out = new JsonWriter(Math.max(1 << 16, batch.out.at * 2));
    // One batch in flight: the next one is prepared while Postgres writes this one.
    await this.writing;
    this.writing = this.write(batch.ready, batch.changed, batch.out);
    // Marked handled now; the error still surfaces at the next await of `writing`.
    this.writing.catch(() => undefined);
  }

  /** The panel's blobs as JSON into `out` (diffed against `prev`, its stored version, when it has one). */
  private encode(
    p: Pending,
    prev: { state: Buffer; evidence: Buffer; counts: Record<string, StatusCounts4>; version: number } | null,
    out: JsonWriter,
  ): Encoded {
    const E = this.evaluationId;
    // A new panel has no past: its history row says so (prev_version null) without a delta.
    const change = prev ? diffPanel(decodePanel(prev.state, prev.evidence), entriesOf(p.panel, E), E) : null;
    const columns = change ? columnsOf(change.entries) : { ...p.panel, since: E };
    const json = writePanelJson(columns, out);
    const lengths = [json.state, json.evidence];
    if (change) {
      const at = out.at;
      out.text(encodeDeltaJson(change.reverse));
      lengths.push(out.at - at);
    }
    const { subjectType, accountId, region, bucket } = p.panel;
    return {
      address: { subjectType, accountId, region, bucket },
      findings: p.panel.keys.length,
      digest: p.digest,
      ref: p.ref,
      prev: prev && { counts: prev.counts, version: prev.version },
      lengths,
      changedFindings: change ? change.reverse.length : columns.keys.length,
      counts: JSON.stringify(countColumns(columns)),
    };
  }

  private async write(ready: Encoded[], changed: Pending[], out: JsonWriter): Promise<void> {
    const E = this.evaluationId;
    const timed = async <T>(q: Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await q;
      } finally {
        this.stats.millis.database += performance.now() - t;
      }
    };
    // Changed panels join the new ones once their stored version is read.
    const encoded = ready;
    if (changed.length) {
      const res = await timed(
        this.db.query(`select id, version, state, evidence, counts from compliance_panels where id = any($1::int[])`, [
          changed.map((p) => p.ref!.id),
        ]),
      );
      const old = new Map(
        res.rows.map((r) => [
          r.id as number,
          {
            state: r.state as Buffer,
            evidence: r.evidence as Buffer,
            counts: r.counts as Record<string, StatusCounts4>,
            version: r.version as number,
          },
        ]),
      );
      for (const p of changed) encoded.push(this.encode(p, old.get(p.ref!.id) ?? null, out));
    }
    // Deflated in one round trip to the compressor's thread (the evaluation goes on meanwhile).
    const ends: number[] = [];
    let end = 0;
    for (const e of encoded) for (const n of e.lengths) ends.push((end += n));
    const { data, length } = out.detach();
    if (length !== end) throw new Error(`panel batch holds ${length} bytes of JSON, its panels ${end}`);
    const blobs = (await this.compressor.compressPacked(data, ends)).values();
    type Row = Encoded & { state: Buffer; evidence: Buffer; delta: Buffer };
    const inserts: Row[] = [];
    const updates: Array<Row & { id: number; prevCounts: string; prevVersion: number }> = [];
    for (const e of encoded) {
      const row: Row = {
        ...e,
        state: blobs.next().value!,
        evidence: blobs.next().value!,
        delta: e.lengths.length > 2 ? blobs.next().value! : NO_DELTA,
      };
      this.stats.changedFindings += e.changedFindings;
      this.stats.bytes.state += row.state.length;
      this.stats.bytes.evidence += row.evidence.length;
      this.stats.bytes.delta += row.delta.length;
      if (e.ref && e.prev) {
        this.stats.changed++;
        updates.push({ ...row, id: e.ref.id, prevCounts: JSON.stringify(e.prev.counts), prevVersion: e.prev.version });
      } else {
        this.stats.created++;
        inserts.push(row);
      }
    }
    // Blobs as parameters of their own (sent in binary), not in arrays (hex text, twice the size,
    // parsed back by the server).
    const history: Array<[number, number | null, Buffer, string]> = [];
    if (inserts.length) {
      const res = await timed(
        this.db.query(
          `insert into compliance_panels (tenant_id, subject_type, account_id, region, bucket, version, digest, state, evidence, counts, findings)
         values ${rows(inserts.length, 9, 2, ["text", "text", "text", "text", "text", "bytea", "bytea", "jsonb", "int"], (cells) => `($1, ${cells.slice(0, 4).join(", ")}, $2, ${cells.slice(4).join(", ")})`)} returning id, subject_type, account_id, region, bucket`,
          [
            this.tenantId,
            E,
            ...inserts.flatMap((x) => [
              x.address.subjectType,
              x.address.accountId,
              x.address.region,
              x.address.bucket,
              x.digest,
              x.state,
              x.evidence,
              x.counts,
              x.findings,
            ]),
          ],
        ),
      );
      const byKey = new Map(inserts.map((x) => [panelKeyOf(x.address), x]));
      for (const r of res.rows)
        history.push([
          r.id as number,
          null,
          byKey.get(
            panelKeyOf({ subjectType: r.subject_type, accountId: r.account_id, region: r.region, bucket: r.bucket }),
          )!.delta,
          "{}",
        ]);
    }
    if (updates.length) {
      await timed(
        this.db.query(
          `update compliance_panels p set version = $1, digest = u.d, state = u.s, evidence = u.e, counts = u.c, findings = u.n
           from (values ${rows(updates.length, 6, 1, ["int", "text", "bytea", "bytea", "jsonb", "int"])}) as u(id, d, s, e, c, n) where p.id = u.id`,
          [E, ...updates.flatMap((x) => [x.id, x.digest, x.state, x.evidence, x.counts, x.findings])],
        ),
      );
      for (const u of updates) history.push([u.id, u.prevVersion, u.delta, u.prevCounts]);
    }
    if (history.length) {
      await timed(
        this.db.query(
          `insert into compliance_panel_history (panel_id, evaluation_id, tenant_id, prev_version, delta, counts)
         values ${rows(history.length, 4, 2, ["int", "int", "bytea", "jsonb"], (cells) => `(${cells[0]}, $1, $2, ${cells.slice(1).join(", ")})`)}`,
          [E, this.tenantId, ...history.flat()],
        ),
      );
    }
  }
}
