import {
  bigserial,
  index,
  integer,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  check,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { tenants } from "./tenancy";

// Organizations backup policies the product manages: each policy is a chain of immutable versions
// (content and targets never change once written; only the state moves), approved by people other
// than the author, pushed to AWS with every call recorded. Actors are copied by value (id and
// email) like the audit log, so the history outlives the users who made it.

/**
 * draft → submitted → approved → pushed, or submitted → rejected; any open version (draft,
 * submitted, approved) and the pushed one become superseded when a newer version replaces them.
 */
export const POLICY_VERSION_STATES = ["draft", "submitted", "approved", "pushed", "rejected", "superseded"] as const;
export type PolicyVersionState = (typeof POLICY_VERSION_STATES)[number];

export const POLICY_DECISIONS = ["approved", "rejected"] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

export const POLICY_PUSH_STATUSES = ["running", "succeeded", "failed"] as const;
export type PolicyPushStatus = (typeof POLICY_PUSH_STATUSES)[number];

/** "skipped": the state read first already matched, so no write was needed (a retry's common case). */
export const POLICY_STEP_OUTCOMES = ["succeeded", "failed", "skipped"] as const;
export type PolicyStepOutcome = (typeof POLICY_STEP_OUTCOMES)[number];

/** Per-tenant workflow settings, set by an admin; a tenant without a row requires one approval. */
export const policySettings = pgTable(
  "policy_settings",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    requiredApprovals: smallint("required_approvals").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedByEmail: text("updated_by_email"),
  },
  (t) => [check("policy_settings_required_approvals_check", sql`${t.requiredApprovals} in (1, 2)`)],
);
export type PolicySettingsRow = typeof policySettings.$inferSelect;

export const managedPolicies = pgTable(
  "managed_policies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The AWS policy name: unique per policy type in the organization, so unique per tenant here. */
    name: text("name").notNull(),
    /** Set by the first push's CreatePolicy (or when a retry finds the policy that push created). */
    awsPolicyId: text("aws_policy_id"),
    awsPolicyArn: text("aws_policy_arn"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdById: uuid("created_by_id"),
    createdByEmail: text("created_by_email"),
  },
  (t) => [
    uniqueIndex("managed_policies_tenant_name_key").on(t.tenantId, t.name),
    uniqueIndex("managed_policies_tenant_aws_id_key").on(t.tenantId, t.awsPolicyId),
  ],
);
export type ManagedPolicyRow = typeof managedPolicies.$inferSelect;

export const policyVersions = pgTable(
  "policy_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id")
      .notNull()
      .references(() => managedPolicies.id, { onDelete: "cascade" }),
    /** 1, 2, 3… per policy. */
    version: integer("version").notNull(),
    /** The exact text the author gave (AWS counts its characters and refuses duplicate keys, so no re-serialising). */
    content: text("content").notNull(),
    /** Root, OU and account ids the policy is attached to once this version is pushed. */
    targets: text("targets").array().notNull(),
    /** The AWS policy description pushed with this content (at most 512 characters). */
    description: text("description").notNull().default(""),
    /** Why this version exists, for the approvers. */
    note: text("note").notNull().default(""),
    state: text("state", { enum: POLICY_VERSION_STATES }).notNull(),
    /** Set on a rollback: the earlier version whose content and targets this one repeats. */
    sourceVersion: integer("source_version"),
    authorId: uuid("author_id"),
    authorEmail: text("author_email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    pushedAt: timestamp("pushed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("policy_versions_policy_version_key").on(t.policyId, t.version),
    index("policy_versions_tenant_idx").on(t.tenantId, t.state),
  ],
);
export type PolicyVersionRow = typeof policyVersions.$inferSelect;

export const policyApprovals = pgTable(
  "policy_approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    approverId: uuid("approver_id").notNull(),
    approverEmail: text("approver_email").notNull(),
    decision: text("decision", { enum: POLICY_DECISIONS }).notNull(),
    comment: text("comment").notNull().default(""),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  // One decision per person per version: two approvals must come from two people.
  (t) => [
    uniqueIndex("policy_approvals_version_approver_key").on(t.versionId, t.approverId),
    index("policy_approvals_tenant_idx").on(t.tenantId),
  ],
);
export type PolicyApprovalRow = typeof policyApprovals.$inferSelect;

export const policyPushes = pgTable(
  "policy_pushes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    policyId: uuid("policy_id")
      .notNull()
      .references(() => managedPolicies.id, { onDelete: "cascade" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => policyVersions.id, { onDelete: "cascade" }),
    status: text("status", { enum: POLICY_PUSH_STATUSES }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    startedById: uuid("started_by_id"),
    startedByEmail: text("started_by_email").notNull(),
    /** What AWS said when the push failed: its error code (e.g. ConstraintViolationException), reason and message. */
    errorCode: text("error_code"),
    errorReason: text("error_reason"),
    errorMessage: text("error_message"),
    /** The AWS request ID of the call that failed, for AWS Support. */
    errorRequestId: text("error_request_id"),
  },
  (t) => [
    index("policy_pushes_tenant_idx").on(t.tenantId, t.startedAt),
    index("policy_pushes_version_idx").on(t.versionId),
  ],
);
export type PolicyPushRow = typeof policyPushes.$inferSelect;

/** Each AWS call a push made, in order, with the request ID AWS gave it. */
export const policyPushSteps = pgTable(
  "policy_push_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    pushId: uuid("push_id")
      .notNull()
      .references(() => policyPushes.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    /** The Organizations operation, e.g. AttachPolicy. */
    operation: text("operation").notNull(),
    /** The root, OU, account or policy id the call was about. */
    target: text("target"),
    requestId: text("request_id"),
    outcome: text("outcome", { enum: POLICY_STEP_OUTCOMES }).notNull(),
    /** For a skipped step: why (e.g. "already attached"); for a failed one: AWS's message. */
    detail: text("detail"),
    errorCode: text("error_code"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("policy_push_steps_push_seq_key").on(t.pushId, t.seq),
    index("policy_push_steps_tenant_idx").on(t.tenantId),
  ],
);
export type PolicyPushStepRow = typeof policyPushSteps.$inferSelect;
