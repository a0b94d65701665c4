import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, type DbHandle } from "./index";
import { runMigrations } from "./migrate";

export interface ScratchDatabase extends DbHandle {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, migrated database on the server of `serverUrl`, for a test run or a benchmark;
 * `drop()` closes its pool and removes it.
 */
export async function createScratchDatabase(
  serverUrl: string,
  o: { prefix: string; max?: number; applicationName?: string },
): Promise<ScratchDatabase> {
  const name = `${o.prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString(), { max: o.max ?? 4, applicationName: o.applicationName ?? o.prefix });
  await runMigrations(handle.pool);
  return {
    ...handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      await client.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await client.end();
    },
  };
}
