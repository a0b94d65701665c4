import { z } from "zod";
import { RESOURCE_TYPES } from "./resource-types";
import { checkWorldReferences } from "./schema-references";

/**
 * The world file format (documented in sim/README.md). Generated presets produce the same shape,
 * so a preset can be dumped to JSON, edited and loaded back.
 * Times are ISO 8601 or offsets from the world's `now` ("-30d", "-12h", "-90m", "now").
 */
const TIME_RE = /^(now|-\d+(\.\d+)?[dhms]|\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))$/;
export const timeSchema = z
  .string()
  .regex(TIME_RE, "expected an ISO 8601 time with zone or an offset such as -30d, -12h, -15m, now");
const accountId = z.string().regex(/^\d{12}$/, "expected a 12-digit account ID");
const regionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "expected a region such as us-east-1");
const tags = z.record(z.string().min(1).max(128), z.string().max(256));
const days = z.int().min(1).max(36500);
const MALWARE_SCANNERS = ["GUARDDUTY"] as const;
/** The types malware scanning covers (ScanResourceType). */
export const SCAN_RESOURCE_TYPES = ["EBS", "EC2", "S3"] as const;

const resourceSchema = z.strictObject({
  account_id: accountId,
  region: regionName,
  type: z.enum(RESOURCE_TYPES),
  /** Native ID: i-…, vol-…, DB identifier, table name, fs-…, bucket name. */
  id: z.string().min(1).max(255),
  name: z.string().optional(),
  tags: tags.default({}),
  encrypted: z.boolean().default(true),
  size_gb: z.number().positive().default(20),
  created: timeSchema.default("-400d"),
  /** When it was deleted: no backups after it, gone from tagging; its points stay until they expire. */
  deleted: timeSchema.optional(),
  /** How this resource's backup jobs end; "normal" draws from behaviour rates. */
  backup_outcome: z.enum(["normal", "fail", "abort", "expire", "issues", "fail_recent"]).default("normal"),
  /** Minutes a restore of this resource takes. */
  restore_minutes: z.number().positive().optional(),
  /**
   * What malware scans of its recovery points find: clean; infected (points backed up in the seven
   * days before the world was built, and since, have THREATS_FOUND; older ones are clean); failed.
   */
  scan_outcome: z.enum(["clean", "infected", "failed"]).default("clean"),
  /** The index status of its recovery points made by a rule that indexes its type. */
  index_outcome: z.enum(["active", "failed", "pending"]).default("active"),
  /** The validation restore testing reports for its restores; absent: none is reported. */
  restore_validation: z.enum(["successful", "failed", "timed_out"]).optional(),
});

const lockSchema = z.strictObject({
  mode: z.enum(["governance", "compliance"]),
  min_retention_days: days.optional(),
  max_retention_days: days.optional(),
  /** Compliance mode: when the lock became immutable. */
  lock_date: timeSchema.optional(),
});

/** An account ID, an OU ARN or an organization ARN, as RAM names principals. */
export const SHARE_PRINCIPAL_RE =
  /^(\d{12}|arn:aws:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|arn:aws:organizations::\d{12}:organization\/o-[a-z0-9]{10,32})$/;

