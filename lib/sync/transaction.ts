import type pg from "pg";

// A commit lost in a server crash only undoes that unit's publish (its claim then times out and
// the unit is read again), so the sync does not wait for each commit's fsync.
const ASYNC_COMMIT = "set local synchronous_commit = off";

/**
 * Runs `fn` in one transaction on a client of `pool`; `first` runs right after BEGIN (settings,
 * an advisory lock). Rolls back and rethrows when anything fails.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  first: readonly string[] = [ASYNC_COMMIT],
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    for (const statement of first) await client.query(statement);
    const out = await fn(client);
    await client.query("commit");
    return out;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
