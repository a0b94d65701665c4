// Rules that relate several settings. In a document they apply to what that document itself
// assigns (a rule that sets both cold storage and deletion must respect the 90 days, whatever a child
// may later override); in the effective policy they apply to the merged values, and also to what is
// missing. Sources: "Backup policy syntax and examples" (cold storage 90 days, PITR 35 days, 30
// conditions, tags and resources mutually exclusive, scan_actions with scan_settings).
import { childPath } from "./errors";
import { MAX_CONDITIONS_PER_SELECTION, MAX_CONTINUOUS_RETENTION_DAYS, MIN_COLD_STORAGE_DAYS } from "./limits";
import { isJsonObject as isObject, type Json, type JsonObject } from "./parse";
import { ASSIGN, CONDITION_OPERATORS } from "./syntax";
import type { Reporter } from "./validate";
import { readBoolean, readInteger } from "./values";

interface At<T> {
  value: T;
  path: string;
}

/** The value this node sets for `key`: its @@assign in a document, the bare value in an effective policy. */
function setting(node: Json | undefined, key: string, path: string, r: Reporter): At<Json> | undefined {
  if (!isObject(node)) return undefined;
  const raw = node[key];
  const at = childPath(path, key);
  if (isObject(raw)) return ASSIGN in raw ? { value: raw[ASSIGN] as Json, path: childPath(at, ASSIGN) } : undefined;
  return raw === undefined || r.mode === "document" ? undefined : { value: raw, path: at };
}

/** The user-named entries of a map node (operators skipped), with their paths. */
function entries(node: Json | undefined, path: string): Array<[string, Json, string]> {
  if (!isObject(node)) return [];
  return Object.entries(node)
    .filter(([k]) => !k.startsWith("@@"))
    .map(([k, v]) => [k, v, childPath(path, k)]);
}

export function checkCrossField(policy: JsonObject, r: Reporter): void {
  for (const [, plan, planPath] of entries(policy.plans, "$.plans")) {
    if (!isObject(plan)) continue;
    const rulesPath = childPath(planPath, "rules");
    for (const [, rule, rulePath] of entries(plan.rules, rulesPath)) {
      checkRule(rule, rulePath, r);
      if (r.mode === "effective") checkScanSettings(plan, planPath, rule, rulePath, r);
    }
    if (plan.selections !== undefined) checkSelections(plan.selections, childPath(planPath, "selections"), r);
  }
}

function checkRule(rule: Json, path: string, r: Reporter): void {
  if (!isObject(rule)) return;
  const lifecyclePath = childPath(path, "lifecycle");
  checkColdStorage(rule.lifecycle, lifecyclePath, r);
  for (const [, copy, copyPath] of entries(rule.copy_actions, childPath(path, "copy_actions"))) {
    if (isObject(copy)) checkColdStorage(copy.lifecycle, childPath(copyPath, "lifecycle"), r);
  }
  const continuous = setting(rule, "enable_continuous_backup", path, r);
  if (!continuous || readBoolean(continuous.value) !== true) return;
  const del = setting(rule.lifecycle, "delete_after_days", lifecyclePath, r);
  const days = readInteger(del?.value);
  if (del && days !== undefined && days > MAX_CONTINUOUS_RETENTION_DAYS) {
    r.add(
      "CONTINUOUS_RETENTION_TOO_LONG",
      `Continuous backups (point-in-time recovery) are kept at most ${MAX_CONTINUOUS_RETENTION_DAYS} days; delete_after_days is ${days}.`,
      del.path,
    );
  } else if (!del && r.mode === "effective") {
    r.add(
      "CONTINUOUS_RETENTION_TOO_LONG",
      `Continuous backups are kept at most ${MAX_CONTINUOUS_RETENTION_DAYS} days, but this rule sets no delete_after_days, so they would be kept forever.`,
      path,
    );
  }
}

/** Backups moved to cold storage stay there at least 90 days, so deletion comes at least 90 days after. */
function checkColdStorage(lifecycle: Json | undefined, path: string, r: Reporter): void {
  const cold = setting(lifecycle, "move_to_cold_storage_after_days", path, r);
  const del = setting(lifecycle, "delete_after_days", path, r);
  const coldDays = readInteger(cold?.value);
  const delDays = readInteger(del?.value);
  if (del === undefined || coldDays === undefined || delDays === undefined) return;
  if (delDays < coldDays + MIN_COLD_STORAGE_DAYS) {
    r.add(
      "COLD_STORAGE_TOO_SHORT",
      `delete_after_days must be at least move_to_cold_storage_after_days + ${MIN_COLD_STORAGE_DAYS} (${coldDays + MIN_COLD_STORAGE_DAYS}): backups in cold storage stay there ${MIN_COLD_STORAGE_DAYS} days; it is ${delDays}.`,
      del.path,
    );
  }
}

function checkSelections(selections: Json, path: string, r: Reporter): void {
  if (!isObject(selections)) return;
  const tags = entries(selections.tags, childPath(path, "tags"));
  const resources = entries(selections.resources, childPath(path, "resources"));
  if (tags.length > 0 && resources.length > 0) {
    r.add(
      "SELECTION_TYPES_EXCLUSIVE",
      `A plan selects resources either by "tags" or by "resources", not both; to combine tag conditions with resource types, use "resources" with conditions.`,
      path,
    );
  } else if (tags.length === 0 && resources.length === 0 && r.mode === "effective") {
    r.add("REQUIRED_ELEMENT_MISSING", `Selections need at least one selection under "tags" or "resources".`, path);
  }
  for (const [, selection, selectionPath] of [...tags, ...resources]) {
    if (!isObject(selection)) continue;
    const conditionsPath = childPath(selectionPath, "conditions");
    const count = CONDITION_OPERATORS.reduce(
      (n, op) => n + entries(isObject(selection.conditions) ? selection.conditions[op] : undefined, "").length,
      0,
    );
    if (count > MAX_CONDITIONS_PER_SELECTION) {
      r.add(
        "ELEMENTS_TOO_MANY",
        `A selection may have at most ${MAX_CONDITIONS_PER_SELECTION} conditions; this one has ${count}.`,
        conditionsPath,
      );
    }
  }
}

/** scan_actions start scanning jobs only with the plan's scan_settings for the same scanner. */
function checkScanSettings(plan: JsonObject, planPath: string, rule: Json, rulePath: string, r: Reporter): void {
  if (!isObject(rule)) return;
  // Names are case-insensitive: the effective policy shows "guardduty" for a document's "GUARDDUTY".
  const settings = new Set(entries(plan.scan_settings, "").map(([k]) => k.toLowerCase()));
  for (const [scanner, , at] of entries(rule.scan_actions, childPath(rulePath, "scan_actions"))) {
    if (!settings.has(scanner.toLowerCase()))
      r.add(
        "SCAN_SETTINGS_REQUIRED",
        `The scan action ${scanner} needs scan_settings.${scanner} (resource_types and scanner_role_arn) in the plan ${planPath}.`,
        at,
      );
  }
}
