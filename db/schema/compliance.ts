import { sql } from "drizzle-orm";
import {
  customType,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

// Compliance: templates as versioned data, evaluations, findings stored as per-evaluation deltas,
// scores and exceptions. Findings are not one row each: an evaluation of 200k resources and 1M
// recovery points makes ~6M of them, and a row each costs ~140 bytes and ~5 µs to write. They are
// grouped into panels (one per tenant, subject type, account and region) holding every run's
// findings as a compressed blob; only panels whose findings changed are rewritten, and each change
// keeps a reverse delta, so any past evaluation can be rebuilt (lib/compliance/store).

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const EVALUATION_STATUSES = ["running", "succeeded", "failed"] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** Per run id: [PASS, FAIL, NOT_APPLICABLE, ERROR] findings in a panel version. */
export type PanelCounts = Record<string, [number, number, number, number]>;

/** Built-in templates have no tenant; a tenant's custom templates are clones with changes. */
export const complianceTemplates = pgTable(
  "compliance_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    /** 1, 2, 3…: every change is a new row, so an evaluation names exactly what it used. */
    revision: integer("revision").notNull(),
    version: text("version").notNull(),
    name: text("name").notNull(),
    framework: text("framework").notNull(),
    /** The parsed template (lib/compliance/templates/template-schema.ts Template). */
    definition: jsonb("definition").$type<Record<string, unknown>>().notNull(),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("compliance_templates_slug_revision_key").on(
      sql`coalesce(${t.tenantId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      t.slug,
      t.revision,
    ),
    index("compliance_templates_tenant_idx").on(t.tenantId),
  ],
);
export type ComplianceTemplateRow = typeof complianceTemplates.$inferSelect;

/** The templates a tenant is evaluated against; no rows means the three built-ins. */
export const complianceTenantTemplates = pgTable(
  "compliance_tenant_templates",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    addedByEmail: text("added_by_email"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.slug] })],
);

export const complianceEvaluations = pgTable(
  "compliance_evaluations",
  {
    /** Increasing: panels and deltas name versions by evaluation id. */
    id: serial("id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    status: text("status", { enum: EVALUATION_STATUSES }).notNull(),
    trigger: text("trigger").notNull(),
    /** The sync run whose completion asked for it (or the newest finished run of the tenant). */
    syncRunId: uuid("sync_run_id"),
    /** Newest and oldest publish time of the units evaluated: the snapshot's age. */
    snapshotAt: timestamp("snapshot_at", { withTimezone: true }),
    oldestDataAt: timestamp("oldest_data_at", { withTimezone: true }),
    /** The clock the controls used ("now"). */
    evaluatedAt: timestamp("evaluated_at", { withTimezone: true }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** [{ slug, revision, version, templateId, name }] as used. */
    templates: jsonb("templates")
      .$type<Array<{ slug: string; revision: number; version: string; templateId: string; name: string }>>()
      .notNull(),
    runIds: integer("run_ids").array().notNull(),
    stats: jsonb("stats").$type<Record<string, unknown>>(),
    error: text("error"),
  },
  (t) => [index("compliance_evaluations_tenant_idx").on(t.tenantId, t.evaluatedAt)],
);
export type ComplianceEvaluation = typeof complianceEvaluations.$inferSelect;

/** A control with one set of parameters and one scope (shared by templates that agree on both). */
export const complianceRuns = pgTable(
  "compliance_runs",
  {
    id: serial("id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** sha256 of the engine's run key (control, parameters, scope). */
    keyDigest: text("key_digest").notNull(),
    controlId: text("control_id").notNull(),
    params: jsonb("params").notNull(),
    scope: jsonb("scope").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("compliance_runs_key").on(t.tenantId, t.keyDigest)],
);
export type ComplianceRun = typeof complianceRuns.$inferSelect;

/** The current findings of one (subject type, account, region) for every run, compressed. */
export const compliancePanels = pgTable(
  "compliance_panels",
  {
    id: serial("id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    subjectType: text("subject_type").notNull(),
    accountId: text("account_id").notNull(),
    /** "" for subjects that span regions (BK-13 per account and resource type). */
    region: text("region").notNull(),
    /**
     * A finer split where findings come and go at different times: recovery points by week of
     * creation, so a day's new and expired points rewrite a few small panels, not the unit's all.
     */
    bucket: text("bucket").notNull().default(""),
    /** Evaluation that last changed it. */
    version: integer("version").notNull(),
    /** Digest of (subject, run, status, reason) of every finding: equal digests, nothing to write. */
    digest: text("digest").notNull(),
    state: bytea("state").notNull(),
    evidence: bytea("evidence").notNull(),
    counts: jsonb("counts").$type<PanelCounts>().notNull(),
    findings: integer("findings").notNull(),
  },
  (t) => [uniqueIndex("compliance_panels_bucket_key").on(t.tenantId, t.subjectType, t.accountId, t.region, t.bucket)],
);
export type CompliancePanel = typeof compliancePanels.$inferSelect;

/** A change of a panel at an evaluation, with what the changed findings were before it. */
export const compliancePanelHistory = pgTable(
  "compliance_panel_history",
  {
    panelId: integer("panel_id")
      .notNull()
      .references(() => compliancePanels.id, { onDelete: "cascade" }),
    evaluationId: integer("evaluation_id").notNull(),
    tenantId: uuid("tenant_id").notNull(),
    /** Version before this change (null: the panel did not exist). */
    prevVersion: integer("prev_version"),
    /** Reverse delta: the changed findings as they were before (compressed JSON). */
    delta: bytea("delta").notNull(),
    /** Counts of the version before. */
    counts: jsonb("counts").$type<PanelCounts>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.panelId, t.evaluationId] }),
    index("compliance_panel_history_tenant_idx").on(t.tenantId, t.evaluationId),
  ],
);

/** Tenant-wide score per template and requirement ("" = the framework) of each evaluation. */
export const complianceScores = pgTable(
  "compliance_scores",
  {
    evaluationId: integer("evaluation_id")
      .notNull()
      .references(() => complianceEvaluations.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull(),
    templateSlug: text("template_slug").notNull(),
    requirementId: text("requirement_id").notNull(),
    status: text("status").notNull(),
    score: doublePrecision("score"),
    pass: integer("pass").notNull(),
    fail: integer("fail").notNull(),
    notApplicable: integer("not_applicable").notNull(),
    error: integer("error").notNull(),
    excepted: integer("excepted").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.templateSlug, t.requirementId] }),
    index("compliance_scores_tenant_idx").on(t.tenantId, t.evaluationId),
  ],
);
export type ComplianceScoreRow = typeof complianceScores.$inferSelect;

/** Scores per account, OU and region of each evaluation and template (compressed JSON). */
export const complianceScoreSlices = pgTable(
  "compliance_score_slices",
  {
    evaluationId: integer("evaluation_id")
      .notNull()
      .references(() => complianceEvaluations.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id").notNull(),
    templateSlug: text("template_slug").notNull(),
    slices: bytea("slices").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.evaluationId, t.templateSlug] }),
    index("compliance_score_slices_tenant_idx").on(t.tenantId),
  ],
);

/** Daily roll-up (last evaluation of each UTC day), kept at least 400 days for trends. */
export const complianceScoreDays = pgTable(
  "compliance_score_days",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    templateSlug: text("template_slug").notNull(),
    requirementId: text("requirement_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    evaluationId: integer("evaluation_id").notNull(),
    status: text("status").notNull(),
    score: doublePrecision("score"),
    pass: integer("pass").notNull(),
    fail: integer("fail").notNull(),
    notApplicable: integer("not_applicable").notNull(),
    error: integer("error").notNull(),
    excepted: integer("excepted").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.templateSlug, t.requirementId, t.day] })],
);
export type ComplianceScoreDay = typeof complianceScoreDays.$inferSelect;

export const RESILIENCE_SCOPES = ["tenant", "ou", "account"] as const;
export type ResilienceScope = (typeof RESILIENCE_SCOPES)[number];

/** Per component: [PASS, FAIL, ERROR, EXCEPTED] checks (NOT_APPLICABLE is out of scope). */
export type ResilienceCountsJson = Record<string, [number, number, number, number]>;

/**
 * The resilience score (lib/compliance/resilience/score.ts) of the tenant, each OU and each account,
 * one row per UTC day: the day's last evaluation, its rows replacing the day's earlier ones. The
 * newest day is the current score, the days before it the trend and "since last week". Kept as
 * long as compliance_score_days.
 */
export const resilienceScoreDays = pgTable(
  "resilience_score_days",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    scope: text("scope", { enum: RESILIENCE_SCOPES }).notNull(),
    /** "" for the tenant, the OU id, or the account id. */
    scopeId: text("scope_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    evaluationId: integer("evaluation_id").notNull(),
    evaluatedAt: timestamp("evaluated_at", { withTimezone: true }).notNull(),
    /** As the rule scored it when stored, for ranking in SQL; pages score the counts again. */
    score: doublePrecision("score"),
    counts: jsonb("counts").$type<ResilienceCountsJson>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.scope, t.scopeId, t.day] }),
    index("resilience_score_days_tenant_day_idx").on(t.tenantId, t.day),
  ],
);
export type ResilienceScoreDay = typeof resilienceScoreDays.$inferSelect;

/** An accepted failing finding: EXCEPTED (not passing) from creation until expiry or revocation. */
export const complianceExceptions = pgTable(
  "compliance_exceptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** controlId|subjectType|subjectId (lib/compliance/model/finding.ts findingKey). */
    findingKey: text("finding_key").notNull(),
    controlId: text("control_id").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    accountId: text("account_id").notNull(),
    region: text("region").notNull(),
    reason: text("reason").notNull(),
    owner: text("owner").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedByEmail: text("revoked_by_email"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [index("compliance_exceptions_tenant_idx").on(t.tenantId, t.findingKey)],
);
export type ComplianceException = typeof complianceExceptions.$inferSelect;
