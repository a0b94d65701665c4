// Whether a restore proved a recovery point works: AWS Backup's restore testing validates the
// restored resource and reports ValidationStatus SUCCESSFUL, FAILED, TIMED_OUT or VALIDATING
// (null: not validated, as for most ad hoc restores). A restore is validated only when it says
// SUCCESSFUL; FAILED and TIMED_OUT are failed validations; VALIDATING is neither yet. The
// TypeScript functions and their SQL twins are built from the same lists and tested together in
// tests/integration/db/recovery-point-state.test.ts.

export const VALIDATED_RESTORE_STATUS = "SUCCESSFUL";
export const FAILED_VALIDATION_STATUSES = ["FAILED", "TIMED_OUT"] as const;

export function restoreValidated(validationStatus: string | null): boolean {
  return validationStatus === VALIDATED_RESTORE_STATUS;
}

export function restoreValidationFailed(validationStatus: string | null): boolean {
  return (FAILED_VALIDATION_STATUSES as readonly string[]).includes(validationStatus ?? "");
}

// The SQL says "is not null" first so that it is never null and so that the planner can use
// restore_jobs_validated_idx, whose rows are the restores with a validation status.

/** SQL twin of restoreValidated; never null. */
export function restoreValidatedSql(validationStatus = "validation_status"): string {
  return `(${validationStatus} is not null and ${validationStatus} = '${VALIDATED_RESTORE_STATUS}')`;
}

/** SQL twin of restoreValidationFailed; never null. */
export function restoreValidationFailedSql(validationStatus = "validation_status"): string {
  const statuses = FAILED_VALIDATION_STATUSES.map((s) => `'${s}'`).join(", ");
  return `(${validationStatus} is not null and ${validationStatus} in (${statuses}))`;
}
