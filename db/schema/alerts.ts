import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { tenants } from "./tenancy";

// Alerts (lib/alerts): rules name an event kind and the channels it goes to; detection writes an
// event per (rule, dedup key) — unique, so a retried detection job or an unchanged finding adds
// nothing — and a delivery per (event, channel): the delivery log the dispatcher works through.
// Actors are kept by value (id and email) like the audit log.

export const ALERT_CHANNEL_KINDS = ["webhook", "slack", "email", "feed"] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const ALERT_EVENT_KINDS = [
  "control_failed",
  "score_dropped",
  "sync_unit_failed_twice",
  "job_failure_spike",
  "exception_expired",
  "policy_drift",
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export const ALERT_DELIVERY_STATUSES = ["pending", "retrying", "muted", "sent", "failed"] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];

export const ALERT_DIGEST_FREQUENCIES = ["daily", "weekly"] as const;
export type AlertDigestFrequency = (typeof ALERT_DIGEST_FREQUENCIES)[number];

const inList = (column: unknown, values: readonly string[]) =>
  sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(", "))})`;

export const alertChannels = pgTable(
  "alert_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: ALERT_CHANNEL_KINDS }).notNull(),
    /** Webhook or Slack URL; email recipients comma-separated; "" for a feed. */
    target: text("target").notNull(),
    /**
     * Webhook: the HMAC key; feed: the bearer token's SHA-256 (the token itself is shown once).
     * Never returned by list functions nor logged.
     */
    secret: text("secret"),
    /** Lets the URL resolve to loopback/private addresses; only an admin may set it. */
    allowPrivateAddress: boolean("allow_private_address").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("alert_channels_tenant_name").on(t.tenantId, t.name),
    check("alert_channels_kind_check", inList(t.kind, ALERT_CHANNEL_KINDS)),
  ],
);
export type AlertChannelRow = typeof alertChannels.$inferSelect;

/** Days 0–6 (Sunday 0), local times "HH:MM" in `timeZone`; `to` ≤ `from` spans midnight. */
export interface MuteSchedule {
  days: number[];
  from: string;
  to: string;
  timeZone: string;
}

export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: ALERT_EVENT_KINDS }).notNull(),
    /** Validated per kind on every write and read (lib/alerts/rule-params.ts). */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    channelIds: uuid("channel_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    mute: jsonb("mute").$type<MuteSchedule | null>(),
    enabled: boolean("enabled").notNull().default(true),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("alert_rules_tenant_name").on(t.tenantId, t.name),
    index("alert_rules_tenant_kind_idx").on(t.tenantId, t.kind),
    check("alert_rules_kind_check", inList(t.kind, ALERT_EVENT_KINDS)),
  ],
);
export type AlertRuleRow = typeof alertRules.$inferSelect;

export const alertEvents = pgTable(
  "alert_events",
  {
    /** Increasing: the feed's cursor. */
    seq: integer("seq").generatedAlwaysAsIdentity(),
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ALERT_EVENT_KINDS }).notNull(),
    /** What makes two detections the same event (lib/alerts/detect-*.ts say what, per kind). */
    dedupKey: text("dedup_key").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    /** Absolute link back to the finding, score, unit or policy in the app. */
    link: text("link").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("alert_events_rule_dedup").on(t.ruleId, t.dedupKey),
    uniqueIndex("alert_events_seq").on(t.seq),
    index("alert_events_tenant_idx").on(t.tenantId, t.seq),
    // The digest's period and retention read events by time.
    index("alert_events_tenant_created_idx").on(t.tenantId, t.createdAt),
  ],
);
export type AlertEventRow = typeof alertEvents.$inferSelect;

/** The delivery log: one row per event and channel (a test send has no event). */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    eventId: uuid("event_id").references(() => alertEvents.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => alertChannels.id, { onDelete: "cascade" }),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    /** A worker holds the delivery until then; another may take it over after. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    /** One line a user may read: never a secret nor a URL's credentials. */
    lastError: text("last_error"),
    responseStatus: integer("response_status"),
    /** Sent together with other events in one message (the batch's first delivery). */
    batchedWith: uuid("batched_with"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("alert_deliveries_event_channel").on(t.eventId, t.channelId),
    index("alert_deliveries_tenant_idx").on(t.tenantId, t.createdAt),
    index("alert_deliveries_due")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'retrying', 'muted')`),
    check("alert_deliveries_status_check", inList(t.status, ALERT_DELIVERY_STATUSES)),
  ],
);
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;

export const alertDigestSubscriptions = pgTable(
  "alert_digest_subscriptions",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    frequency: text("frequency", { enum: ALERT_DIGEST_FREQUENCIES }).notNull(),
    /** The end of the last period sent: the next digest covers from here. */
    lastSentAt: timestamp("last_sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.tenantId] }),
    index("alert_digest_subscriptions_tenant_idx").on(t.tenantId),
    check("alert_digest_frequency_check", inList(t.frequency, ALERT_DIGEST_FREQUENCIES)),
  ],
);
export type AlertDigestSubscriptionRow = typeof alertDigestSubscriptions.$inferSelect;

/** Each digest sent (or failed): the digest's delivery log. */
export const alertDigestDeliveries = pgTable(
  "alert_digest_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    events: integer("events").notNull(),
    status: text("status", { enum: ["sent", "failed"] }).notNull(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("alert_digest_deliveries_period").on(t.userId, t.tenantId, t.periodEnd),
    index("alert_digest_deliveries_tenant_idx").on(t.tenantId, t.createdAt),
  ],
);
