// A BACKUP_POLICY document generated from a framework template's parameters: one plan, one rule,
// one tag selection, with the $account and $region placeholders AWS Backup fills in each account
// and Region. Pure and client-safe: the editor regenerates as the user changes a field, and every
// document it hands out has passed checkPolicyText (a generator that could emit a document AWS
// refuses would only move the error to the push).
import { checkPlanItemName, checkRoleArn, checkVaultArn, checkVaultName } from "./arn";
import { MAX_LIFECYCLE_DAYS, MIN_COLD_STORAGE_DAYS } from "./limits";
import type { JsonObject } from "./parse";
import { isPolicyRegion } from "./regions";
import { checkPolicyText } from "./validate";

export type FrequencyUnit = "hours" | "days";

export interface PolicyParams {
  planName: string;
  /** Regions the plan runs in (each account gets the plan in each of them). */
  regions: string[];
  /** "At least every N hours/days" (BK-02); hours 1-24, days 1-31. */
  frequency: { unit: FrequencyUnit; value: number };
  /** Hour (UTC) of daily and longer schedules; hourly ones start at minute 0 of hour 0. */
  startHourUtc: number;
  retentionDays: number;
  coldStorageAfterDays: number | null;
  /** The vault each account backs up into (must exist in every account and Region). */
  vaultName: string;
  /** Back up straight into each account's logically air-gapped vault of this name ($region/$account). */
  airGappedVaultName: string | null;
  /** Cross-region copies: to this vault in each Region, same account (BK-06). */
  copyRegions: string[];
  /** Cross-account copies: to this vault in each account, same Region (BK-07). */
  copyAccounts: string[];
  copyVaultName: string;
  /** Further copy destinations by ARN, e.g. a logically air-gapped vault in a backup account. */
  copyVaultArns: string[];
  /** The role AWS Backup assumes in each account; $account is replaced there. */
  iamRoleArn: string;
  tagKey: string;
  tagValues: string[];
}

export type ParamErrors = Partial<Record<keyof PolicyParams | "document", string>>;

export const DEFAULT_ROLE_ARN = "arn:aws:iam::$account:role/service-role/AWSBackupDefaultServiceRole";
/** Rule and selection names the generator writes; the form finds the first of each in any document. */
export const RULE_NAME = "backup-rule";
export const SELECTION_NAME = "tagged-resources";
/** AWS Backup's own minimum; the syntax page advises no less. */
const START_WINDOW_MINUTES = "60";

const DAYS_OF_WEEK = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The cron expression of "at least every N hours/days"; longest gap never above N (day-of-month steps restart each month). */
export function scheduleExpression(frequency: PolicyParams["frequency"], startHourUtc: number): string {
  const { unit, value } = frequency;
  if (unit === "hours" && value < 24) return `cron(0 ${value === 1 ? "*" : `0/${value}`} ? * * *)`;
  if (unit === "hours" || value === 1) return `cron(0 ${startHourUtc} ? * * *)`;
  if (value === 7) return `cron(0 ${startHourUtc} ? * SUN *)`;
  return `cron(0 ${startHourUtc} 1/${value} * ? *)`;
}

/** The frequency and hour of a schedule this generator writes, or null for any other cron expression. */
export function readSchedule(
  expr: string,
): { frequency: PolicyParams["frequency"]; startHourUtc: number | null } | null {
  const m = /^cron\(0 (\S+) (\S+) \* (\S+) \*\)$/.exec(expr.trim());
  if (!m) return null;
  const [, hours, dom, dow] = m as unknown as [string, string, string, string];
  const hour = /^\d{1,2}$/.test(hours) && Number(hours) < 24 ? Number(hours) : null;
  if (dom === "?" && dow === "*") {
    if (hours === "*") return { frequency: { unit: "hours", value: 1 }, startHourUtc: null };
    const step = /^0\/(\d{1,2})$/.exec(hours);
    if (step && Number(step[1]) >= 2 && Number(step[1]) < 24)
      return { frequency: { unit: "hours", value: Number(step[1]) }, startHourUtc: null };
    return hour === null ? null : { frequency: { unit: "days", value: 1 }, startHourUtc: hour };
  }
  if (hour === null) return null;
  if (dom === "?" && DAYS_OF_WEEK.includes(dow)) return { frequency: { unit: "days", value: 7 }, startHourUtc: hour };
  const every = /^1\/(\d{1,2})$/.exec(dom);
  if (dow === "?" && every && Number(every[1]) >= 2 && Number(every[1]) <= 31)
    return { frequency: { unit: "days", value: Number(every[1]) }, startHourUtc: hour };
  return null;
}

