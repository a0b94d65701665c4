// The form beside the JSON editor: the common fields of a policy (its first plan, rule and tag
// selection), read from any document and written back into it. Both directions are pure so that
// form and JSON stay in sync: reading takes what it recognises and says what it does not; writing
// touches only the groups of fields the user changed, so what was written by hand in the JSON
// (another rule, tags, conditions, advanced settings) survives a change made through the form.
import {
  copyDestinations,
  checkPolicyParams,
  DEFAULT_ROLE_ARN,
  lifecycleOf,
  readSchedule,
  RULE_NAME,
  scheduleExpression,
  SELECTION_NAME,
  type PolicyParams,
} from "./generate";
import { isJsonObject, type Json, type JsonObject } from "./parse";

/** The form's fields as typed (strings), so a half-typed value is kept while it is wrong. */
export interface PolicyFormValues {
  planName: string;
  regions: string;
  frequencyUnit: "hours" | "days";
  frequencyValue: string;
  startHourUtc: string;
  retentionDays: string;
  coldStorageAfterDays: string;
  vaultName: string;
  airGappedVaultName: string;
  copyRegions: string;
  copyAccounts: string;
  copyVaultName: string;
  copyVaultArns: string;
  iamRoleArn: string;
  tagKey: string;
  tagValues: string;
}
export type FormField = keyof PolicyFormValues;

/** Fields written together: a change to one rewrites its group's part of the document. */
export const FIELD_GROUPS = {
  plan: ["planName"],
  regions: ["regions"],
  schedule: ["frequencyUnit", "frequencyValue", "startHourUtc"],
  lifecycle: ["retentionDays", "coldStorageAfterDays"],
  vault: ["vaultName"],
  airGapped: ["airGappedVaultName"],
  copies: ["copyRegions", "copyAccounts", "copyVaultName", "copyVaultArns"],
  selection: ["iamRoleArn", "tagKey", "tagValues"],
} as const satisfies Record<string, readonly FormField[]>;
type Group = keyof typeof FIELD_GROUPS;

const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const num = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : Number.NaN);

export function toFormValues(p: PolicyParams): PolicyFormValues {
  return {
    planName: p.planName,
    regions: p.regions.join(", "),
    frequencyUnit: p.frequency.unit,
    frequencyValue: String(p.frequency.value),
    startHourUtc: String(p.startHourUtc),
    retentionDays: String(p.retentionDays),
    coldStorageAfterDays: p.coldStorageAfterDays === null ? "" : String(p.coldStorageAfterDays),
    vaultName: p.vaultName,
    airGappedVaultName: p.airGappedVaultName ?? "",
    copyRegions: p.copyRegions.join(", "),
    copyAccounts: p.copyAccounts.join(", "),
    copyVaultName: p.copyVaultName,
    copyVaultArns: p.copyVaultArns.join(", "),
    iamRoleArn: p.iamRoleArn,
    tagKey: p.tagKey,
    tagValues: p.tagValues.join(", "),
  };
}

export function toParams(v: PolicyFormValues): PolicyParams {
  const cold = v.coldStorageAfterDays.trim();
  const airGapped = v.airGappedVaultName.trim();
  return {
    planName: v.planName.trim(),
    regions: list(v.regions),
    frequency: { unit: v.frequencyUnit, value: num(v.frequencyValue) },
    startHourUtc: v.startHourUtc.trim() === "" ? 5 : num(v.startHourUtc),
    retentionDays: num(v.retentionDays),
    coldStorageAfterDays: cold === "" ? null : num(cold),
    vaultName: v.vaultName.trim(),
    airGappedVaultName: airGapped === "" ? null : airGapped,
    copyRegions: list(v.copyRegions),
    copyAccounts: list(v.copyAccounts),
    copyVaultName: v.copyVaultName.trim() || "Default",
    copyVaultArns: list(v.copyVaultArns),
    iamRoleArn: v.iamRoleArn.trim(),
    tagKey: v.tagKey.trim(),
    tagValues: list(v.tagValues),
  };
}

