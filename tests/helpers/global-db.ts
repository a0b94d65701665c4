import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createDb } from "@/db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { readEnv } from "@/lib/env";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * A fresh, migrated database for this run on the real PostgreSQL at DATABASE_URL, or on the
 * embedded server when it is unset; dropped when the run ends.
 */
export default async function setup(project: TestProject) {
  const env = readEnv();
  let embedded: EmbeddedServer | undefined;
  let serverUrl: URL;
  if (env.DATABASE_URL) {
    serverUrl = new URL(env.DATABASE_URL);
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, database: "postgres" });
    serverUrl = new URL(embedded.url("postgres"));
  }
  const name = `bg_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const testUrl = new URL(serverUrl);
  testUrl.pathname = `/${name}`;
  const handle = createDb(testUrl.toString(), { max: 2 });
  await runMigrations(handle.pool);
  await handle.close();
  project.provide("databaseUrl", testUrl.toString());
  process.env.TEST_DATABASE_URL = testUrl.toString();

  return async () => {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
  };
}
