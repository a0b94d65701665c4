// Every number AWS enforces on backup policies, in one place, with where it is written down.
// Organizations quotas: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
// Backup policy syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html
import { CONSTRAINT, policyError, type PolicyError } from "./errors";

/** Maximum size of one backup policy document, in characters (quotas page; not adjustable). See size.ts for how they are counted. */
export const MAX_POLICY_CHARS = 10_000;
/** Backup policies attached to one root, OU or account (quotas page: "Maximum number of policies attached"). */
export const MAX_BACKUP_POLICIES_PER_TARGET = 10;
/** Backup policies in one organization (quotas page: "Number of policies of each type in an organization"). */
export const MAX_POLICIES_PER_ORG = 1000;
/** start_backup_window_minutes, when present (syntax page: "must be at least 60 minutes to avoid errors"). */
export const MIN_START_WINDOW_MINUTES = 60;
/** BackupRule.StartWindowMinutes: "This parameter has a maximum value of 100 years (52,560,000 minutes)" (Backup API model). */
export const MAX_START_WINDOW_MINUTES = 52_560_000;
/** delete_after_days >= move_to_cold_storage_after_days + this (syntax page: cold storage keeps a backup at least 90 days). */
export const MIN_COLD_STORAGE_DAYS = 90;
/** Lifecycle days: AWS Backup answers "Invalid lifecycle. DeleteAfterDays cannot be less than 1 or more than 36500 days" (hashicorp/terraform-provider-aws#24960). */
export const MAX_LIFECYCLE_DAYS = 36_500;
/** Retention of continuous (PITR) backups (syntax page: "PITR-enabled backups have 35-day maximum retention"). */
export const MAX_CONTINUOUS_RETENTION_DAYS = 35;
/** Conditions in one selection (syntax page: "Limited to 30 conditions for each selection"). */
export const MAX_CONDITIONS_PER_SELECTION = 30;
/** AWS Backup refuses schedules whose jobs are closer than this ("The interval between backup jobs shouldn't be less than 60 minutes"). */
export const MIN_BACKUP_INTERVAL_MINUTES = 60;

/**
 * AttachPolicy refuses an 11th backup policy on a root, OU or account with
 * ConstraintViolationException, reason MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED (Organizations API model).
 * `attached` is the number of backup policies already attached to the target.
 */
export function checkAttachmentLimit(attached: number, target = "the target"): PolicyError | undefined {
  if (attached < MAX_BACKUP_POLICIES_PER_TARGET) return undefined;
  return policyError(
    CONSTRAINT,
    "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
    `${target} already has ${attached} backup policies attached; AWS allows at most ${MAX_BACKUP_POLICIES_PER_TARGET} per root, OU or account.`,
    "$",
  );
}

/** CreatePolicy refuses the 1,001st backup policy of an organization: ConstraintViolationException, POLICY_NUMBER_LIMIT_EXCEEDED. */
export function checkPolicyCountLimit(existing: number): PolicyError | undefined {
  if (existing < MAX_POLICIES_PER_ORG) return undefined;
  return policyError(
    CONSTRAINT,
    "POLICY_NUMBER_LIMIT_EXCEEDED",
    `The organization already has ${existing} backup policies; AWS allows at most ${MAX_POLICIES_PER_ORG}.`,
    "$",
  );
}
