import { sql } from "drizzle-orm";
import {
  bigint,
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
import { tenants } from "./tenancy";

// The sync's own bookkeeping: runs (history), the units of each run (per-unit errors and
// progress), and the current freshness of every unit's published snapshot.

export const SYNC_TRIGGERS = ["manual", "schedule", "cli", "demo"] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

/** queued → running → succeeded | partial (some units failed) | failed (nothing could be read). */
export const SYNC_RUN_STATUSES = ["queued", "running", "succeeded", "partial", "failed"] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES = ["queued", "running"] as const satisfies readonly SyncRunStatus[];

export const SYNC_PHASES = ["queued", "discovering", "inventory", "done"] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

/** Same values as UnitStatus in lib/inventory/types.ts. */
export const UNIT_STATUSES = ["pending", "running", "ok", "failed", "skipped"] as const;
/** "org": the organization tree and policies (one per run); "region": one (account, region). */
export const UNIT_KINDS = ["org", "region"] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Region value of the organization unit (Organizations is a global service). */
export const ORG_UNIT_REGION = "global";

export const syncRuns = pgTable(
  "sync_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    trigger: text("trigger", { enum: SYNC_TRIGGERS }).notNull(),
    requestedById: uuid("requested_by_id"),
    requestedByEmail: text("requested_by_email"),
    /** For scheduled runs: the cron slot, so that many workers enqueue a slot only once. */
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
    status: text("status", { enum: SYNC_RUN_STATUSES }).notNull().default("queued"),
    phase: text("phase", { enum: SYNC_PHASES }).notNull().default("queued"),
    unitsTotal: integer("units_total").notNull().default(0),
    /** Run-level failure (the management role could not be assumed, …): a sentence a person can act on. */
    error: text("error"),
    errorKind: text("error_kind"),
    /** Final tallies (unit counts, AWS calls, entity counts with the simulator's names). */
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    coordinatorId: text("coordinator_id"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** Set when a worker put the run's first job on the queue (the web only writes the row). */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("sync_runs_tenant_idx").on(t.tenantId, t.createdAt),
    // One sync per tenant at a time: the database, not the queue, is the authority.
    uniqueIndex("sync_runs_one_active_key")
      .on(t.tenantId)
      .where(sql`status in ('queued', 'running')`),
    uniqueIndex("sync_runs_schedule_slot_key").on(t.tenantId, t.scheduledFor),
    index("sync_runs_active_idx")
      .on(t.status)
      .where(sql`status in ('queued', 'running')`),
    index("sync_runs_undispatched_idx")
      .on(t.createdAt)
      .where(sql`dispatched_at is null`),
  ],
);
export type SyncRun = typeof syncRuns.$inferSelect;

export const syncRunUnits = pgTable(
  "sync_run_units",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull(),
    kind: text("kind", { enum: UNIT_KINDS }).notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    accountName: text("account_name"),
    status: text("status", { enum: UNIT_STATUSES }).notNull().default("pending"),
    /** Incremented by every claim; a publish must still hold the claim it started with. */
    attempt: integer("attempt").notNull().default(0),
    /** Staging rows of the current attempt (deleted when a dead worker's unit is claimed again). */
    stagingAttemptId: bigint("staging_attempt_id", { mode: "number" }),
    workerId: text("worker_id"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** Throttled attempts are re-queued until this budget is spent (then "throttled for N minutes"). */
    throttledSince: timestamp("throttled_since", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    error: text("error"),
    errorKind: text("error_kind"),
    /** What a person can do about the error. */
    remedy: text("remedy"),
    calls: integer("calls").notNull().default(0),
    throttled: integer("throttled").notNull().default(0),
    /** Rows read and rows changed by the publish, per entity. */
    counts: jsonb("counts").$type<Record<string, number>>(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.accountId, t.region] }),
    index("sync_run_units_tenant_idx").on(t.tenantId),
    index("sync_run_units_running_idx")
      .on(t.heartbeatAt)
      .where(sql`status = 'running'`),
  ],
);
export type SyncRunUnit = typeof syncRunUnits.$inferSelect;

/** Current state of each unit's published snapshot: what the screens and the evaluation read. */
export const syncUnits = pgTable(
  "sync_units",
  {
    tenantId: uuid("tenant_id").notNull(),
    kind: text("kind", { enum: UNIT_KINDS }).notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    status: text("status", { enum: UNIT_STATUSES }).notNull(),
    publishedRunId: uuid("published_run_id"),
    /** When the published data was read; null if the unit never succeeded. */
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /** Set while the latest attempt failed: the published data (if any) is stale. */
    error: text("error"),
    errorKind: text("error_kind"),
    errorAt: timestamp("error_at", { withTimezone: true }),
    lastRunId: uuid("last_run_id"),
    /**
     * The unit's last full pass: a region unit's every recovery point listed (deletions and
     * expiry are noticed then), the organization unit's every effective policy asked.
     */
    recoveryPointsFullAt: timestamp("recovery_points_full_at", { withTimezone: true }),
    /** Organization unit: per account, the digest its stored effective policy was read at (see effective-inputs.ts). */
    effectivePolicyInputs: jsonb("effective_policy_inputs").$type<Record<string, string>>(),
    /** Incremental fetch marks: jobs created after these were asked for on the next run. */
    backupJobsAfter: timestamp("backup_jobs_after", { withTimezone: true }),
    copyJobsAfter: timestamp("copy_jobs_after", { withTimezone: true }),
    restoreJobsAfter: timestamp("restore_jobs_after", { withTimezone: true }),
    scanJobsAfter: timestamp("scan_jobs_after", { withTimezone: true }),
    counts: jsonb("counts").$type<Record<string, number>>(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Every dashboard request reads the newest updated_at of its tenant's units (the snapshot
  // marker of lib/dashboard/snapshot-cache.ts): without this index a scan of all of them (2,001
  // rows and ~4 ms on the bench world, per request).
  (t) => [
    primaryKey({ columns: [t.tenantId, t.accountId, t.region] }),
    index("sync_units_updated_idx").on(t.tenantId, t.updatedAt),
  ],
);
export type SyncUnit = typeof syncUnits.$inferSelect;

/** Per-account settings an administrator may set (the member role name overrides the tenant's). */
export const tenantAccountSettings = pgTable(
  "tenant_account_settings",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    memberRoleName: text("member_role_name"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type TenantAccountSettings = typeof tenantAccountSettings.$inferSelect;

/**
 * Accounts the sync cannot read (access denied, suspended) that an operator has acknowledged: they
 * still say "no data" everywhere, but no longer count as a data problem in the freshness banner.
 * Removing the row takes the acknowledgement back; an account read again simply has data.
 */
export const unreadAccountAcks = pgTable(
  "unread_account_acks",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull(),
    reason: text("reason").notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }).notNull(),
    acknowledgedById: uuid("acknowledged_by_id"),
    acknowledgedByEmail: text("acknowledged_by_email"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId] })],
);
export type UnreadAccountAck = typeof unreadAccountAcks.$inferSelect;
