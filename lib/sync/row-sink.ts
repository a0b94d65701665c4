import {
  ColumnBuffer,
  deleteMissingStagedStatement,
  deleteMissingStatement,
  mergeStagedStatement,
  stageRows,
  upsertStatement,
  type DeleteFilter,
  type Queryable,
  type Statement,
} from "./bulk";
import type { TableSpec } from "./table-specs";

// Where a unit's pages of one big entity go while the unit is read. Rows are held in memory up
// to `spillAt`; past that, every page is written to the staging table as it arrives, so memory
// stays bounded however large a vault is. Nothing reaches the current table until publish.

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
    // Swap before waiting: several vaults' pages flow into one sink at once, and rows added
    // while this batch is on its way belong to the next one.
    const batch = this.buf;
    this.buf = new ColumnBuffer(batch.width);
    this.spilled = true;
    await stageRows(db, this.spec, this.ctx.attemptId, this.ctx.scope, batch);
  }

  /**
   * The statements that make what was read current: upsert, and (when the read was complete for
   * the whole unit, `replace`) delete of the unit's rows it did not see. A spilled sink first
   * writes its last rows to staging on `tx`, so the merge sees them.
   */
  async statements(tx: Queryable, replace: boolean, fresh = false): Promise<Statement[]> {
    if (this.spilled) {
      await this.flush(tx);
      return [
        mergeStagedStatement(this.spec, this.ctx.attemptId, fresh),
        ...(replace && !fresh ? [deleteMissingStagedStatement(this.spec, this.ctx.attemptId, this.ctx.scope)] : []),
      ];
    }
    return rowsStatements(this.spec, this.ctx.scope, this.buf, replace, fresh);
  }

  /**
   * Upsert of what was read, and delete of the unit's rows it did not see among those `filter`
   * admits (the part of the unit the read covered).
   */
  async partialStatements(tx: Queryable, filter: DeleteFilter): Promise<Statement[]> {
    if (this.spilled) {
      await this.flush(tx);
      return [
        mergeStagedStatement(this.spec, this.ctx.attemptId),
        deleteMissingStagedStatement(this.spec, this.ctx.attemptId, this.ctx.scope, filter),
      ];
    }
    const upsert = upsertStatement(this.spec, this.ctx.scope, this.buf);
    return [...(upsert ? [upsert] : []), deleteMissingStatement(this.spec, this.ctx.scope, this.buf, filter)];
  }
}

function rowsStatements<T>(
  spec: TableSpec<T>,
  scope: readonly string[],
  buf: ColumnBuffer,
  replace: boolean,
  fresh: boolean,
): Statement[] {
  const out: Statement[] = [];
  const upsert = upsertStatement(spec, scope, buf, fresh);
  if (upsert) out.push(upsert);
  if (replace && !fresh) out.push(deleteMissingStatement(spec, scope, buf));
  return out;
}

/** Small entities (bounded by AWS quotas per unit) are published straight from memory. */
export function publishStatements<T>(
  spec: TableSpec<T>,
  scope: readonly string[],
  rows: readonly T[],
  replace = true,
  fresh = false,
): Statement[] {
  const buf = new ColumnBuffer(spec.key.length + spec.columns.length);
  for (const r of rows) buf.push(spec.values(r));
  return rowsStatements(spec, scope, buf, replace, fresh);
}
