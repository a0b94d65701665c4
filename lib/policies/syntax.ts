// The typed model of an AWS Organizations BACKUP_POLICY, after "Backup policy syntax and examples"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html)
// and "Inheritance operators" (https://docs.aws.amazon.com/organizations/latest/userguide/policy-operators.html).
//
// One shape, two forms. An attached policy ("document") wraps every setting in inheritance operators:
// {"@@assign": "cron(0 5 ? * * *)"}. The effective policy ("effective", what DescribeEffectivePolicy
// returns after merging root → OUs → account) holds the bare values. Numbers and booleans appear as
// JSON strings in AWS's own examples ("60", "false") and as JSON literals elsewhere; both are accepted.

/** Sets a value, replacing anything inherited; the only operator the console's visual editor writes. */
export const ASSIGN = "@@assign";
/** Adds values to an inherited list (multi-valued settings only). */
export const APPEND = "@@append";
/** Removes values from an inherited list (multi-valued settings only). */
export const REMOVE = "@@remove";
/** Which value-setting operators policies below may use; a restriction inherited can never be widened. */
export const CHILD_CONTROL = "@@operators_allowed_for_child_policies";
export const ALL_OPERATORS = "@@all";
export const NO_OPERATORS = "@@none";

export const VALUE_SETTING_OPERATORS = [ASSIGN, APPEND, REMOVE] as const;
export type ValueSettingOperator = (typeof VALUE_SETTING_OPERATORS)[number];
/** ["@@all"] (the default), ["@@none"], or any non-empty subset of the value-setting operators. */
export type ChildControl = readonly ["@@all"] | readonly ["@@none"] | readonly ValueSettingOperator[];

export type PolicyForm = "document" | "effective";

/** A whole number of minutes or days: "60" in AWS's examples, 60 is accepted too. */
export type IntegerValue = string | number;
/** true/false, or "true"/"false" as in AWS's examples. */
export type BooleanValue = boolean | "true" | "false";

type Controlled = { [CHILD_CONTROL]?: ChildControl };
/** A single-valued setting in a document: only @@assign sets it. */
export type SingleSetting<T> = Controlled & { [ASSIGN]?: T };
/** A multi-valued setting (a JSON array) in a document: @@assign, @@append or @@remove. */
export type ListSetting<T> = Controlled & { [ASSIGN]?: T[]; [APPEND]?: T[]; [REMOVE]?: T[] };

type Single<F extends PolicyForm, T> = F extends "document" ? SingleSetting<T> : T;
type List<F extends PolicyForm, T> = F extends "document" ? ListSetting<T> : T[];
type Node<F extends PolicyForm, T> = F extends "document" ? Controlled & T : T;
/**
 * User-named entries (plans, rules, selections, tags, copy actions…). In a document the key
 * "@@operators_allowed_for_child_policies" may sit among them, hence the union; namedEntries() skips it.
 */
export type Named<F extends PolicyForm, T> = F extends "document"
  ? { [name: string]: T | ChildControl }
  : { [name: string]: T };

export type Lifecycle<F extends PolicyForm = "document"> = Node<
  F,
  {
    move_to_cold_storage_after_days?: Single<F, IntegerValue>;
    delete_after_days?: Single<F, IntegerValue>;
    /** Archive tier for supported resources (maps to Lifecycle.OptInToArchiveForSupportedResources). */
    opt_in_to_archive_for_supported_resources?: Single<F, BooleanValue>;
  }
>;

/** Keyed by the destination vault ARN; if target_backup_vault_arn is absent AWS uses the key in lower case. */
export type CopyAction<F extends PolicyForm = "document"> = Node<
  F,
  {
    target_backup_vault_arn?: Single<F, string>;
    lifecycle?: Lifecycle<F>;
  }
>;

export type TagEntry<F extends PolicyForm = "document"> = Node<
  F,
  {
    tag_key?: Single<F, string>;
    tag_value?: Single<F, string>;
  }
>;

export type IndexResourceType = "EBS" | "S3";
export type ScanMode = "FULL_SCAN" | "INCREMENTAL_SCAN";
export type ScanResourceType = "EBS" | "EC2" | "S3" | "ALL";
/** The only malware scanner AWS Backup supports (Backup API model: MalwareScanner enum). */
export const MALWARE_SCANNERS = ["GUARDDUTY"] as const;

export type Rule<F extends PolicyForm = "document"> = Node<
  F,
  {
    /** Required in the effective policy. cron(...) in UTC, or in schedule_expression_timezone. */
    schedule_expression?: Single<F, string>;
    /** IANA time zone of the schedule (BackupRule.ScheduleExpressionTimezone); UTC when absent. */
    schedule_expression_timezone?: Single<F, string>;
    /** Required in the effective policy. The vault must exist in every account and Region. */
    target_backup_vault_name?: Single<F, string>;
    /** arn:aws:backup:$region:$account:backup-vault:NAME; the syntax page says it must use both placeholders. */
    target_logically_air_gapped_backup_vault_arn?: Single<F, string>;
    start_backup_window_minutes?: Single<F, IntegerValue>;
    complete_backup_window_minutes?: Single<F, IntegerValue>;
    enable_continuous_backup?: Single<F, BooleanValue>;
    lifecycle?: Lifecycle<F>;
    copy_actions?: Named<F, CopyAction<F>>;
    recovery_point_tags?: Named<F, TagEntry<F>>;
    index_actions?: Node<F, { resource_types?: List<F, IndexResourceType> }>;
    /** Keyed by scanner ("GUARDDUTY"); needs the plan's scan_settings for the same scanner. */
    scan_actions?: Named<F, Node<F, { scan_mode?: Single<F, ScanMode> }>>;
  }
