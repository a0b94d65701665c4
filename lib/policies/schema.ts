// The BACKUP_POLICY grammar as data: which keys may appear where, which settings hold one value or a
// list (and so which take @@append/@@remove), what each value is, and which elements the effective
// policy must have. It mirrors the types in syntax.ts and the tables of "Backup policy syntax and
// examples"; validate.ts walks it.
import type { LeafKind } from "./values";

export type SpecNode = ObjectSpec | MapSpec | LeafSpec;

/** Fixed keys. `required` lists the keys the effective policy must have (syntax page, "Required: Yes"). */
export interface ObjectSpec {
  kind: "object";
  what: string;
  fields: Record<string, SpecNode>;
  required?: readonly string[];
}

/**
 * User-named entries. `names` says what a name must be: a plan, rule or selection name (AWS Backup's
 * 1-50 character rule), a vault ARN (copy_actions are keyed by their destination), a scanner, or free.
 * `nonEmpty`: the effective policy needs at least one entry.
 */
export interface MapSpec {
  kind: "map";
  what: string;
  entry: SpecNode;
  names: "plan" | "rule" | "selection" | "vault-arn" | "scanner" | "free";
  nonEmpty?: boolean;
}

/** `list`: a multi-valued setting (a JSON array), the only kind @@append and @@remove apply to. */
export interface LeafSpec {
  kind: "leaf";
  what: string;
  value: LeafKind;
  list: boolean;
  nonEmpty?: boolean;
}

const single = (what: string, value: LeafKind): LeafSpec => ({ kind: "leaf", what, value, list: false });
const list = (what: string, value: LeafKind, nonEmpty = false): LeafSpec => ({
  kind: "leaf",
  what,
  value,
  list: true,
  nonEmpty,
});

function lifecycle(what: string): ObjectSpec {
  return {
    kind: "object",
    what,
    fields: {
      move_to_cold_storage_after_days: single("days before cold storage", "days"),
      delete_after_days: single("days before deletion", "days"),
      opt_in_to_archive_for_supported_resources: single("archive opt-in", "boolean"),
    },
  };
}

const tagEntry = (what: string): ObjectSpec => ({
  kind: "object",
  what,
  required: ["tag_key", "tag_value"],
  fields: { tag_key: single("tag key", "new-tag-key"), tag_value: single("tag value", "tag-value") },
});

const condition: ObjectSpec = {
  kind: "object",
  what: "a condition",
  required: ["condition_key", "condition_value"],
  fields: {
    condition_key: single("condition key", "condition-key"),
    condition_value: single("condition value", "condition-value"),
  },
};

const conditions: ObjectSpec = {
  kind: "object",
  what: "conditions",
  fields: Object.fromEntries(
    ["string_equals", "string_not_equals", "string_like", "string_not_like"].map((op) => [
      op,
      { kind: "map", what: `${op} conditions`, entry: condition, names: "free" } satisfies MapSpec,
    ]),
  ),
};

const rule: ObjectSpec = {
  kind: "object",
  what: "a rule",
  required: ["schedule_expression", "target_backup_vault_name"],
  fields: {
    schedule_expression: single("schedule", "cron"),
    schedule_expression_timezone: single("schedule time zone", "timezone"),
    target_backup_vault_name: single("vault name", "vault-name"),
    target_logically_air_gapped_backup_vault_arn: single("logically air-gapped vault", "air-gapped-vault-arn"),
    start_backup_window_minutes: single("start window", "start-window"),
    complete_backup_window_minutes: single("completion window", "minutes"),
    enable_continuous_backup: single("continuous backup", "boolean"),
    lifecycle: lifecycle("a lifecycle"),
    copy_actions: {
      kind: "map",
      what: "copy actions",
      names: "vault-arn",
      entry: {
        kind: "object",
        what: "a copy action",
        fields: {
          target_backup_vault_arn: single("destination vault", "vault-arn"),
          lifecycle: lifecycle("a copy lifecycle"),
        },
      },
    },
    recovery_point_tags: {
      kind: "map",
      what: "recovery point tags",
      names: "free",
      entry: tagEntry("a recovery point tag"),
    },
    index_actions: {
      kind: "object",
      what: "index actions",
      fields: { resource_types: list("indexed resource types", "index-resource-type") },
    },
    scan_actions: {
      kind: "map",
      what: "scan actions",
      names: "scanner",
      entry: {
        kind: "object",
        what: "a scan action",
        required: ["scan_mode"],
        fields: { scan_mode: single("scan mode", "scan-mode") },
      },
    },
  },
};

const selections: ObjectSpec = {
  kind: "object",
  what: "selections",
  fields: {
    tags: {
      kind: "map",
      what: "tag selections",
      names: "selection",
      entry: {
        kind: "object",
        what: "a tag selection",
        required: ["iam_role_arn", "tag_key", "tag_value"],
        fields: {
          iam_role_arn: single("IAM role", "role-arn"),
          tag_key: single("tag key", "tag-key"),
          tag_value: list("tag values", "tag-value", true),
          conditions,
        },
      },
    },
    resources: {
      kind: "map",
      what: "resource selections",
      names: "selection",
      entry: {
        kind: "object",
        what: "a resource selection",
        required: ["iam_role_arn", "resource_types"],
        fields: {
          iam_role_arn: single("IAM role", "role-arn"),
          resource_types: list("resource types", "resource-type", true),
          not_resource_types: list("excluded resource types", "resource-type"),
          conditions,
        },
      },
    },
  },
};

const plan: ObjectSpec = {
  kind: "object",
  what: "a plan",
  required: ["regions", "rules", "selections"],
  fields: {
    regions: list("Regions", "region", true),
    rules: { kind: "map", what: "rules", names: "rule", entry: rule, nonEmpty: true },
    selections,
    advanced_backup_settings: {
      kind: "object",
      what: "advanced backup settings",
      fields: {
        // "WindowsVSS" is how earlier versions of the syntax page spelled windows_vss.
        ec2: {
          kind: "object",
          what: "EC2 settings",
          fields: {
            windows_vss: single("Windows VSS", "enabled-disabled"),
            WindowsVSS: single("Windows VSS", "enabled-disabled"),
          },
        },
        s3: {
          kind: "object",
          what: "S3 settings",
          fields: {
            backup_acls: single("S3 ACL backup", "enabled-disabled"),
            backup_object_tags: single("S3 object tag backup", "enabled-disabled"),
          },
        },
      },
    },
    backup_plan_tags: { kind: "map", what: "backup plan tags", names: "free", entry: tagEntry("a backup plan tag") },
    scan_settings: {
      kind: "map",
      what: "scan settings",
      names: "scanner",
      entry: {
        kind: "object",
        what: "a scan setting",
        required: ["resource_types", "scanner_role_arn"],
        fields: {
          resource_types: list("scanned resource types", "scan-resource-type", true),
          scanner_role_arn: single("scanner role", "role-arn"),
        },
      },
    },
  },
};

/** The whole document: {"plans": {...}}. */
export const POLICY_SPEC: ObjectSpec = {
  kind: "object",
  what: "a backup policy",
  required: ["plans"],
  fields: { plans: { kind: "map", what: "plans", names: "plan", entry: plan, nonEmpty: true } },
};
