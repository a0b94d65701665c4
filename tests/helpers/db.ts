import { inject } from "vitest";
import { createDb, type DbHandle } from "@/db";

/** The run's database (see global-db.ts); each test file opens its own small pool. */
export function testDb(): DbHandle {
  return createDb(inject("databaseUrl"), { max: 4, applicationName: "tests" });
}
