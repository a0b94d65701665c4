import "server-only";
import { createDb, type DbHandle } from "@/db";
import { databaseUrl } from "@/lib/env";

// One pool per server process, kept across hot reloads in development.
const holder = globalThis as unknown as { __bgDb?: DbHandle };

export function getDb(): DbHandle["db"] {
  holder.__bgDb ??= createDb(databaseUrl(), { max: 10, applicationName: "backup-governance-web" });
  return holder.__bgDb.db;
}
