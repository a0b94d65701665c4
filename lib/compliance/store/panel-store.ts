// Stores an evaluation's findings as panels, writing only what changed. Findings are collected per
// (subject type, account, region) while the evaluation streams; at each boundary the finished
// panels are digested, and only those whose digest differs from the stored one are read back,
// diffed, and rewritten with a reverse delta in their history. Writes go out in batches (one
// statement per batch and kind, arrays through unnest) inside the evaluation's transaction.
import type { Evidence, Finding, FindingStatus } from "@/lib/compliance/model/finding";
import type { Queryable } from "@/lib/compliance/load/load-snapshot";
import { countEntries, decodePanel, encodeDelta, encodePanel, statusIndex, type PanelAddress, type PanelEntry, type StatusCounts4 } from "./panel-codec";
import { diffPanel, PanelDigest } from "./panel-diff";

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

export const panelKeyOf = (a: PanelAddress) => `${a.subjectType}|${a.accountId}|${a.region}`;

const emptyPanel = (a: PanelAddress): OpenPanel => ({ ...a, keys: [], types: [], runIds: [], statuses: [], reasons: [], evidence: [] });

export function entriesOf(p: OpenPanel, since: number): PanelEntry[] {
  return p.keys.map((key, i) => ({ key, resourceType: p.types[i]!, runId: p.runIds[i]!, status: p.statuses[i]!, since, reason: p.reasons[i]!, evidence: p.evidence[i]! }));
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

  constructor(private readonly runIdOf: ReadonlyMap<string, number>) {}

  add(runKey: string, f: Finding): void {
    const s = f.subject;
    const region = s.region ?? "";
    let p = this.last;
    if (!p || p.subjectType !== s.type || p.accountId !== s.accountId || p.region !== region) {
      const key = `${s.type}|${s.accountId}|${region}`;
      p = this.open.get(key) ?? null;
      if (!p) this.open.set(key, (p = emptyPanel({ subjectType: s.type, accountId: s.accountId, region })));
      this.last = p;
    }
    const runId = this.runIdOf.get(runKey);
    if (runId === undefined) throw new Error(`finding for a run that was not registered: ${runKey}`);
    p.keys.push(s.id);
    p.types.push(s.resourceType);
    p.runIds.push(runId);
    p.statuses.push(f.status);
    p.reasons.push(f.reason);
    p.evidence.push(f.evidence);
  }

  /** Hands over every open panel (their findings are complete) and starts afresh. */
  take(): OpenPanel[] {
    const out = [...this.open.values()];
    this.open.clear();
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
}

interface Pending {
  panel: OpenPanel;
  digest: string;
  ref: StoredPanelRef | null;
}

const BATCH_PANELS = 400;
const NO_DELTA = Buffer.alloc(0);
const BATCH_FINDINGS = 60_000;

export class PanelStore {
  private pending: Pending[] = [];
  private pendingFindings = 0;
  private readonly seen = new Set<string>();
  private readonly finalized = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  readonly stats: PanelStoreStats = { panels: 0, unchanged: 0, created: 0, changed: 0, vanished: 0, changedFindings: 0, bytes: { state: 0, evidence: 0, delta: 0 } };

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
    const res = await db.query(`select id, subject_type, account_id, region, digest, version, findings from compliance_panels where tenant_id = $1`, [tenantId]);
    return new Map(
      res.rows.map((r) => [panelKeyOf({ subjectType: r.subject_type, accountId: r.account_id, region: r.region }), { id: r.id as number, digest: r.digest as string, version: r.version as number, findings: r.findings as number }]),
    );
  }

  /** Takes finished panels; writes a batch when enough changed ones are waiting. */
  async submit(panels: OpenPanel[]): Promise<void> {
    for (const panel of panels) {
      const key = panelKeyOf(panel);
      if (this.finalized.has(key)) throw new Error(`findings of panel ${key} arrived after it was stored (input not grouped by account and region)`);
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
      this.pending.push({ panel, digest, ref });
      this.pendingFindings += panel.keys.length;
    }
    if (this.pending.length >= BATCH_PANELS || this.pendingFindings >= BATCH_FINDINGS) await this.writeBatch();
  }

  /** Writes what is left, and empties stored panels that no longer have any finding. */
  async finish(): Promise<PanelStoreStats> {
    for (const [key, ref] of this.index) {
      if (this.seen.has(key) || ref.findings === 0) continue;
      const [subjectType, accountId, region] = key.split("|") as [PanelAddress["subjectType"], string, string];
      const empty = emptyPanel({ subjectType, accountId, region });
      this.pending.push({ panel: empty, digest: digestOf(empty), ref });
      this.stats.vanished++;
    }
    await this.writeBatch();
    await this.writing;
    return this.stats;
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
    const batch = this.pending;
    this.pending = [];
    this.pendingFindings = 0;
    if (batch.length === 0) return;
    // One batch in flight: the next one is prepared while Postgres writes this one.
    await this.writing;
    this.writing = this.write(batch);
    // Marked handled now; the error still surfaces at the next await of `writing`.
    this.writing.catch(() => undefined);
  }

  private async write(batch: Pending[]): Promise<void> {
    const E = this.evaluationId;
    const existing = batch.filter((p) => p.ref).map((p) => p.ref!.id);
    const old = new Map<number, { state: Buffer; evidence: Buffer; counts: Record<string, StatusCounts4>; version: number }>();
    if (existing.length) {
      const res = await this.db.query(`select id, version, state, evidence, counts from compliance_panels where id = any($1::int[])`, [existing]);
      for (const r of res.rows) old.set(r.id as number, { state: r.state as Buffer, evidence: r.evidence as Buffer, counts: r.counts as Record<string, StatusCounts4>, version: r.version as number });
    }
    const inserts: Array<{ p: Pending; state: Buffer; evidence: Buffer; counts: string; delta: Buffer }> = [];
    const updates: Array<{ id: number; p: Pending; state: Buffer; evidence: Buffer; counts: string; delta: Buffer; prevCounts: string; prevVersion: number }> = [];
    for (const p of batch) {
      const prev = p.ref ? old.get(p.ref.id) : undefined;
      // A new panel has no past: its history row says so (prev_version null) without a delta.
      const change = prev ? diffPanel(decodePanel(prev.state, prev.evidence), entriesOf(p.panel, E), E) : { entries: entriesOf(p.panel, E), reverse: null };
      const enc = encodePanel(change.entries);
      const delta = change.reverse ? encodeDelta(change.reverse) : NO_DELTA;
      this.stats.changedFindings += change.reverse ? change.reverse.length : change.entries.length;
      this.stats.bytes.state += enc.state.length;
      this.stats.bytes.evidence += enc.evidence.length;
      this.stats.bytes.delta += delta.length;
      const counts = JSON.stringify(countEntries(change.entries));
      if (p.ref && prev) {
        this.stats.changed++;
        updates.push({ id: p.ref.id, p, ...enc, counts, delta, prevCounts: JSON.stringify(prev.counts), prevVersion: prev.version });
      } else {
        this.stats.created++;
        inserts.push({ p, ...enc, counts, delta });
      }
    }
    const history: { ids: number[]; deltas: Buffer[]; counts: string[]; prev: Array<number | null> } = { ids: [], deltas: [], counts: [], prev: [] };
    if (inserts.length) {
      const res = await this.db.query(
        `insert into compliance_panels (tenant_id, subject_type, account_id, region, version, digest, state, evidence, counts, findings)
         select $1, u.t, u.a, u.r, $2, u.d, u.s, u.e, u.c, u.n from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::bytea[], $9::jsonb[], $10::int[]) with ordinality as u(t, a, r, d, s, e, c, n, i)
         order by u.i returning id`,
        [
          this.tenantId,
          E,
          inserts.map((x) => x.p.panel.subjectType),
          inserts.map((x) => x.p.panel.accountId),
          inserts.map((x) => x.p.panel.region),
          inserts.map((x) => x.p.digest),
          inserts.map((x) => x.state),
          inserts.map((x) => x.evidence),
          inserts.map((x) => x.counts),
          inserts.map((x) => x.p.panel.keys.length),
        ],
      );
      res.rows.forEach((r, i) => {
        history.ids.push(r.id as number);
        history.deltas.push(inserts[i]!.delta);
        history.counts.push("{}");
        history.prev.push(null);
      });
    }
    if (updates.length) {
      await this.db.query(
        `update compliance_panels p set version = $1, digest = u.d, state = u.s, evidence = u.e, counts = u.c, findings = u.n
           from unnest($2::int[], $3::text[], $4::bytea[], $5::bytea[], $6::jsonb[], $7::int[]) as u(id, d, s, e, c, n) where p.id = u.id`,
        [E, updates.map((x) => x.id), updates.map((x) => x.p.digest), updates.map((x) => x.state), updates.map((x) => x.evidence), updates.map((x) => x.counts), updates.map((x) => x.p.panel.keys.length)],
      );
      for (const u of updates) {
        history.ids.push(u.id);
        history.deltas.push(u.delta);
        history.counts.push(u.prevCounts);
        history.prev.push(u.prevVersion);
      }
    }
    if (history.ids.length) {
      await this.db.query(
        `insert into compliance_panel_history (panel_id, evaluation_id, tenant_id, prev_version, delta, counts)
         select u.id, $1, $2, u.v, u.d, u.c from unnest($3::int[], $4::int[], $5::bytea[], $6::jsonb[]) as u(id, v, d, c)`,
        [E, this.tenantId, history.ids, history.prev, history.deltas, history.counts],
      );
    }
  }
}
