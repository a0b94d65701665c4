import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type DbHandle } from "@/db";
import { runMigrations } from "@/db/migrate";

/** The run's database (see global-db.ts); each test file opens its own small pool. */
export function testDb(): DbHandle {
  return createDb(inject("databaseUrl"), { max: 4, applicationName: "tests" });
}

/**
 * A database of its own, migrated, for tests that break shared state on purpose (tampering with
 * the audit chain); `drop()` removes it.
 */
export async function isolatedDb(): Promise<DbHandle & { url: string; drop(): Promise<void> }> {
  const base = new URL(inject("databaseUrl"));
  const name = `bg_iso_${randomBytes(4).toString("hex")}`;
  const admin = new URL(base);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString(), { max: 4, applicationName: "tests" });
  await runMigrations(handle.pool);
  return {
    ...handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
