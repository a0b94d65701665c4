import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type pg from "pg";

// Several processes (web, workers, CLIs) may start at once; only one may migrate at a time.
const MIGRATION_LOCK = 7_270_001;

/** Applies the committed drizzle/ migrations; idempotent thanks to drizzle's journal table. */
export async function runMigrations(pool: pg.Pool, folder = path.resolve(process.cwd(), "drizzle")): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: folder });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