const vaultSchema = z.strictObject({
  account_id: accountId,
  region: regionName,
  name: z.string().regex(/^[a-zA-Z0-9\-_.]{2,50}$/, "vault names are 2-50 characters of a-z A-Z 0-9 - _ ."),
  type: z.enum(["BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"]).default("BACKUP_VAULT"),
  /** aws-owned: AWS owned key (air-gapped vaults); aws-managed: aws/backup key; customer-managed: a CMK. */
  encryption: z.enum(["aws-owned", "aws-managed", "customer-managed"]).default("aws-managed"),
  /** The customer-managed key (KMS): its account, its alias and whether its key policy lets the vault's account describe it. */
  key: z
    .strictObject({
      /** The account that owns the key (default: the vault's). */
      account_id: accountId.optional(),
      /** Alias name without "alias/" (default "<vault name>-key"); null: the key has no alias. */
      alias: z
        .string()
        .regex(/^(?!aws\/)[a-zA-Z0-9/_-]{1,250}$/, "alias names are a-z A-Z 0-9 / _ - and cannot start with aws/")
        .nullable()
        .optional(),
      /** For a key in another account: whether its key policy admits kms:DescribeKey from the vault's account. */
      describable: z.boolean().default(true),
    })
    .optional(),
  lock: lockSchema.nullable().default(null),
  access_policy: z.record(z.string(), z.unknown()).nullable().default(null),
  notifications: z
    .strictObject({ sns_topic_arn: z.string(), events: z.array(z.string()).min(1) })
    .nullable()
    .default(null),
  created: timeSchema.default("-400d"),
  /** Multi-party approval team guarding the vault (logically air-gapped vaults only). */
  mpa_approval_team_arn: z
    .string()
    .regex(
      /^arn:aws:mpa::\d{12}:approval-team\/[A-Za-z0-9-]{1,64}$/,
      "expected arn:aws:mpa::<account>:approval-team/<id>",
    )
    .optional(),
  /**
   * The vault's AWS RAM resource share (logically air-gapped vaults only): its principals, and
   * whether each is outside the organization (default: worked out from the world's organization).
   */
  shared_with: z
    .array(
      z.strictObject({
        principal: z
          .string()
          .regex(SHARE_PRINCIPAL_RE, "expected a 12-digit account ID, an OU ARN or an organization ARN"),
        external: z.boolean().optional(),
      }),
    )
    .default([]),
});

const lifecycleSchema = z.strictObject({
  move_to_cold_storage_after_days: days.optional(),
  delete_after_days: days.optional(),
  opt_in_to_archive_for_supported_resources: z.boolean().optional(),
});

const ruleSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9\-_.]{1,50}$/),
  target_vault: z.string().min(1),
  /** cron(…) in AWS's six-field syntax or rate(n unit). */
  schedule: z.string().default("cron(0 5 ? * * *)"),
  timezone: z.string().optional(),
  start_window_minutes: z.int().min(60).max(43200).default(480),
  completion_window_minutes: z.int().min(120).max(100800).default(10080),
  lifecycle: lifecycleSchema.optional(),
  copy_actions: z
    .array(
      z.strictObject({
        destination_vault_arn: z.string().startsWith("arn:aws:backup:"),
        lifecycle: lifecycleSchema.optional(),
      }),
    )
    .default([]),
  continuous: z.boolean().default(false),
  recovery_point_tags: tags.default({}),
  /** Malware scans of the recovery points this rule makes (needs the version's scan_settings). */
  scan_actions: z
    .array(
      z.strictObject({
        malware_scanner: z.enum(MALWARE_SCANNERS).default("GUARDDUTY"),
        scan_mode: z.enum(["FULL_SCAN", "INCREMENTAL_SCAN"]),
      }),
    )
    .max(1, "one scan action per malware scanner (GUARDDUTY is the only one)")
    .default([]),
  /** Backup indexes of the recovery points this rule makes, for these types (AWS indexes EBS and S3). */
  index_actions: z.array(z.strictObject({ resource_types: z.array(z.enum(["EBS", "S3"])).min(1) })).default([]),
  /** Delete each source recovery point once its copies complete (Lifecycle.DeleteAfterEvent DELETE_AFTER_COPY). */
  delete_source_after_copy: z.boolean().default(false),
});

const conditionList = z.array(z.strictObject({ key: z.string().min(1), value: z.string() })).default([]);
const selectionSchema = z.strictObject({
  id: z.string().optional(),
  name: z.string().regex(/^[a-zA-Z0-9\-_.]{1,50}$/),
  iam_role_arn: z.string().startsWith("arn:aws:iam::"),
  resources: z.array(z.string()).default([]),
  not_resources: z.array(z.string()).default([]),
  /** Tag key and value (STRINGEQUALS); any one matching selects (OR). */
  list_of_tags: conditionList,
  /** Keys are full condition keys, e.g. aws:ResourceTag/env; all must hold (AND). */
  conditions: z
    .strictObject({
      string_equals: conditionList,
      string_not_equals: conditionList,
      string_like: conditionList,
      string_not_like: conditionList,
    })
    .default({ string_equals: [], string_not_equals: [], string_like: [], string_not_like: [] }),
  created: timeSchema.optional(),
});

