// The value of each kind of setting, checked the way AWS Backup checks the backup plan it makes from
// the policy (Backup API model and the syntax page). One place, so the document and the effective
// policy are held to the same rules.
import { checkPlanItemName, checkRoleArn, checkVaultArn, checkVaultName, type ValueProblem } from "./arn";
import { checkScheduleExpression } from "./cron";
import { MAX_LIFECYCLE_DAYS, MAX_START_WINDOW_MINUTES, MIN_START_WINDOW_MINUTES } from "./limits";
import type { Json } from "./parse";
import { isPolicyRegion, POLICY_REGIONS } from "./regions";
import { SUPPORTED_RESOURCE_TYPES } from "./syntax";

export type { ValueProblem };
export { checkPlanItemName };

export type LeafKind =
  | "region"
  | "cron"
  | "timezone"
  | "vault-name"
  | "vault-arn"
  | "air-gapped-vault-arn"
  | "role-arn"
  | "start-window"
  | "minutes"
  | "days"
  | "boolean"
  | "tag-key"
  | "new-tag-key"
  | "tag-value"
  | "condition-key"
  | "condition-value"
  | "resource-type"
  | "index-resource-type"
  | "scan-resource-type"
  | "scan-mode"
  | "enabled-disabled";

const ENUMS: Partial<Record<LeafKind, readonly string[]>> = {
  "index-resource-type": ["EBS", "S3"], // BackupRule.IndexActions: EBS and S3
  "scan-resource-type": ["EBS", "EC2", "S3", "ALL"], // syntax page, scan_settings: EBS, EC2, S3 or ALL
  "scan-mode": ["FULL_SCAN", "INCREMENTAL_SCAN"], // ScanMode enum
  "enabled-disabled": ["enabled", "disabled"], // advanced_backup_settings values
};

const RESOURCE_TYPES = new Set<string>([
  "*",
  ...SUPPORTED_RESOURCE_TYPES.flatMap((p) => [
    p,
    p.replace("arn:aws:", "arn:aws-us-gov:"),
    p.replace("arn:aws:", "arn:aws-cn:"),
  ]),
]);

/** A whole number written as a JSON number or a string of digits ("60" in AWS's examples). */
export function readInteger(v: Json | undefined): number | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === "string" && /^\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

/** true/false or "true"/"false" (AWS's examples write both). */
export function readBoolean(v: Json | undefined): boolean | undefined {
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  return undefined;
}

const wrongType = (expected: string, v: Json): ValueProblem => ({
  reason: "WRONG_TYPE",
  message: `Expected ${expected}, found ${v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : JSON.stringify(v)}.`,
});

function checkInteger(v: Json, min: number, max: number, what: string): ValueProblem | undefined {
  const n = readInteger(v);
  if (n === undefined) return wrongType(`${what} as a whole number (e.g. "${min}")`, v);
  if (n < min) {
    const reason = what === "a start window in minutes" ? "START_WINDOW_TOO_SHORT" : "VALUE_OUT_OF_RANGE";
    return { reason, message: `${n} is below the minimum of ${min} for ${what}.` };
  }
  if (n > max) return { reason: "VALUE_OUT_OF_RANGE", message: `${n} is above the maximum of ${max} for ${what}.` };
  return undefined;
}

function checkTimezone(tz: string): ValueProblem | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return undefined;
  } catch {
    return { reason: "INVALID_TIMEZONE", message: `"${tz}" is not an IANA time zone (e.g. UTC, Europe/Paris).` };
  }
}

function checkString(kind: LeafKind, s: string): ValueProblem | undefined {
  switch (kind) {
    case "region":
      return isPolicyRegion(s)
        ? undefined
        : { reason: "INVALID_REGION", message: `"${s}" is not an AWS Region${suggest(s, POLICY_REGIONS)}.` };
    case "cron":
      return checkScheduleExpression(s);
    case "timezone":
      return checkTimezone(s);
    case "vault-name":
      return checkVaultName(s);
    case "vault-arn":
      return checkVaultArn(s);
    case "air-gapped-vault-arn":
      return checkVaultArn(s, true);
    case "role-arn":
      return checkRoleArn(s);
    case "tag-key":
    case "new-tag-key":
      if (s.length < 1 || s.length > 128)
        return { reason: "INVALID_TAG", message: `A tag key must have 1 to 128 characters; "${s}" has ${s.length}.` };
      if (kind === "new-tag-key" && s.toLowerCase().startsWith("aws:"))
        return {
          reason: "INVALID_TAG",
          message: `Tag keys starting with "aws:" are reserved for AWS; "${s}" can't be set.`,
        };
      return undefined;
    case "tag-value":
    case "condition-value":
      return s.length <= 256
        ? undefined
        : { reason: "INVALID_TAG", message: `A tag value has at most 256 characters; this one has ${s.length}.` };
    case "condition-key":
      return /^aws:ResourceTag\/.{1,128}$/s.test(s)
        ? undefined
        : {
            reason: "INVALID_CONDITION_KEY",
            message: `A condition key is "aws:ResourceTag/" followed by the tag key, e.g. aws:ResourceTag/backup; not "${s}".`,
          };
    case "resource-type":
      return RESOURCE_TYPES.has(s)
        ? undefined
        : {
            reason: "INVALID_RESOURCE_TYPE",
            message: `"${s}" is not a resource type backup policies support: "*" or one of ${SUPPORTED_RESOURCE_TYPES.join(", ")} (aws-us-gov and aws-cn partitions alike).`,
          };
    default: {
      const allowed = ENUMS[kind];
      if (allowed && !allowed.includes(s))
        return {
          reason: "INVALID_ENUM_VALUE",
          message: `"${s}" is not allowed here; use one of ${allowed.join(", ")}.`,
        };
      return undefined;
    }
  }
}

/** Why AWS would refuse `v` as a value of this kind, or undefined. */
export function checkLeafValue(kind: LeafKind, v: Json): ValueProblem | undefined {
  switch (kind) {
    case "start-window":
      return checkInteger(v, MIN_START_WINDOW_MINUTES, MAX_START_WINDOW_MINUTES, "a start window in minutes");
    case "minutes":
      return checkInteger(v, 1, Number.MAX_SAFE_INTEGER, "a number of minutes");
    case "days":
      return checkInteger(v, 1, MAX_LIFECYCLE_DAYS, "a number of days");
    case "boolean":
      return readBoolean(v) === undefined ? wrongType("true or false", v) : undefined;
    default:
      return typeof v === "string" ? checkString(kind, v) : wrongType("a string", v);
  }
}

/** " (did you mean X?)" when a known word is within two edits of `s`. */
export function suggest(s: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = distance(s.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? "" : ` (did you mean ${best}?)`;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}
