import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  boolean,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

// Scheduled report delivery: a schedule names a report (spec), when (cron) and where (destination);
// each cron slot (or "run now") is one delivery, the log of what was sent. The slot is unique per
// schedule, so a slot starts at most one delivery however many workers tick. Actors are kept by
// value (id and email) like the audit log, so a schedule outlives the user who made it.

export const REPORT_DESTINATION_KINDS = ["folder", "s3", "email"] as const;
export type ReportDestinationKind = (typeof REPORT_DESTINATION_KINDS)[number];

export const REPORT_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type ReportDeliveryStatus = (typeof REPORT_DELIVERY_STATUSES)[number];

export const reportSchedules = pgTable(
  "report_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** ReportScheduleSpec (lib/reports/schedules/spec.ts), validated on every write and read. */
    spec: jsonb("spec").notNull(),
    /** Five-field UTC cron, the format of tenants.sync_schedule (lib/sync/cron.ts). */
    cron: text("cron").notNull(),
    destinationKind: text("destination_kind", { enum: REPORT_DESTINATION_KINDS }).notNull(),
    /** Folder path, S3 bucket/prefix/region or email recipients (lib/reports/schedules/destination.ts); never secrets. */
    destination: jsonb("destination").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    /** Deliveries failed in a row (after their retries); a delivered one resets it. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    /** Set when the failures in a row reached the alert threshold; cleared by a delivery. */
    failingSince: timestamp("failing_since", { withTimezone: true }),
    lastError: text("last_error"),
  },
  (t) => [
    uniqueIndex("report_schedules_tenant_name").on(t.tenantId, t.name),
    check("report_schedules_destination_kind_check", sql`${t.destinationKind} in ('folder', 's3', 'email')`),
  ],
);
export type ReportScheduleRow = typeof reportSchedules.$inferSelect;

export const reportDeliveries = pgTable(
  "report_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scheduleId: uuid("schedule_id")
      .notNull()
      .references(() => reportSchedules.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The cron slot, or the moment of a "run now". */
    slot: timestamp("slot", { withTimezone: true }).notNull(),
    trigger: text("trigger", { enum: ["schedule", "manual"] }).notNull(),
    status: text("status", { enum: REPORT_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When a pending delivery may be attempted (first try, or after a retry's backoff). */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    /** A worker holds the delivery until then; another may take it over after. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    /** The last attempt's error, as a user may read it (never credentials). */
    error: text("error"),
    files: jsonb("files").$type<string[]>().notNull().default([]),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("report_deliveries_schedule_slot").on(t.scheduleId, t.slot),
    index("report_deliveries_due")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    check("report_deliveries_status_check", sql`${t.status} in ('pending', 'delivered', 'failed')`),
  ],
);
export type ReportDeliveryRow = typeof reportDeliveries.$inferSelect;