const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** What is wrong with each parameter, in words for the field it belongs to; empty when all are usable. */
export function checkPolicyParams(p: PolicyParams): ParamErrors {
  const e: ParamErrors = {};
  e.planName = checkPlanItemName(p.planName, "Plan")?.message;
  const badPlanRegion = p.regions.find((r) => !isPolicyRegion(r));
  if (p.regions.length === 0) e.regions = "Choose at least one Region.";
  else if (badPlanRegion !== undefined) e.regions = `"${badPlanRegion}" is not an AWS Region.`;
  const maxFrequency = p.frequency.unit === "hours" ? 24 : 31;
  if (!whole(p.frequency.value, 1, maxFrequency)) e.frequency = `Every 1 to ${maxFrequency} ${p.frequency.unit}.`;
  if (!whole(p.startHourUtc, 0, 23)) e.startHourUtc = "An hour from 0 to 23 (UTC).";
  if (!whole(p.retentionDays, 1, MAX_LIFECYCLE_DAYS))
    e.retentionDays = `Keep backups 1 to ${MAX_LIFECYCLE_DAYS.toLocaleString("en-US")} days.`;
  if (p.coldStorageAfterDays !== null) {
    if (!whole(p.coldStorageAfterDays, 1, MAX_LIFECYCLE_DAYS))
      e.coldStorageAfterDays = `Move to cold storage after 1 to ${MAX_LIFECYCLE_DAYS.toLocaleString("en-US")} days, or leave empty.`;
    else if (!e.retentionDays && p.retentionDays < p.coldStorageAfterDays + MIN_COLD_STORAGE_DAYS) {
      e.retentionDays = `With cold storage after ${p.coldStorageAfterDays} days, keep backups at least ${p.coldStorageAfterDays + MIN_COLD_STORAGE_DAYS} days (cold storage lasts ${MIN_COLD_STORAGE_DAYS} days at least).`;
    }
  }
  e.vaultName = checkVaultName(p.vaultName)?.message;
  if (p.airGappedVaultName !== null) e.airGappedVaultName = checkVaultName(p.airGappedVaultName)?.message;
  const badRegion = p.copyRegions.find((r) => !isPolicyRegion(r));
  if (badRegion !== undefined) e.copyRegions = `"${badRegion}" is not an AWS Region.`;
  const badAccount = p.copyAccounts.find((a) => !/^\d{12}$/.test(a));
  if (badAccount !== undefined) e.copyAccounts = `"${badAccount}" is not a 12-digit account ID.`;
  if (p.copyRegions.length + p.copyAccounts.length > 0) e.copyVaultName = checkVaultName(p.copyVaultName)?.message;
  const badArn = p.copyVaultArns.map((a) => checkVaultArn(a)).find(Boolean);
  if (badArn) e.copyVaultArns = badArn.message;
  e.iamRoleArn = checkRoleArn(p.iamRoleArn)?.message;
  if (p.tagKey.length < 1 || p.tagKey.length > 128) e.tagKey = "A tag key has 1 to 128 characters.";
  if (p.tagValues.length === 0) e.tagValues = "At least one tag value.";
  else if (p.tagValues.some((v) => v.length > 256)) e.tagValues = "A tag value has at most 256 characters.";
  for (const key of Object.keys(e) as Array<keyof ParamErrors>) if (e[key] === undefined) delete e[key];
  return e;
}

const assign = (value: string | string[]) => ({ "@@assign": value });

/** Copy destinations in the order the form lists them: Regions, accounts, then explicit ARNs. */
export function copyDestinations(
  p: Pick<PolicyParams, "copyRegions" | "copyAccounts" | "copyVaultName" | "copyVaultArns">,
): string[] {
  const arns = [
    ...p.copyRegions.map((r) => `arn:aws:backup:${r}:$account:backup-vault:${p.copyVaultName}`),
    ...p.copyAccounts.map((a) => `arn:aws:backup:$region:${a}:backup-vault:${p.copyVaultName}`),
    ...p.copyVaultArns,
  ];
  return [...new Set(arns)];
}

export function lifecycleOf(p: Pick<PolicyParams, "retentionDays" | "coldStorageAfterDays">): JsonObject {
  return {
    ...(p.coldStorageAfterDays !== null
      ? { move_to_cold_storage_after_days: assign(String(p.coldStorageAfterDays)) }
      : {}),
    delete_after_days: assign(String(p.retentionDays)),
  };
}