/** Errors by form field (frequency's lands on its value field). */
export function formErrors(v: PolicyFormValues): Partial<Record<FormField, string>> {
  const { frequency, ...rest } = checkPolicyParams(toParams(v));
  const out: Partial<Record<FormField, string>> = {};
  for (const [k, message] of Object.entries(rest)) if (k !== "document" && message) out[k as FormField] = message;
  if (frequency) out.frequencyValue = frequency;
  return out;
}

// --- reading a document ---------------------------------------------------------------------

const obj = (v: Json | undefined): JsonObject => (isJsonObject(v) ? v : {});
const names = (v: Json | undefined) => Object.keys(obj(v)).filter((k) => !k.startsWith("@@"));
const assigned = (v: Json | undefined): Json | undefined => obj(v)["@@assign"];
const text = (v: Json | undefined) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
const texts = (v: Json | undefined) => (Array.isArray(v) ? v.map(text).filter(Boolean) : []);

interface Located {
  plan: JsonObject;
  rule: JsonObject;
  planName: string | undefined;
  ruleName: string | undefined;
}

function locate(doc: JsonObject): Located {
  const planName = names(doc.plans)[0];
  const plan = obj(planName === undefined ? undefined : obj(doc.plans)[planName]);
  const ruleName = names(plan.rules)[0];
  return { plan, planName, ruleName, rule: obj(ruleName === undefined ? undefined : obj(plan.rules)[ruleName]) };
}

export interface FormReading {
  values: PolicyFormValues;
  /** What the form could not show, in words (e.g. a schedule it does not write). */
  notes: string[];
  /** "resources": the plan selects by resource type, so the tag fields do not apply. */
  selection: "tags" | "resources" | "none";
}

const SAME_ACCOUNT_COPY = /^arn:aws:backup:([a-z0-9-]+):\$account:backup-vault:([A-Za-z0-9_-]+)$/;
const SAME_REGION_COPY = /^arn:aws:backup:\$region:(\d{12}):backup-vault:([A-Za-z0-9_-]+)$/;
const AIR_GAPPED = /^arn:aws:backup:\$region:\$account:backup-vault:([A-Za-z0-9_-]+)$/;

/** The common fields of a document; what it does not recognise stays in the JSON, untouched. */
export function readFormFields(doc: JsonObject): FormReading {
  const { plan, rule, planName } = locate(doc);
  const notes: string[] = [];
  const plans = names(doc.plans).length;
  if (plans > 1) notes.push(`The form shows the first of ${plans} plans; edit the others in the JSON.`);
  if (names(plan.rules).length > 1) notes.push("The form shows the first rule; edit the others in the JSON.");
  const schedule = text(assigned(rule.schedule_expression));
  const read = schedule ? readSchedule(schedule) : null;
  if (schedule && !read)
    notes.push(`The schedule ${schedule} is not one the form writes; choosing a frequency replaces it.`);
  const lifecycle = obj(rule.lifecycle);
  const copies = names(rule.copy_actions).map(
    (k) => text(assigned(obj(obj(rule.copy_actions)[k]).target_backup_vault_arn)) || k,
  );
  const copyVault =
    copies.map((a) => SAME_ACCOUNT_COPY.exec(a)?.[2] ?? SAME_REGION_COPY.exec(a)?.[2]).find(Boolean) ?? "Default";
  const byRegion: string[] = [];
  const byAccount: string[] = [];
  const other: string[] = [];
  for (const arn of copies) {
    const r = SAME_ACCOUNT_COPY.exec(arn);
    const a = SAME_REGION_COPY.exec(arn);
    if (r && r[1] !== "$region" && r[2] === copyVault) byRegion.push(r[1]!);
    else if (a && a[2] === copyVault) byAccount.push(a[1]!);
    else other.push(arn);
  }
  const tags = obj(plan.selections).tags;
  const tagName = names(tags)[0];
  const resourceName = names(obj(plan.selections).resources)[0];
  const tagSelection = obj(tagName === undefined ? undefined : obj(tags)[tagName]);
  const role =
    tagName === undefined && resourceName !== undefined
      ? assigned(obj(obj(obj(plan.selections).resources)[resourceName]).iam_role_arn)
      : assigned(tagSelection.iam_role_arn);
  const selection = tagName !== undefined ? "tags" : resourceName !== undefined ? "resources" : "none";
  if (selection === "resources")
    notes.push(
      "The plan selects resources by type, not by tag: the tag fields do not apply; its role is the one shown.",
    );
  return {
    values: {
      planName: planName ?? "",
      regions: texts(assigned(plan.regions)).join(", "),
      frequencyUnit: read?.frequency.unit ?? "days",
      frequencyValue: read ? String(read.frequency.value) : "",
      startHourUtc: read?.startHourUtc === null || !read ? "5" : String(read.startHourUtc),
      retentionDays: text(assigned(lifecycle.delete_after_days)),
      coldStorageAfterDays: text(assigned(lifecycle.move_to_cold_storage_after_days)),
      vaultName: text(assigned(rule.target_backup_vault_name)),
      airGappedVaultName: AIR_GAPPED.exec(text(assigned(rule.target_logically_air_gapped_backup_vault_arn)))?.[1] ?? "",
      copyRegions: byRegion.join(", "),
      copyAccounts: byAccount.join(", "),
      copyVaultName: copyVault,
      copyVaultArns: other.join(", "),
      iamRoleArn: text(role),
      tagKey: text(assigned(tagSelection.tag_key)),
      tagValues: texts(assigned(tagSelection.tag_value)).join(", "),
    },
    notes,
    selection,
  };
}

