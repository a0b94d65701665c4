import type { RuleDef, SelectionDef } from "../world/schema";
import { findDuplicateKey } from "./json-duplicates";

/**
 * Backup policy documents: the checks CreatePolicy/UpdatePolicy make on one document, and the
 * translation of an effective policy into the backup plans AWS Backup materialises from it.
 * Syntax: Organizations user guide, "Backup policy syntax and examples".
 */
export const MAX_BACKUP_POLICY_CHARS = 10_000;
const CHILD = "@@operators_allowed_for_child_policies";
const OPS = new Set(["@@assign", "@@append", "@@remove", CHILD]);
const PLAN_KEYS = new Set([
  "regions",
  "rules",
  "selections",
  "advanced_backup_settings",
  "backup_plan_tags",
  "scan_settings",
  CHILD,
]);
const RULE_KEYS = new Set([
  "schedule_expression",
  "schedule_expression_timezone",
  "target_backup_vault_name",
  "target_logically_air_gapped_backup_vault_arn",
  "start_backup_window_minutes",
  "complete_backup_window_minutes",
  "enable_continuous_backup",
  "lifecycle",
  "copy_actions",
  "recovery_point_tags",
  "index_actions",
  "scan_actions",
  CHILD,
]);

/** Returns a reason when the document is malformed for BACKUP_POLICY, else undefined. */
export function checkBackupPolicy(content: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return "The policy is not valid JSON.";
  }
  const dup = findDuplicateKey(content);
  if (dup) return `Duplicate key ${dup} in the policy.`;
  if (!isObj(doc)) return "The policy must be a JSON object.";
  for (const k of Object.keys(doc)) if (k !== "plans" && k !== CHILD) return `Unknown element ${k}.`;
  const plans = doc.plans;
  if (plans === undefined) return undefined;
  if (!isObj(plans)) return "plans must be an object.";
  for (const [name, plan] of Object.entries(plans)) {
    if (OPS.has(name)) continue;
    if (!isObj(plan)) return `Plan ${name} must be an object.`;
    for (const k of Object.keys(plan)) if (!PLAN_KEYS.has(k)) return `Unknown element ${k} in plan ${name}.`;
    const rules = plan.rules;
    if (rules !== undefined && isObj(rules)) {
      for (const [rn, rule] of Object.entries(rules)) {
        if (OPS.has(rn)) continue;
        if (!isObj(rule)) return `Rule ${rn} must be an object.`;
        for (const k of Object.keys(rule)) if (!RULE_KEYS.has(k)) return `Unknown element ${k} in rule ${rn}.`;
        const bad = checkRuleValues(rule);
        if (bad) return `Rule ${rn}: ${bad}`;
      }
    }
  }
  return undefined;
}

function checkRuleValues(rule: Record<string, unknown>): string | undefined {
  const start = num(leaf(rule.start_backup_window_minutes));
  if (start !== undefined && start < 60) return "start_backup_window_minutes must be at least 60.";
  const lc = isObj(rule.lifecycle) ? rule.lifecycle : {};
  const cold = num(leaf(lc.move_to_cold_storage_after_days));
  const del = num(leaf(lc.delete_after_days));
  if (cold !== undefined && del !== undefined && del < cold + 90)
    return "delete_after_days must be at least move_to_cold_storage_after_days + 90.";
  if (bool(leaf(rule.enable_continuous_backup)) && del !== undefined && del > 35)
    return "continuous backup keeps recovery points at most 35 days.";
  return undefined;
}

export interface MaterialisedPlan {
  name: string;
  rules: RuleDef[];
  selections: SelectionDef[];
  advanced: { resource_type: string; backup_options: Record<string, string> }[];
}