const planSchema = z.strictObject({
  account_id: accountId,
  region: regionName,
  id: z.string().optional(),
  name: z.string().regex(/^[a-zA-Z0-9\-_.]{1,50}$/),
  created: timeSchema.default("-400d"),
  deleted: timeSchema.optional(),
  versions: z
    .array(
      z.strictObject({
        created: timeSchema.optional(),
        rules: z.array(ruleSchema).min(1),
        advanced_backup_settings: z
          .array(z.strictObject({ resource_type: z.string(), backup_options: z.record(z.string(), z.string()) }))
          .default([]),
        /** Malware scanning of the version's rules with scan actions: which types, with which role. */
        scan_settings: z
          .array(
            z.strictObject({
              malware_scanner: z.enum(MALWARE_SCANNERS).default("GUARDDUTY"),
              resource_types: z.array(z.enum(SCAN_RESOURCE_TYPES)).min(1),
              scanner_role_arn: z.string().regex(/^arn:aws:iam::\d{12}:role\/.+$/, "expected an IAM role ARN"),
            }),
          )
          .default([]),
      }),
    )
    .min(1),
  selections: z.array(selectionSchema).default([]),
});

const restoreTestingPlanSchema = z.strictObject({
  account_id: accountId,
  region: regionName,
  name: z.string().regex(/^[a-zA-Z0-9_]{1,50}$/),
  schedule: z.string().default("cron(0 1 ? * SUN *)"),
  timezone: z.string().optional(),
  start_window_hours: z.int().min(1).max(168).default(24),
  created: timeSchema.default("-200d"),
  /** Backup resource types (EBS, RDS, …) whose latest recovery points it restores. */
  resource_types: z.array(z.enum(RESOURCE_TYPES)).min(1),
});

const accountSchema = z.strictObject({
  id: accountId,
  name: z.string().min(1).max(128),
  email: z.string().min(6).max(64),
  parent_id: z.string(),
  state: z.enum(["ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"]).default("ACTIVE"),
  joined_method: z.enum(["INVITED", "CREATED"]).default("CREATED"),
  joined: timeSchema.default("-700d"),
  /** The member role: present and trusting the management role, absent, or trusting someone else. */
  member_role: z.enum(["ok", "missing", "untrusted"]).default("ok"),
  /**
   * IAM actions ("backup:ListBackupPlans") the member role's policy does not allow: calls made
   * with a session of that role fail with the service's AccessDenied, as AWS answers them.
   */
  member_role_denied_actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/)).default([]),
  /** IAM role names (path included) that exist; selections naming another role fail their jobs. */
  iam_roles: z.array(z.string()).default(["service-role/AWSBackupDefaultServiceRole"]),
  /**
   * Roles of `iam_roles` (path included) whose trust policy does not let backup.amazonaws.com
   * assume them (IAM GetRole shows a trust policy for another service); the others trust it.
   */
  untrusting_roles: z.array(z.string()).default([]),
  delegated_admin_services: z.array(z.string()).default([]),
  tags: tags.default({}),
  /** Regions this account has not enabled (opt-in regions): calls there fail as AWS fails them. */
  disabled_regions: z.array(regionName).default([]),
});