// --- writing a document ---------------------------------------------------------------------

/** Sets a setting's value with @@assign, keeping its child-policy restriction. */
function setAssign(node: Json | undefined, value: Json): JsonObject {
  const control = obj(node)["@@operators_allowed_for_child_policies"];
  return { "@@assign": value, ...(control !== undefined ? { "@@operators_allowed_for_child_policies": control } : {}) };
}

/** `parent` with `key` renamed to `next` in the same place (object key order is the document's). */
function renameKey(parent: JsonObject, key: string, next: string): JsonObject {
  return Object.fromEntries(Object.entries(parent).map(([k, v]) => [k === key ? next : k, v]));
}

const changedGroups = (prev: PolicyFormValues, next: PolicyFormValues): Group[] =>
  (Object.keys(FIELD_GROUPS) as Group[]).filter((g) => FIELD_GROUPS[g].some((f) => prev[f] !== next[f]));

/**
 * The document with the changed groups of fields written in, and the errors of the groups that
 * could not be (a group with an error changes nothing). `prev: null` writes every group.
 */
export function applyFormFields(
  doc: JsonObject,
  prev: PolicyFormValues | null,
  next: PolicyFormValues,
): { doc: JsonObject; errors: Partial<Record<FormField, string>> } {
  const errors = formErrors(next);
  const { planName, ruleName, plan: located } = locate(doc);
  if (planName !== undefined && next.planName.trim() !== planName && names(doc.plans).includes(next.planName.trim())) {
    errors.planName = `Another plan is already called "${next.planName.trim()}".`;
  }
  // A plan that selects by resource type keeps doing so; only its role comes from the form.
  if (names(obj(located.selections).tags).length === 0 && names(obj(located.selections).resources).length > 0) {
    delete errors.tagKey;
    delete errors.tagValues;
  }
  const groups = (prev ? changedGroups(prev, next) : (Object.keys(FIELD_GROUPS) as Group[])).filter((g) =>
    FIELD_GROUPS[g].every((f) => !errors[f]),
  );
  if (groups.length === 0) return { doc, errors };
  const p = toParams(next);
  const out: JsonObject = structuredClone(doc);
  let plans = obj(out.plans);
  let currentPlan = planName ?? p.planName;
  if (planName === undefined) plans = { ...plans, [currentPlan]: {} };
  if (groups.includes("plan") && currentPlan !== p.planName) {
    plans = renameKey(plans, currentPlan, p.planName);
    currentPlan = p.planName;
  }
  const plan = obj(plans[currentPlan]);
  const rules = obj(plan.rules);
  const currentRule = ruleName ?? RULE_NAME;
  const rule = obj(rules[currentRule]);
  for (const g of groups) writeGroup(g, p, plan, rule);
  plan.rules = { ...rules, [currentRule]: rule };
  plans[currentPlan] = plan;
  out.plans = plans;
  return { doc: out, errors };
}

