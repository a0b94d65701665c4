import { z } from "zod";
import { AWS_REGIONS } from "@/lib/aws/regions";
import { trimmed, uuid } from "./common";

// IAM's documented formats: role names [\w+=,.@-]{1,64}; paths /…/; ExternalId 2–1,224 characters
// of [\w+=,.@:/-] (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export const SYNC_SCHEDULES = {
  manual: { label: "Manual only", cron: null },
  hourly: { label: "Every hour", cron: "0 * * * *" },
  "6h": { label: "Every 6 hours", cron: "0 */6 * * *" },
  "12h": { label: "Every 12 hours", cron: "0 */12 * * *" },
  daily: { label: "Daily at 02:00 UTC", cron: "0 2 * * *" },
} as const;
export type SyncScheduleKey = keyof typeof SYNC_SCHEDULES;
export const SYNC_SCHEDULE_KEYS = Object.keys(SYNC_SCHEDULES) as SyncScheduleKey[];

export function scheduleKeyOf(cron: string | null): SyncScheduleKey {
  return SYNC_SCHEDULE_KEYS.find((k) => SYNC_SCHEDULES[k].cron === cron) ?? "manual";
}

export const externalIdField = z
  .string()
  .trim()
  .regex(EXTERNAL_ID, "ExternalId must be 2 to 1,224 characters of letters, digits and + = , . @ : / - _");

const regionsField = z
  .preprocess(
    (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v),
    z.array(z.string().trim(), { error: "Choose at least one region." }),
  )
  .pipe(
    z
      .array(z.string())
      .min(1, "Choose at least one region.")
      .max(AWS_REGIONS.length, "Too many regions.")
      .superRefine((regions, ctx) => {
        const unknown = regions.filter((r) => !(AWS_REGIONS as readonly string[]).includes(r));
        if (unknown.length)
          ctx.addIssue({ code: "custom", message: `Not an AWS region: ${unknown.slice(0, 3).join(", ")}.` });
      })
      .transform((regions) => [...new Set(regions)].sort()),
  );

const memberRoleNameField = z
  .string({ error: "Member role name is required." })
  .trim()
  .regex(ROLE_NAME, "Member role name must be an IAM role name: up to 64 letters, digits and + = , . @ - _");

export const tenantFields = z.object({
  name: trimmed(100, "Name"),
  managementAccountId: z
    .string({ error: "Management account ID is required." })
    .trim()
    .regex(/^\d{12}$/, "Management account ID must be exactly 12 digits."),
  managementRoleArn: z
    .string({ error: "Role ARN is required." })
    .trim()
    .max(2048, "Role ARN must be at most 2,048 characters.")
    .regex(ROLE_ARN, "Role ARN must be an IAM role ARN, like arn:aws:iam::123456789012:role/BackupGovernance."),
  /** Optional: the role the policy push assumes instead of the read role (empty: the read role). */
  policyPushRoleArn: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? null : v),
    z
      .string()
      .trim()
      .max(2048, "Policy push role ARN must be at most 2,048 characters.")
      .regex(
        ROLE_ARN,
        "Policy push role ARN must be an IAM role ARN, like arn:aws:iam::123456789012:role/BackupGovernancePolicyPush, or empty.",
      )
      .nullable()
      .default(null),
  ),
  memberRoleName: memberRoleNameField,
  regions: regionsField,
  schedule: z.enum(SYNC_SCHEDULE_KEYS as [SyncScheduleKey, ...SyncScheduleKey[]], { error: "Choose a sync schedule." }),
  /** Optional: keep the ExternalId an existing trust policy already names; otherwise one is generated. */
  externalId: z.preprocess((v) => (v === "" ? undefined : v), externalIdField.optional()),
});
export type TenantFields = z.infer<typeof tenantFields>;

export const createTenantInput = tenantFields;
export const updateTenantInput = tenantFields.omit({ externalId: true }).extend({ tenantId: uuid("Organization") });
export const rotateExternalIdInput = z.object({ tenantId: uuid("Organization") });
export const deleteTenantInput = z.object({ tenantId: uuid("Organization"), confirmName: z.string().trim().max(100) });

/** One member account whose role has another name than the organization's (a StackSet deployed it differently). */
export const setMemberRoleOverrideInput = z.object({
  tenantId: uuid("Organization"),
  accountId: z
    .string({ error: "Account ID is required." })
    .trim()
    .regex(/^\d{12}$/, "Account ID must be exactly 12 digits."),
  memberRoleName: memberRoleNameField,
});
export const removeMemberRoleOverrideInput = setMemberRoleOverrideInput.omit({ memberRoleName: true });

/** URL-safe identifier derived from the name (unique per installation). */
export function slugOf(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48) || "org"
  );
}
