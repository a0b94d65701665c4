import "server-only";
import { createDb, type DbHandle } from "@/db";
import { databaseUrl, readEnv } from "@/lib/env";

// One pool per server process, kept across hot reloads in development.
const holder = globalThis as unknown as { __bgDb?: DbHandle };

export function getDb(): DbHandle["db"] {
  // Page queries are short index scans: JIT compilation only adds ~30 ms to each, and a query that
  // runs away is stopped rather than holding the web tier (exports are many short queries).
  // The URL is read at the first use, not when lib/env was first imported: a test points it at its
  // own database before that.
  holder.__bgDb ??= createDb(databaseUrl(readEnv()), {
    max: 10,
    applicationName: "backup-governance-web",
    serverOptions: "-c jit=off -c statement_timeout=30000",
  });
  return holder.__bgDb.db;
}