/** The rule's settings the parameters decide (the form writes the same ones into an edited document). */
export function ruleOf(p: PolicyParams): JsonObject {
  const copies = copyDestinations(p);
  return {
    schedule_expression: assign(scheduleExpression(p.frequency, p.startHourUtc)),
    start_backup_window_minutes: assign(START_WINDOW_MINUTES),
    target_backup_vault_name: assign(p.vaultName),
    ...(p.airGappedVaultName !== null
      ? {
          target_logically_air_gapped_backup_vault_arn: assign(
            `arn:aws:backup:$region:$account:backup-vault:${p.airGappedVaultName}`,
          ),
        }
      : {}),
    lifecycle: lifecycleOf(p),
    ...(copies.length
      ? {
          copy_actions: Object.fromEntries(
            copies.map((arn) => [arn, { target_backup_vault_arn: assign(arn), lifecycle: lifecycleOf(p) }]),
          ),
        }
      : {}),
  };
}

export function tagSelectionOf(p: PolicyParams): JsonObject {
  return { iam_role_arn: assign(p.iamRoleArn), tag_key: assign(p.tagKey), tag_value: assign(p.tagValues) };
}

export function buildPolicy(p: PolicyParams): JsonObject {
  return {
    plans: {
      [p.planName]: {
        regions: assign(p.regions),
        rules: { [RULE_NAME]: ruleOf(p) },
        selections: { tags: { [SELECTION_NAME]: tagSelectionOf(p) } },
      },
    },
  };
}

/** Policy text as the editor shows it: two-space JSON, which AWS counts in full (see size.ts). */
export const formatPolicy = (doc: JsonObject): string => `${JSON.stringify(doc, null, 2)}\n`;

export type GenerateResult = { ok: true; text: string; document: JsonObject } | { ok: false; errors: ParamErrors };

/** The document for these parameters, checked as AWS would check it; or what to correct. */
export function generatePolicy(p: PolicyParams): GenerateResult {
  const errors = checkPolicyParams(p);
  if (Object.keys(errors).length) return { ok: false, errors };
  const document = buildPolicy(p);
  const text = formatPolicy(document);
  const checked = checkPolicyText(text, { mode: "document", channel: "api" });
  if (!checked.ok) {
    const first = checked.errors[0]!;
    return { ok: false, errors: { document: `${first.message} (${first.path}, ${first.code})` } };
  }
  return { ok: true, text, document };
}

/** A framework template as the generator reads it: its control parameters (raw, as stored) and scope. */
export interface TemplateSource {
  id: string;
  parameters: Record<string, unknown>;
  scope?: { tags?: Array<{ key: string; value?: string }> };
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const int = (v: unknown, fallback: number) => (typeof v === "number" && Number.isInteger(v) ? v : fallback);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * The parameters a template asks for, as a starting point: BK-02's frequency, the longest of BK-02's
 * and BK-05's retention (capped by BK-12's maximum), BK-06's and BK-07's copy destinations, BK-01's
 * tag (else the template scope's first tag, else backup=daily). Defaults are the controls' own.
 */
export function paramsFromTemplate(t: TemplateSource, regions: string[]): PolicyParams {
  const bk01 = record(t.parameters["BK-01"]);
  const bk02 = record(t.parameters["BK-02"]);
  const maxRetention = int(record(t.parameters["BK-12"]).maxRetentionDays, MAX_LIFECYCLE_DAYS);
  const retention = Math.max(
    1,
    int(bk02.requiredRetentionDays, 35),
    int(record(t.parameters["BK-05"]).requiredRetentionDays, 35),
  );
  const tag = record(bk01.tag).key !== undefined ? (bk01.tag as { key: string; value?: string }) : t.scope?.tags?.[0];
  return {
    planName: `${t.id}-baseline`.slice(0, 50),
    regions,
    frequency: { unit: bk02.frequencyUnit === "hours" ? "hours" : "days", value: int(bk02.frequencyValue, 1) },
    startHourUtc: 5,
    retentionDays: Math.min(retention, maxRetention),
    coldStorageAfterDays: null,
    vaultName: "Default",
    airGappedVaultName: null,
    copyRegions: strings(record(t.parameters["BK-06"]).destinationRegions),
    copyAccounts: strings(record(t.parameters["BK-07"]).destinationAccounts),
    copyVaultName: "Default",
    copyVaultArns: [],
    iamRoleArn: DEFAULT_ROLE_ARN,
    tagKey: tag?.key ?? "backup",
    tagValues: tag?.value ? [tag.value] : ["daily"],
  };
}
