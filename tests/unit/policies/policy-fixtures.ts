// Realistic backup policies for the validator's tests, written from the syntax page (not copied from
// AWS's examples, which contain mistakes: see features.md section 2.2).
import type { Json, JsonObject } from "@/lib/policies/parse";

export const assign = (v: Json): JsonObject => ({ "@@assign": v });

/** An ISO-27001-style daily plan: 35 days kept, monthly kept a year with cold storage, a copy to another Region, a logically air-gapped vault, placeholders. */
export function isoDailyPolicy(): JsonObject {
  return {
    plans: {
      "iso-27001-daily": {
        regions: assign(["eu-west-1", "eu-central-1"]),
        rules: {
          "daily-35d": {
            schedule_expression: assign("cron(0 3 ? * * *)"),
            schedule_expression_timezone: assign("Europe/Paris"),
            start_backup_window_minutes: assign("60"),
            complete_backup_window_minutes: assign("720"),
            target_backup_vault_name: assign("backup-governance"),
            target_logically_air_gapped_backup_vault_arn: assign(
              "arn:aws:backup:$region:$account:backup-vault:air-gapped",
            ),
            lifecycle: { delete_after_days: assign("35") },
            copy_actions: {
              "arn:aws:backup:eu-north-1:$account:backup-vault:backup-governance-dr": {
                target_backup_vault_arn: assign("arn:aws:backup:eu-north-1:$account:backup-vault:backup-governance-dr"),
                lifecycle: { delete_after_days: assign("35") },
              },
            },
            recovery_point_tags: {
              "managed-by": { tag_key: assign("managed-by"), tag_value: assign("backup-governance") },
            },
            index_actions: { resource_types: assign(["EBS", "S3"]) },
            scan_actions: { GUARDDUTY: { scan_mode: assign("INCREMENTAL_SCAN") } },
          },
          "monthly-1y": {
            schedule_expression: assign("cron(0 4 1 * ? *)"),
            start_backup_window_minutes: assign(120),
            target_backup_vault_name: assign("backup-governance"),
            lifecycle: {
              move_to_cold_storage_after_days: assign("30"),
              delete_after_days: assign("365"),
              opt_in_to_archive_for_supported_resources: assign(false),
            },
          },
        },
        selections: {
          tags: {
            "backup-daily": {
              iam_role_arn: assign("arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole"),
              tag_key: assign("backup"),
              tag_value: assign(["daily", "iso"]),
              conditions: {
                string_not_equals: {
                  "not-scratch": { condition_key: assign("aws:ResourceTag/env"), condition_value: assign("scratch") },
                },
              },
            },
          },
        },
        advanced_backup_settings: { ec2: { windows_vss: assign("enabled") }, s3: { backup_acls: assign("disabled") } },
        backup_plan_tags: { "managed-by": { tag_key: assign("managed-by"), tag_value: assign("backup-governance") } },
        scan_settings: {
          GUARDDUTY: {
            resource_types: assign(["EBS"]),
            scanner_role_arn: assign("arn:aws:iam::$account:role/GuardDutyBackupScanner"),
          },
        },
      },
    },
  };
}

/** The same policy as DescribeEffectivePolicy would hold it when attached alone: operators dropped. */
export function unwrap(v: Json): Json {
  if (Array.isArray(v)) return v.map(unwrap);
  if (typeof v !== "object" || v === null) return v;
  if ("@@assign" in v) return unwrap(v["@@assign"] as Json);
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !k.startsWith("@@"))
      .map(([k, x]) => [k, unwrap(x)]),
  );
}

/** Navigates to a node by keys, creating nothing; throws when a key is missing (a broken test, not a finding). */
export function at(doc: JsonObject, ...keys: string[]): JsonObject {
  let node: Json = doc;
  for (const k of keys) {
    if (typeof node !== "object" || node === null || Array.isArray(node) || !(k in node)) throw new Error(`no ${k}`);
    node = node[k] as Json;
  }
  return node as JsonObject;
}

export const PLAN = "iso-27001-daily";
export const DAILY = ["plans", PLAN, "rules", "daily-35d"] as const;
export const MONTHLY = ["plans", PLAN, "rules", "monthly-1y"] as const;
export const DAILY_PATH = '$.plans["iso-27001-daily"].rules["daily-35d"]';
export const MONTHLY_PATH = '$.plans["iso-27001-daily"].rules["monthly-1y"]';
export const PLAN_PATH = '$.plans["iso-27001-daily"]';