/** The plans an effective policy puts into one account and region (invalid plans are skipped, as AWS does). */
export function plansFromEffective(
  effective: Record<string, unknown>,
  account: string,
  region: string,
): MaterialisedPlan[] {
  const plans = isObj(effective.plans) ? effective.plans : {};
  const out: MaterialisedPlan[] = [];
  const sub = (s: string) => s.replaceAll("$account", account).replaceAll("$region", region);
  for (const [name, raw] of Object.entries(plans)) {
    if (!isObj(raw)) continue;
    const regions = Array.isArray(raw.regions) ? raw.regions.map(String) : [];
    if (!regions.includes(region) || !isObj(raw.rules) || !isObj(raw.selections)) continue;
    const rules: RuleDef[] = [];
    for (const [rn, r] of Object.entries(raw.rules)) {
      if (!isObj(r) || typeof r.schedule_expression !== "string" || typeof r.target_backup_vault_name !== "string")
        continue;
      rules.push({
        name: rn,
        target_vault: sub(r.target_backup_vault_name),
        schedule: r.schedule_expression,
        timezone: typeof r.schedule_expression_timezone === "string" ? r.schedule_expression_timezone : undefined,
        start_window_minutes: num(r.start_backup_window_minutes) ?? 480,
        completion_window_minutes: num(r.complete_backup_window_minutes) ?? 10080,
        lifecycle: lifecycleOf(r.lifecycle),
        copy_actions: Object.values(isObj(r.copy_actions) ? r.copy_actions : {})
          .filter(isObj)
          .filter((c) => typeof c.target_backup_vault_arn === "string")
          .map((c) => ({
            destination_vault_arn: sub(String(c.target_backup_vault_arn)),
            lifecycle: lifecycleOf(c.lifecycle),
          })),
        continuous: bool(r.enable_continuous_backup),
        recovery_point_tags: tagsOf(r.recovery_point_tags),
        scan_actions: [],
        index_actions: [],
        delete_source_after_copy: false,
      });
    }
    if (rules.length === 0) continue;
    out.push({
      name,
      rules,
      selections: selectionsOf(raw.selections, sub),
      advanced: advancedOf(raw.advanced_backup_settings),
    });
  }
  return out;
}

function selectionsOf(raw: Record<string, unknown>, sub: (s: string) => string): SelectionDef[] {
  const out: SelectionDef[] = [];
  const empty = { string_equals: [], string_not_equals: [], string_like: [], string_not_like: [] };
  for (const [name, s] of Object.entries(isObj(raw.tags) ? raw.tags : {})) {
    if (!isObj(s) || typeof s.iam_role_arn !== "string" || typeof s.tag_key !== "string") continue;
    const values = Array.isArray(s.tag_value) ? s.tag_value.map(String) : [String(s.tag_value ?? "")];
    out.push({
      name,
      iam_role_arn: sub(s.iam_role_arn),
      resources: [],
      not_resources: [],
      list_of_tags: values.map((v) => ({ key: String(s.tag_key), value: v })),
      conditions: empty,
    });
  }
  for (const [name, s] of Object.entries(isObj(raw.resources) ? raw.resources : {})) {
    if (!isObj(s) || typeof s.iam_role_arn !== "string") continue;
    const c = isObj(s.conditions) ? s.conditions : {};
    const cond = (k: string) =>
      Object.values(isObj(c[k]) ? (c[k] as Record<string, unknown>) : {})
        .filter(isObj)
        .map((e) => ({ key: String(e.condition_key), value: String(e.condition_value) }));
    out.push({
      name,
      iam_role_arn: sub(s.iam_role_arn),
      resources: (Array.isArray(s.resource_types) ? s.resource_types : []).map((v) => sub(String(v))),
      not_resources: (Array.isArray(s.not_resource_types) ? s.not_resource_types : []).map((v) => sub(String(v))),
      list_of_tags: [],
      conditions: {
        string_equals: cond("string_equals"),
        string_not_equals: cond("string_not_equals"),
        string_like: cond("string_like"),
        string_not_like: cond("string_not_like"),
      },
    });
  }
  return out;
}

function lifecycleOf(raw: unknown): RuleDef["lifecycle"] {
  if (!isObj(raw)) return undefined;
  const cold = num(raw.move_to_cold_storage_after_days);
  const del = num(raw.delete_after_days);
  const archive = raw.opt_in_to_archive_for_supported_resources;
  return {
    move_to_cold_storage_after_days: cold,
    delete_after_days: del,
    opt_in_to_archive_for_supported_resources: archive === undefined ? undefined : bool(archive),
  };
}

function tagsOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of Object.values(isObj(raw) ? raw : {}))
    if (isObj(t) && typeof t.tag_key === "string") out[t.tag_key] = String(t.tag_value ?? "");
  return out;
}

function advancedOf(raw: unknown): MaterialisedPlan["advanced"] {
  const ec2 = isObj(raw) && isObj(raw.ec2) ? raw.ec2 : undefined;
  if (!ec2 || ec2.windows_vss === undefined) return [];
  return [{ resource_type: "EC2", backup_options: { WindowsVSS: String(ec2.windows_vss) } }];
}

/** The value of an operator object in a single policy (for per-document checks). */
function leaf(v: unknown): unknown {
  return isObj(v) ? v["@@assign"] : v;
}
function num(v: unknown): number | undefined {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : typeof v === "number" ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}
function bool(v: unknown): boolean {
  return v === true || v === "true";
}
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
