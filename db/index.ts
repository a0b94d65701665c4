import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; queries accept either, so callers compose them inside one transaction. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Conn = Db | Tx;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

// timestamptz and bigint arrive as Date and number; counts above 2^53 do not occur here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDb(
  url: string,
  options: { max?: number; applicationName?: string; serverOptions?: string } = {},
): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "backup-governance",
    ...(options.serverOptions ? { options: options.serverOptions } : {}),
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on("error", () => undefined);
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}

export { schema };
