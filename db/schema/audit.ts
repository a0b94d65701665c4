import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only: the code has no update or delete path, a trigger refuses both (see the custom
 * migration), and each row carries the MAC of the previous one (db/audit.ts, `npm run audit:verify`).
 * Actor and tenant are copied by value, not foreign keys, so the log outlives what it describes.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull(),
    actorId: uuid("actor_id"),
    actorEmail: text("actor_email"),
    tenantId: uuid("tenant_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    ip: text("ip"),
    prevHash: text("prev_hash").notNull(),
    /** The row's MAC (HMAC-SHA256) when keyId is set, else its plain SHA-256 (rows written before the key). */
    hash: text("hash").notNull(),
    /** Id of the HMAC key that computed `hash` (db/audit-keys.ts); null on rows written before the log was keyed. */
    keyId: text("key_id"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_tenant_idx").on(t.tenantId, t.at),
    index("audit_log_actor_idx").on(t.actorId, t.at),
    index("audit_log_action_idx").on(t.action, t.at),
  ],
);
export type AuditRow = typeof auditLog.$inferSelect;
