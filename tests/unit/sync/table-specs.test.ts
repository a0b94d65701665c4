import { describe, expect, it } from "vitest";
import { getTableColumns, getTableName, is, type Table } from "drizzle-orm";
import { integer, PgTable, pgTable, text, uuid } from "drizzle-orm/pg-core";
import * as schema from "@/db/schema";
import * as specs from "@/lib/sync/table-specs";
import { ORG_SPECS } from "@/lib/sync/org-publish";
import type { TableSpec } from "@/lib/sync/table-specs";

// The sync writes every column of every inventory table: its column lists are the drizzle
// schema's, so a column added there cannot be left out of the writes.

/** Columns the sync leaves null on purpose. */
const UNWRITTEN: Record<string, string[]> = { backup_selections: ["creation_date"] };

const allSpecs: TableSpec<never>[] = [
  ...Object.values(specs).filter((v): v is TableSpec<never> => typeof v === "object" && v !== null && "table" in v),
  ...(ORG_SPECS as unknown as TableSpec<never>[]),
];
const tables = new Map<string, Table>();
for (const v of Object.values(schema)) if (is(v, PgTable)) tables.set(getTableName(v), v);
const written = (s: TableSpec<never>) => [...s.scope, ...s.key.map(([n]) => n), ...s.columns.map(([n]) => n)];

describe("table specs", () => {
  it("cover the inventory and organization tables", () => {
    expect(allSpecs.map((s) => s.table).sort()).toEqual([
      "backup_jobs",
      "backup_plan_versions",
      "backup_plans",
      "backup_rules",
      "backup_selections",
      "backup_vault_shares",
      "backup_vaults",
      "copy_jobs",
      "global_settings",
      "org_accounts",
      "org_delegated_admins",
      "org_effective_policies",
      "org_organizations",
      "org_policies",
      "org_units",
      "protected_resources",
      "recovery_points",
      "region_settings",
      "resources",
      "restore_jobs",
      "restore_testing_plans",
      "scan_jobs",
    ]);
  });

  it.each(allSpecs.map((s) => [s.table, s] as const))("%s writes every column of its schema table", (name, s) => {
    const table = tables.get(name)!;
    const schemaColumns = Object.values(getTableColumns(table)).map((c) => c.name);
    expect([...written(s), ...(UNWRITTEN[name] ?? [])].sort()).toEqual([...schemaColumns].sort());
    expect(new Set(written(s)).size).toBe(written(s).length);
  });

  it("maps a row to one value per key and column, in their order", () => {
    const s = specs.protectedResourceSpec;
    const values = s.values({
      accountId: "111122223333",
      region: "eu-west-1",
      resourceArn: "arn:aws:s3:::b",
      resourceType: "S3",
      resourceName: "b",
      lastBackupTime: null,
      lastBackupVaultArn: "arn:vault",
      lastRecoveryPointArn: "arn:rp",
    });
    expect(Object.fromEntries([...s.key, ...s.columns].map(([n], i) => [n, values[i]]))).toEqual({
      resource_arn: "arn:aws:s3:::b",
      resource_type: "S3",
      resource_name: "b",
      last_backup_time: null,
      last_backup_vault_arn: "arn:vault",
      last_recovery_point_arn: "arn:rp",
    });
  });

  it("follows a column added to the table, and refuses a table whose column has no value", () => {
    const columns = {
      tenantId: uuid("tenant_id").notNull(),
      itemId: text("item_id").notNull(),
      size: integer("size"),
    };
    const widened = pgTable("items", { ...columns, label: text("label") });
    type Row = { id: string; size: number; label: string };
    const spec = specs.tableSpec<Row>()(widened, {
      scope: ["tenantId"],
      key: ["itemId"],
      values: { itemId: (r) => r.id, size: (r) => r.size, label: (r) => r.label },
    });
    expect(spec.columns).toEqual([
      ["size", "int4"],
      ["label", "text"],
    ]);
    expect(spec.values({ id: "a", size: 2, label: "x" })).toEqual(["a", 2, "x"]);
    expect(() =>
      specs.tableSpec<Row>()(widened, {
        scope: ["tenantId"],
        key: ["itemId"],
        // @ts-expect-error label has no mapper: the type refuses it, and so does the runtime check
        values: { itemId: (r) => r.id, size: (r) => r.size },
      }),
    ).toThrow("items.label has no value mapper");
  });
});
