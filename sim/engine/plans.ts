import type { PlanRt, PlanVersionRt, RuleRt, SelectionRt, SimState, Unit } from "./model";
import { parseSchedule } from "./schedule";
import type { RuleDef, ScanSettingDef, SelectionDef } from "../world/schema";
import { stableUuid, versionId } from "../world/ids";

/** Creates a plan (hand-made or org-managed) in a unit. */
export function addPlan(
  state: SimState,
  unit: Unit,
  p: { id: string; name: string; created: number; deleted?: number; orgPlanName?: string; creatorRequestId?: string },
): PlanRt {
  const plan: PlanRt = {
    index: state.plans.length,
    unit: unit.index,
    id: p.id,
    arn: `arn:aws:backup:${unit.region}:${unit.accountId}:backup-plan:${p.id}`,
    name: p.name,
    created: p.created,
    deleted: p.deleted,
    orgPlanName: p.orgPlanName,
    creatorRequestId: p.creatorRequestId,
    versions: [],
    selections: [],
    lastExecution: undefined,
  };
  state.plans.push(plan);
  unit.plans.push(plan.index);
  return plan;
}

/** Appends a version; its rules get fresh rule IDs only where the rule name is new to the plan. */
export function addPlanVersion(
  state: SimState,
  plan: PlanRt,
  created: number,
  rules: RuleDef[],
  advanced: { resource_type: string; backup_options: Record<string, string> }[],
  scanSettings: ScanSettingDef[] = [],
): PlanVersionRt {
  const vIndex = plan.versions.length;
  const previous = plan.versions[vIndex - 1];
  const version: PlanVersionRt = {
    versionId: versionId(state.seed, plan.id, vIndex, created),
    created,
    rules: [],
    advancedBackupSettings: advanced.map((a) => ({
      resourceType: a.resource_type,
      backupOptions: { ...a.backup_options },
    })),
    scanSettings: scanSettings.map((s) => ({
      malwareScanner: s.malware_scanner,
      resourceTypes: [...s.resource_types],
      scannerRoleArn: s.scanner_role_arn,
    })),
    fingerprint: JSON.stringify({ rules, advanced }),
  };
  for (const def of rules) {
    const prior = previous?.rules.map((i) => state.rules[i] as RuleRt).find((r) => r.name === def.name);
    const rule = buildRule(
      state,
      plan,
      vIndex,
      def,
      prior?.ruleId ?? stableUuid(state.seed, "rule", plan.id, def.name),
    );
    version.rules.push(rule.index);
  }
  plan.versions.push(version);
  return version;
}

function buildRule(state: SimState, plan: PlanRt, version: number, def: RuleDef, ruleId: string): RuleRt {
  const lc = (l: RuleDef["lifecycle"]) => ({
    coldAfterDays: l?.move_to_cold_storage_after_days ?? -1,
    deleteAfterDays: l?.delete_after_days ?? -1,
    archive: l?.opt_in_to_archive_for_supported_resources,
  });
  let schedule = null;
  try {
    schedule = parseSchedule(def.schedule, def.timezone);
  } catch {
    schedule = null; // an unparseable schedule never fires (AWS would have refused to create it)
  }
  const rule: RuleRt = {
    index: state.rules.length,
    plan: plan.index,
    version,
    ruleId,
    name: def.name,
    targetVault: def.target_vault,
    scheduleExpression: def.schedule,
    timezone: def.timezone,
    schedule,
    startWindowMinutes: def.start_window_minutes,
    completionWindowMinutes: def.completion_window_minutes,
    lifecycle: lc(def.lifecycle),
    copyActions: def.copy_actions.map((c) => ({
      destinationVaultArn: c.destination_vault_arn,
      lifecycle: c.lifecycle ? lc(c.lifecycle) : null,
    })),
    continuous: def.continuous,
    recoveryPointTags: { ...def.recovery_point_tags },
    scanActions: def.scan_actions.map((a) => ({ malwareScanner: a.malware_scanner, scanMode: a.scan_mode })),
    indexActions: def.index_actions.map((a) => ({ resourceTypes: [...a.resource_types] })),
    deleteSourceAfterCopy: def.delete_source_after_copy,
  };
  state.rules.push(rule);
  return rule;
}

export function buildSelection(state: SimState, plan: PlanRt, def: SelectionDef, created: number): SelectionRt {
  const sel: SelectionRt = {
    id: def.id ?? stableUuid(state.seed, "selection", plan.id, def.name),
    name: def.name,
    iamRoleArn: def.iam_role_arn,
    created,
    creatorRequestId: undefined,
    resources: [...def.resources],
    notResources: [...def.not_resources],
    listOfTags: def.list_of_tags.map((t) => ({ ...t })),
    conditions: {
      stringEquals: def.conditions.string_equals.map((c) => ({ ...c })),
      stringNotEquals: def.conditions.string_not_equals.map((c) => ({ ...c })),
      stringLike: def.conditions.string_like.map((c) => ({ ...c })),
      stringNotLike: def.conditions.string_not_like.map((c) => ({ ...c })),
    },
  };
  plan.selections.push(sel);
  return sel;
}

/** The version in force at time t (undefined before the plan existed or after it was deleted). */
export function versionAt(plan: PlanRt, t: number): number | undefined {
  if (t < plan.created || (plan.deleted !== undefined && t >= plan.deleted)) return undefined;
  let v: number | undefined;
  plan.versions.forEach((ver, i) => {
    if (ver.created <= t) v = i;
  });
  return v;
}

export function currentVersion(plan: PlanRt): PlanVersionRt {
  return plan.versions[plan.versions.length - 1] as PlanVersionRt;
}