export const worldSchema = z
  .strictObject({
    seed: z.int().default(1),
    now: timeSchema.optional(),
    regions: z.array(regionName).min(1),
    /** How far back never-expiring rules are run when the world is built. */
    history_days: z.int().min(31).max(3650).default(400),
    organization: z.strictObject({
      id: z.string().regex(/^o-[a-z0-9]{10,32}$/),
      root_id: z.string().regex(/^r-[0-9a-z]{4,32}$/),
      management_account_id: accountId,
      feature_set: z.enum(["ALL", "CONSOLIDATED_BILLING"]).default("ALL"),
      enabled_policy_types: z
        .array(z.enum(["BACKUP_POLICY", "TAG_POLICY", "SERVICE_CONTROL_POLICY"]))
        .default(["BACKUP_POLICY"]),
      /**
       * The resource-based delegation policy (as PutResourcePolicy puts it): which member-account
       * principals may make which Organizations policy calls. A JSON string or object.
       */
      resource_policy: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    }),
    principal: z.strictObject({
      user_name: z.string().min(1),
      access_key_id: z.string().regex(/^AKIA[A-Z0-9]{16}$/),
      secret_access_key: z.string().min(20),
    }),
    management_role: z.strictObject({
      name: z.string().min(1),
      external_id: z.string().min(2).max(1224),
      /**
       * The account the role lives in: the management account by default, or another (a delegated
       * administrator's, to check what Organizations lets such an account do).
       */
      account_id: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      max_session_duration_s: z.int().min(3600).max(43200).default(3600),
    }),
    member_role_name: z.string().min(1),
    organizational_units: z
      .array(
        z.strictObject({
          id: z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/),
          name: z.string().min(1).max(128),
          parent_id: z.string(),
          tags: tags.default({}),
        }),
      )
      .default([]),
    accounts: z.array(accountSchema).min(1),
    policies: z
      .array(
        z.strictObject({
          id: z.string().regex(/^p-[0-9a-zA-Z_]{8,128}$/),
          name: z.string().min(1).max(128),
          description: z.string().max(512).default(""),
          type: z.enum(["BACKUP_POLICY"]).default("BACKUP_POLICY"),
          content: z.union([z.string(), z.record(z.string(), z.unknown())]),
          targets: z.array(z.string()).default([]),
          created: timeSchema.default("-180d"),
        }),
      )
      .default([]),
    resources: z.array(resourceSchema).default([]),
    vaults: z.array(vaultSchema).default([]),
    plans: z.array(planSchema).default([]),
    restore_testing_plans: z.array(restoreTestingPlanSchema).default([]),
    region_settings: z
      .array(
        z.strictObject({
          account_id: accountId,
          region: regionName,
          not_opted_in: z.array(z.enum(RESOURCE_TYPES)).default([]),
        }),
      )
      .default([]),
    report_plans: z
      .array(
        z.strictObject({
          account_id: accountId,
          region: regionName,
          name: z.string().regex(/^[a-zA-Z][_a-zA-Z0-9]{0,255}$/),
          template: z.enum([
            "RESOURCE_COMPLIANCE_REPORT",
            "CONTROL_COMPLIANCE_REPORT",
            "BACKUP_JOB_REPORT",
            "COPY_JOB_REPORT",
            "RESTORE_JOB_REPORT",
          ]),
          created: timeSchema.default("-100d"),
        }),
      )
      .default([]),
    frameworks: z
      .array(
        z.strictObject({
          account_id: accountId,
          region: regionName,
          name: z.string().regex(/^[a-zA-Z][_a-zA-Z0-9]{0,255}$/),
          controls: z.int().min(1).max(50).default(11),
          created: timeSchema.default("-100d"),
        }),
      )
      .default([]),
    behaviour: z
      .strictObject({
        failure_rate: z.number().min(0).max(1).default(0.02),
        abort_rate: z.number().min(0).max(1).default(0.005),
        expire_rate: z.number().min(0).max(1).default(0.005),
        issues_rate: z.number().min(0).max(1).default(0.01),
        copy_failure_rate: z.number().min(0).max(1).default(0.01),
        /** Ad-hoc restore jobs per resource per 30 days. */
        adhoc_restore_rate: z.number().min(0).max(30).default(0.05),
      })
      .default({
        failure_rate: 0.02,
        abort_rate: 0.005,
        expire_rate: 0.005,
        issues_rate: 0.01,
        copy_failure_rate: 0.01,
        adhoc_restore_rate: 0.05,
      }),
  })
  .superRefine(checkWorldReferences);

/** What a user writes (defaults optional). */
export type World = z.input<typeof worldSchema>;
/** After parsing: defaults filled in. */
export type WorldDef = z.output<typeof worldSchema>;
export type ResourceDef = WorldDef["resources"][number];
export type VaultDef = WorldDef["vaults"][number];
export type PlanDef = WorldDef["plans"][number];
export type RuleDef = PlanDef["versions"][number]["rules"][number];
export type SelectionDef = PlanDef["selections"][number];
export type LifecycleDef = NonNullable<RuleDef["lifecycle"]>;
export type AccountDef = WorldDef["accounts"][number];
export type RestoreTestingPlanDef = WorldDef["restore_testing_plans"][number];
export type PlanVersionDef = PlanDef["versions"][number];
export type ScanSettingDef = PlanVersionDef["scan_settings"][number];

/** Parses a world, naming the JSON path of every problem. */
export function parseWorld(input: unknown): WorldDef {
  const result = worldSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.slice(0, 20).map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  const more = result.error.issues.length > 20 ? `\n  … and ${result.error.issues.length - 20} more` : "";
  throw new Error(`invalid world:\n${lines.join("\n")}${more}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(root)";
}
