import { afterAll, describe, expect, it } from "vitest";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";
import * as specs from "@/lib/sync/table-specs";
import { ORG_SPECS } from "@/lib/sync/org-publish";
import type { TableSpec } from "@/lib/sync/table-specs";
import { testDb } from "../../helpers/db";

// The migrated database has the columns the schema declares, and each staging table (made with
// LIKE when it was created, so it does not follow later ALTERs of its table by itself) has its
// table's columns: a migration that adds a column to an inventory table must add it there too.

const handle = testDb();
afterAll(() => handle.close());

const allSpecs: TableSpec<never>[] = [
  ...Object.values(specs).filter((v): v is TableSpec<never> => typeof v === "object" && v !== null && "table" in v),
  ...(ORG_SPECS as unknown as TableSpec<never>[]),
];

async function columnsOf(table: string): Promise<string[]> {
  const res = await handle.pool.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1`,
    [table],
  );
  return res.rows.map((r) => r.column_name).sort();
}

describe("the database's columns", () => {
  it("are the schema's for every table", async () => {
    for (const v of Object.values(schema)) {
      if (!is(v, PgTable)) continue;
      const name = getTableName(v);
      const declared = Object.values(getTableColumns(v)).map((c) => c.name);
      expect({ name, columns: await columnsOf(name) }).toEqual({ name, columns: [...declared].sort() });
    }
  });

  it.each(allSpecs.filter((s) => s.staging).map((s) => [s.staging!, s] as const))(
    "%s has its table's columns and the attempt id",
    async (staging, s) => {
      expect(await columnsOf(staging)).toEqual(["attempt_id", ...(await columnsOf(s.table))].sort());
    },
  );
});
