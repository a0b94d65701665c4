// The backup plans AWS Backup materialises in one account and Region from the account's effective
// BACKUP_POLICY, as the product's inventory types (lib/inventory/types.ts) hold them, so the
// compliance controls can judge plans that do not exist yet. Written from the Organizations guide
// ("Backup policy syntax and examples", "Viewing effective backup policies"), not from sim/:
// - one org-managed plan per effective plan whose `regions` name the Region, named as the plan
//   (ARN …:backup-plan:orgs/<id>), its rules and selections taken from the policy;
// - `$account` and `$region` are replaced in vault names, vault ARNs and role ARNs;
// - a copy action without target_backup_vault_arn copies to the vault its key names;
// - a tag selection is ListOfTags (STRINGEQUALS on tag_key, any of tag_value), a resource selection
//   is Resources/NotResources from resource_types/not_resource_types; both carry their conditions
//   (keys "aws:ResourceTag/…", ANDed).
// Decided where the guide is silent (the same reading as AWS's own effective-policy validation): a
// rule without schedule or vault, or a plan without a complete rule or a selection, cannot become
// a backup plan, so it is left out; the preview lists the validation errors that say why.
import type { BackupPlan, BackupRule, BackupSelection, Lifecycle, SelectionCondition } from "@/lib/inventory/types";
import { isJsonObject as isObject, type Json, type JsonObject } from "./parse";
import { readBoolean, readInteger } from "./values";

/** A plan as the policy defines it for one account and Region, before AWS gives it ids. */
export interface MaterialisedPlan {
  planName: string;
  rules: BackupRule[];
  selections: BackupSelection[];
  advancedBackupSettings: BackupPlan["advancedBackupSettings"];
  scanSettings: BackupPlan["scanSettings"];
}

const CONDITION_OPS: ReadonlyArray<[string, SelectionCondition["op"]]> = [
  ["string_equals", "StringEquals"],
  ["string_not_equals", "StringNotEquals"],
  ["string_like", "StringLike"],
  ["string_not_like", "StringNotLike"],
];

/** AWS's own effective-policy examples sometimes leave a value inside {"@@assign": …}: read through it. */
function bare(v: Json | undefined): Json | undefined {
  return isObject(v) && Object.keys(v).length === 1 && "@@assign" in v ? v["@@assign"] : v;
}
const str = (v: Json | undefined): string | null => {
  const x = bare(v);
  return typeof x === "string" ? x : null;
};
const int = (v: Json | undefined): number | null => readInteger(bare(v)) ?? null;
const strings = (v: Json | undefined): string[] => {
  const x = bare(v);
  if (typeof x === "string") return [x];
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
};
/** Named entries of a map node (plans, rules, selections…), operators skipped. */
const named = (v: Json | undefined): Array<[string, JsonObject]> =>
  isObject(v)
    ? Object.entries(v).filter((e): e is [string, JsonObject] => !e[0].startsWith("@@") && isObject(e[1]))
    : [];

/** Every plan of `effective` AWS Backup would create in (accountId, region). */
export function materialisePolicyPlans(effective: JsonObject, accountId: string, region: string): MaterialisedPlan[] {
  const sub = (s: string) => s.replaceAll("$account", accountId).replaceAll("$region", region);
  const out: MaterialisedPlan[] = [];
  for (const [planName, plan] of named(effective.plans)) {
    if (!strings(plan.regions).includes(region)) continue;
    const rules = named(plan.rules).flatMap(([name, r]) => {
      const rule = toRule(name, r, sub);
      return rule ? [rule] : [];
    });
    const selections = toSelections(plan.selections, sub);
    if (rules.length === 0 || selections.length === 0) continue;
    out.push({
      planName,
      rules,
      selections,
      advancedBackupSettings: toAdvanced(plan.advanced_backup_settings),
      scanSettings: named(plan.scan_settings).map(([scanner, c]) => {
        const role = str(c.scanner_role_arn);
        return {
          malwareScanner: scanner.toUpperCase(),
          resourceTypes: strings(c.resource_types),
          scannerRoleArn: role === null ? null : sub(role),
        };
      }),
    });
  }
  return out;
}

function toLifecycle(v: Json | undefined): Lifecycle | null {
  if (!isObject(v)) return null;
  const cold = int(v.move_to_cold_storage_after_days);
  const del = int(v.delete_after_days);
  const archive = readBoolean(bare(v.opt_in_to_archive_for_supported_resources));
  if (cold === null && del === null && archive === undefined) return null;
  return {
    moveToColdStorageAfterDays: cold,
    deleteAfterDays: del,
    optInToArchiveForSupportedResources: archive ?? false,
  };
}

