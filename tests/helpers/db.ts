import { inject } from "vitest";
import { createDb, type DbHandle } from "@/db";
import { createScratchDatabase, type ScratchDatabase } from "@/db/scratch";

/** The run's database (see global-db.ts); each test file opens its own small pool. */
export function testDb(): DbHandle {
  return createDb(inject("databaseUrl"), { max: 4, applicationName: "tests" });
}

/**
 * A database of its own, migrated, for tests that break shared state on purpose (tampering with
 * the audit chain) or must not share a queue; `drop()` removes it.
 */
export function isolatedDb(): Promise<ScratchDatabase> {
  return createScratchDatabase(inject("databaseUrl"), { prefix: "bg_iso", applicationName: "tests" });
}
