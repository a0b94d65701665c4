// "A job with an issue", for backup and copy jobs: its state is one of FAILED_JOB_STATES, or it is
// COMPLETED with a MessageCategory other than SUCCESS ("completed with issues" in the console).
// AWS Backup leaves the category empty on some completed jobs and spells it in capitals; empty
// (null or '') counts as success and case is ignored. BK-14, the Jobs page, its problems index and
// the job trend all decide it here: the TypeScript function and the SQL expression are built from
// the same lists, and tests/integration/db/job-issue.test.ts runs both over the same values.

export const FAILED_JOB_STATES = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] as const;

/** AWS's job states before a job ends (the BackupJob, CopyJob and RestoreJob state enums). */
export const ACTIVE_JOB_STATES = ["CREATED", "PENDING", "RUNNING", "ABORTING"] as const;

export const jobIsActive = (state: string): boolean => (ACTIVE_JOB_STATES as readonly string[]).includes(state);

/** Message categories (after `normalise`) that mean a completed job went well. */
const SUCCESS_CATEGORIES = ["", "SUCCESS"] as const;

const normalise = (category: string | null): string => (category ?? "").toUpperCase();
const normaliseSql = (column: string): string => `upper(coalesce(${column}, ''))`;
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

/** A COMPLETED job's category says it completed with issues. */
export function completedWithIssues(category: string | null): boolean {
  return !(SUCCESS_CATEGORIES as readonly string[]).includes(normalise(category));
}

export function jobHasIssue(state: string, category: string | null): boolean {
  return (
    (FAILED_JOB_STATES as readonly string[]).includes(state) || (state === "COMPLETED" && completedWithIssues(category))
  );
}

/** SQL twin of completedWithIssues over a category column. */
export function completedWithIssuesSql(category = "message_category"): string {
  return `${normaliseSql(category)} not in (${list(SUCCESS_CATEGORIES)})`;
}

/** SQL: the job's state is one of FAILED_JOB_STATES. */
export function jobFailedSql(state = "state"): string {
  return `${state} in (${list(FAILED_JOB_STATES)})`;
}

/** SQL twin of jobHasIssue over a job table's columns; never null (state is not null). */
export function jobHasIssueSql(state = "state", category = "message_category"): string {
  return `(${jobFailedSql(state)} or (${state} = 'COMPLETED' and ${completedWithIssuesSql(category)}))`;
}