function toRule(name: string, r: JsonObject, sub: (s: string) => string): BackupRule | null {
  const schedule = str(r.schedule_expression);
  const vault = str(r.target_backup_vault_name);
  if (schedule === null || vault === null) return null;
  const airGapped = str(r.target_logically_air_gapped_backup_vault_arn);
  const tags: Record<string, string> = {};
  for (const [, t] of named(r.recovery_point_tags)) {
    const key = str(t.tag_key);
    if (key !== null) tags[key] = str(t.tag_value) ?? "";
  }
  return {
    // AWS gives each rule an id when it creates the plan; until then the name stands in.
    ruleId: name,
    ruleName: name,
    targetBackupVaultName: sub(vault),
    targetLogicallyAirGappedBackupVaultArn: airGapped === null ? null : sub(airGapped),
    scheduleExpression: schedule,
    scheduleExpressionTimezone: str(r.schedule_expression_timezone),
    startWindowMinutes: int(r.start_backup_window_minutes),
    completionWindowMinutes: int(r.complete_backup_window_minutes),
    lifecycle: toLifecycle(r.lifecycle),
    copyActions: named(r.copy_actions).map(([key, c]) => ({
      destinationBackupVaultArn: sub(str(c.target_backup_vault_arn) ?? key),
      lifecycle: toLifecycle(c.lifecycle),
    })),
    enableContinuousBackup: readBoolean(bare(r.enable_continuous_backup)) === true,
    recoveryPointTags: tags,
    scanActions: named(r.scan_actions).map(([scanner, a]) => ({
      malwareScanner: scanner.toUpperCase(),
      scanMode: str(a.scan_mode) ?? "",
    })),
    indexResourceTypes: isObject(r.index_actions) ? strings(r.index_actions.resource_types) : [],
  };
}

function toConditions(v: Json | undefined): SelectionCondition[] {
  if (!isObject(v)) return [];
  return CONDITION_OPS.flatMap(([key, op]) =>
    named(v[key]).flatMap(([, c]) => {
      const k = str(c.condition_key);
      const value = str(c.condition_value);
      return k === null || value === null ? [] : [{ op, key: k, value }];
    }),
  );
}

function toSelections(v: Json | undefined, sub: (s: string) => string): BackupSelection[] {
  if (!isObject(v)) return [];
  const out: BackupSelection[] = [];
  const base = (name: string, role: string) => ({ selectionId: name, selectionName: name, iamRoleArn: sub(role) });
  for (const [name, s] of named(v.tags)) {
    const role = str(s.iam_role_arn);
    const key = str(s.tag_key);
    if (role === null || key === null) continue;
    const listOfTags = strings(s.tag_value).map((value) => ({ op: "StringEquals" as const, key, value }));
    out.push({
      ...base(name, role),
      resources: [],
      notResources: [],
      listOfTags,
      conditions: toConditions(s.conditions),
    });
  }
  for (const [name, s] of named(v.resources)) {
    const role = str(s.iam_role_arn);
    if (role === null) continue;
    out.push({
      ...base(name, role),
      resources: strings(s.resource_types).map(sub),
      notResources: strings(s.not_resource_types).map(sub),
      listOfTags: [],
      conditions: toConditions(s.conditions),
    });
  }
  return out;
}

/** advanced_backup_settings as BackupPlan.AdvancedBackupSettings (ResourceType EC2 / S3, option names as AWS Backup spells them). */
function toAdvanced(v: Json | undefined): BackupPlan["advancedBackupSettings"] {
  if (!isObject(v)) return [];
  const out: BackupPlan["advancedBackupSettings"] = [];
  const ec2 = isObject(v.ec2) ? v.ec2 : {};
  const vss = str(ec2.windows_vss) ?? str(ec2.windowsvss);
  if (vss !== null) out.push({ resourceType: "EC2", backupOptions: { WindowsVSS: vss } });
  const s3 = isObject(v.s3) ? v.s3 : {};
  const options: Record<string, string> = {};
  const acls = str(s3.backup_acls);
  const tags = str(s3.backup_object_tags);
  if (acls !== null) options.BackupACLs = acls;
  if (tags !== null) options.BackupObjectTags = tags;
  if (Object.keys(options).length) out.push({ resourceType: "S3", backupOptions: options });
  return out;
}

/** Marks plans the preview made up: AWS assigns the real ids when it creates them. */
export const PENDING_ID = "pending";

/**
 * The plans of one (account, region) once AWS has reconciled its org-managed plans with `desired`:
 * hand-made plans stay; an org-managed plan of the same name keeps its id and ARN and takes the new
 * rules and selections (a new plan version); others are deleted; new ones are created.
 */
export function reconcileOrgPlans(
  existing: readonly BackupPlan[],
  desired: readonly MaterialisedPlan[],
  unit: { accountId: string; region: string },
): BackupPlan[] {
  const out = existing.filter((p) => !p.orgManaged);
  for (const d of desired) {
    const old = existing.find((p) => p.orgManaged && p.planName === d.planName);
    const id = old?.planId ?? `orgs/${PENDING_ID}-${d.planName}`;
    out.push({
      accountId: unit.accountId,
      region: unit.region,
      planId: id,
      planArn: old?.planArn ?? `arn:aws:backup:${unit.region}:${unit.accountId}:backup-plan:${id}`,
      planName: d.planName,
      versionId: PENDING_ID,
      orgManaged: true,
      creationDate: old?.creationDate ?? null,
      lastExecutionDate: old?.lastExecutionDate ?? null,
      // A rule that stays keeps its id (findings about it are the same subject); a new one has none yet.
      rules: d.rules.map((r) => ({
        ...r,
        ruleId: old?.rules.find((o) => o.ruleName === r.ruleName)?.ruleId ?? r.ruleId,
      })),
      selections: d.selections,
      advancedBackupSettings: d.advancedBackupSettings,
      scanSettings: d.scanSettings,
    });
  }
  return out;
}