>;

export type ConditionOperator = "string_equals" | "string_not_equals" | "string_like" | "string_not_like";
export const CONDITION_OPERATORS: readonly ConditionOperator[] = [
  "string_equals",
  "string_not_equals",
  "string_like",
  "string_not_like",
];

export type Condition<F extends PolicyForm = "document"> = Node<
  F,
  {
    /** "aws:ResourceTag/<tag key>" */
    condition_key?: Single<F, string>;
    /** Exact value, or with * wildcards for the *_like operators. */
    condition_value?: Single<F, string>;
  }
>;

export type Conditions<F extends PolicyForm = "document"> = Node<
  F,
  { [K in ConditionOperator]?: Named<F, Condition<F>> }
>;

/** Resources carrying tag_key with one of tag_value (OR), further filtered by conditions (AND). */
export type TagSelection<F extends PolicyForm = "document"> = Node<
  F,
  {
    iam_role_arn?: Single<F, string>;
    tag_key?: Single<F, string>;
    tag_value?: List<F, string>;
    conditions?: Conditions<F>;
  }
>;

/** Resources by ARN pattern (SUPPORTED_RESOURCE_TYPES or "*"), minus not_resource_types, filtered by conditions. */
export type ResourceSelection<F extends PolicyForm = "document"> = Node<
  F,
  {
    iam_role_arn?: Single<F, string>;
    resource_types?: List<F, string>;
    not_resource_types?: List<F, string>;
    conditions?: Conditions<F>;
  }
>;

/** `tags` and `resources` are mutually exclusive; the effective policy needs one of them. */
export type Selections<F extends PolicyForm = "document"> = Node<
  F,
  {
    tags?: Named<F, TagSelection<F>>;
    resources?: Named<F, ResourceSelection<F>>;
  }
>;

export type EnabledDisabled = "enabled" | "disabled";

export type AdvancedBackupSettings<F extends PolicyForm = "document"> = Node<
  F,
  {
    /** Windows VSS. "WindowsVSS" is the spelling earlier versions of the syntax page used; still accepted. */
    ec2?: Node<F, { windows_vss?: Single<F, EnabledDisabled>; WindowsVSS?: Single<F, EnabledDisabled> }>;
    s3?: Node<F, { backup_acls?: Single<F, EnabledDisabled>; backup_object_tags?: Single<F, EnabledDisabled> }>;
  }
>;

export type ScanSetting<F extends PolicyForm = "document"> = Node<
  F,
  {
    resource_types?: List<F, ScanResourceType>;
    scanner_role_arn?: Single<F, string>;
  }
>;

export type Plan<F extends PolicyForm = "document"> = Node<
  F,
  {
    /** Required in the effective policy, with at least one Region. */
    regions?: List<F, string>;
    /** Required in the effective policy, with at least one rule. */
    rules?: Named<F, Rule<F>>;
    /** Required in the effective policy, with tags or resources. */
    selections?: Selections<F>;
    advanced_backup_settings?: AdvancedBackupSettings<F>;
    backup_plan_tags?: Named<F, TagEntry<F>>;
    /** Keyed by scanner ("GUARDDUTY"). */
    scan_settings?: Named<F, ScanSetting<F>>;
  }
>;

export type BackupPolicy<F extends PolicyForm = "document"> = Node<F, { plans?: Named<F, Plan<F>> }>;
/** A policy as attached to a root, OU or account. */
export type BackupPolicyDocument = BackupPolicy<"document">;
/** A merged policy, as DescribeEffectivePolicy's PolicyContent holds it. */
export type EffectiveBackupPolicy = BackupPolicy<"effective">;

/** Text an ARN may carry that AWS Backup replaces in each account and Region where it runs the plan. */
export const ACCOUNT_PLACEHOLDER = "$account";
export const REGION_PLACEHOLDER = "$region";

/**
 * resource_types / not_resource_types values Organizations supports (syntax page, "Supported resource
 * types"), in the aws partition; GovCloud and China use the same patterns with their partition name.
 * "*" (all supported types) is used by the page's own examples.
 */
export const SUPPORTED_RESOURCE_TYPES = [
  "arn:aws:backup-gateway:*:*:vm/*",
  "arn:aws:cloudformation:*:*:stack/*",
  "arn:aws:dsql:*:*:cluster/*",
  "arn:aws:dynamodb:*:*:table/*",
  "arn:aws:ec2:*:*:instance/*",
  "arn:aws:ec2:*:*:volume/*",
  "arn:aws:elasticfilesystem:*:*:file-system/*",
  "arn:aws:rds:*:*:cluster:*",
  "arn:aws:rds:*:*:db:*",
  "arn:aws:redshift:*:*:cluster:*",
  "arn:aws:redshift-serverless:*:*:namespace/*",
  "arn:aws:s3:::*",
  "arn:aws:ssm-sap:*:*:HANA/*",
  "arn:aws:storagegateway:*:*:gateway/*",
  "arn:aws:timestream:*:*:database/*",
  "arn:aws:fsx:*:*:file-system/*",
  "arn:aws:fsx:*:*:volume/*",
  "arn:aws:eks:*:*:cluster/*",
] as const;

/** The user-named entries of a document node, without the child-control key. */
export function namedEntries<T>(named: { [name: string]: T | ChildControl } | undefined): Array<[string, T]> {
  if (!named) return [];
  return Object.entries(named).filter(([k]) => !k.startsWith("@@")) as Array<[string, T]>;
}
