import { ColumnBuffer, deleteMissing, deleteMissingStaged, mergeStaged, stageRows, upsertRows, type Queryable } from "./bulk";
import type { TableSpec } from "./table-specs";

// Where a unit's pages of one big entity go while the unit is read. Rows are held in memory up
// to `spillAt`; past that, every page is written to the staging table as it arrives, so memory
// stays bounded however large a vault is. Nothing reaches the current table until publish().

export interface SinkContext {
  /** For staging writes during the read (short statements on the pool, not the publish transaction). */
  pool: Queryable;
  attemptId: string;
  scope: readonly string[];
  spillAt: number;
}

export class RowSink<T> {
  private buf: ColumnBuffer;
  private spilled = false;
  /** Rows read (before de-duplication). */
  read = 0;

  constructor(
    readonly spec: TableSpec<T>,
    private readonly ctx: SinkContext,
  ) {
    this.buf = new ColumnBuffer(spec.key.length + spec.columns.length);
  }

  get isSpilled(): boolean {
    return this.spilled;
  }

  async add(rows: readonly T[]): Promise<void> {
    for (const r of rows) this.buf.push(this.spec.values(r));
    this.read += rows.length;
    if (this.buf.length >= this.ctx.spillAt) await this.flush(this.ctx.pool);
  }

  private async flush(db: Queryable): Promise<void> {
    if (this.buf.length === 0) return;
    await stageRows(db, this.spec, this.ctx.attemptId, this.ctx.scope, this.buf);
    this.spilled = true;
    this.buf = new ColumnBuffer(this.buf.width);
  }

  /**
   * Inside the publish transaction: upsert what was read and, when the read was complete for the
   * whole unit (`replace`), delete the unit's rows it did not see. Returns rows changed.
   */
  async publish(tx: Queryable, replace: boolean, fresh = false): Promise<number> {
    if (this.spilled) {
      await this.flush(tx);
      const changed = await mergeStaged(tx, this.spec, this.ctx.attemptId, fresh);
      return changed + (replace && !fresh ? await deleteMissingStaged(tx, this.spec, this.ctx.attemptId, this.ctx.scope) : 0);
    }
    return sumOf([upsertRows(tx, this.spec, this.ctx.scope, this.buf, fresh), replace && !fresh ? deleteMissing(tx, this.spec, this.ctx.scope, this.buf) : 0]);
  }
}

/** Small entities (bounded by AWS quotas per unit) are published straight from memory. */
export async function publishRows<T>(tx: Queryable, spec: TableSpec<T>, scope: readonly string[], rows: readonly T[], replace = true, fresh = false): Promise<number> {
  const buf = new ColumnBuffer(spec.key.length + spec.columns.length);
  for (const r of rows) buf.push(spec.values(r));
  return sumOf([upsertRows(tx, spec, scope, buf, fresh), replace && !fresh ? deleteMissing(tx, spec, scope, buf) : 0]);
}

/**
 * Sums statements that were all sent before any answer came back: pg queues them on the
 * connection and sends each as the previous one completes, with no trip through our (busy)
 * event loop in between. A publish is ~25 statements; awaiting each cost more than running it.
 */
export async function sumOf(parts: ReadonlyArray<Promise<number> | number>): Promise<number> {
  return (await Promise.all(parts)).reduce((a, b) => a + b, 0);
}