function writeGroup(g: Group, p: PolicyParams, plan: JsonObject, rule: JsonObject): void {
  switch (g) {
    case "plan":
      return;
    case "regions":
      plan.regions = setAssign(plan.regions, p.regions);
      return;
    case "schedule":
      rule.schedule_expression = setAssign(rule.schedule_expression, scheduleExpression(p.frequency, p.startHourUtc));
      rule.start_backup_window_minutes ??= { "@@assign": "60" };
      return;
    case "lifecycle":
      rule.lifecycle = writeLifecycle(rule.lifecycle, p);
      // Copies keep as long as the source: the form has no separate copy retention.
      for (const k of names(rule.copy_actions)) {
        const copy = obj(obj(rule.copy_actions)[k]);
        copy.lifecycle = writeLifecycle(copy.lifecycle, p);
      }
      return;
    case "vault":
      rule.target_backup_vault_name = setAssign(rule.target_backup_vault_name, p.vaultName);
      return;
    case "airGapped":
      if (p.airGappedVaultName === null) delete rule.target_logically_air_gapped_backup_vault_arn;
      else
        rule.target_logically_air_gapped_backup_vault_arn = setAssign(
          rule.target_logically_air_gapped_backup_vault_arn,
          `arn:aws:backup:$region:$account:backup-vault:${p.airGappedVaultName}`,
        );
      return;
    case "copies":
      writeCopies(rule, p);
      return;
    case "selection":
      writeSelection(plan, p);
      return;
  }
}

function writeLifecycle(node: Json | undefined, p: PolicyParams): JsonObject {
  const { move_to_cold_storage_after_days: cold, delete_after_days: del } = lifecycleOf(p);
  const { move_to_cold_storage_after_days: oldCold, ...rest } = obj(node);
  // Cold storage first, as the generator writes it.
  const out: JsonObject =
    cold === undefined ? rest : { move_to_cold_storage_after_days: setAssign(oldCold, assigned(cold)!), ...rest };
  out.delete_after_days = setAssign(out.delete_after_days, assigned(del)!);
  return out;
}

/** Destinations the form lists are kept as written (their own lifecycle too), new ones added, others removed. */
function writeCopies(rule: JsonObject, p: PolicyParams): void {
  const existing = obj(rule.copy_actions);
  const wanted = copyDestinations(p);
  const keyOf = (arn: string) =>
    names(existing).find((k) => k === arn || text(assigned(obj(existing[k]).target_backup_vault_arn)) === arn);
  const next: JsonObject = {};
  for (const arn of wanted) {
    const key = keyOf(arn);
    next[key ?? arn] =
      key !== undefined ? existing[key]! : { target_backup_vault_arn: { "@@assign": arn }, lifecycle: lifecycleOf(p) };
  }
  if (wanted.length) rule.copy_actions = next;
  else delete rule.copy_actions;
}

function writeSelection(plan: JsonObject, p: PolicyParams): void {
  const selections = obj(plan.selections);
  const resources = names(selections.resources);
  if (names(selections.tags).length === 0 && resources.length > 0) {
    const first = obj(obj(selections.resources)[resources[0]!]);
    first.iam_role_arn = setAssign(first.iam_role_arn, p.iamRoleArn);
    return;
  }
  const tags = obj(selections.tags);
  const name = names(tags)[0] ?? SELECTION_NAME;
  const selection = obj(tags[name]);
  selection.iam_role_arn = setAssign(selection.iam_role_arn, p.iamRoleArn || DEFAULT_ROLE_ARN);
  selection.tag_key = setAssign(selection.tag_key, p.tagKey);
  selection.tag_value = setAssign(selection.tag_value, p.tagValues);
  plan.selections = { ...selections, tags: { ...tags, [name]: selection } };
}
