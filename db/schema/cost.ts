import { check, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { tenants } from "./tenancy";

export const STORAGE_TIERS = ["warm", "cold"] as const;
export type StorageTier = (typeof STORAGE_TIERS)[number];

/**
 * A tenant's own per-GB-month price for one resource type and storage tier, replacing the published
 * one in its cost estimate: MSPs hold discounts (EDP, private pricing) that the list price ignores.
 */
export const backupPriceOverrides = pgTable(
  "backup_price_overrides",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    resourceType: text("resource_type").notNull(),
    tier: text("tier", { enum: STORAGE_TIERS }).notNull(),
    usdPerGbMonth: numeric("usd_per_gb_month", { precision: 12, scale: 6, mode: "number" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.resourceType, t.tier] }),
    check("backup_price_overrides_price_check", sql`${t.usdPerGbMonth} >= 0`),
  ],
);
export type BackupPriceOverrideRow = typeof backupPriceOverrides.$inferSelect;
