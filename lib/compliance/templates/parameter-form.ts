// The parameters of each control as form fields, and form values (strings) back into parameter
// objects. Field names are the template paths ("parameters.BK-02.frequencyValue"), so that the
// template's own validation messages land beside the field they are about.
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import type { ControlId } from "@/lib/compliance/model/finding";
import type { Scope } from "@/lib/compliance/model/scope";

export type ParamKind = "int" | "optional-int" | "enum" | "bool" | "list" | "types" | "tag";

export interface ParamField {
  name: string;
  label: string;
  kind: ParamKind;
  options?: readonly string[];
  hint?: string;
}

const age = (what: string): ParamField[] => [
  { name: "unit", label: `${what} unit`, kind: "enum", options: ["hours", "days"] },
  { name: "value", label: what, kind: "int" },
];

export const PARAM_FIELDS: Record<ControlId, ParamField[]> = {
  "BK-01": [
    { name: "resourceTypes", label: "Resource types in scope", kind: "types" },
    { name: "tag", label: "Only resources tagged (key or key=value)", kind: "tag", hint: "Empty: every resource." },
  ],
  "BK-02": [
    { name: "frequencyUnit", label: "Frequency unit", kind: "enum", options: ["hours", "days"] },
    { name: "frequencyValue", label: "At least every", kind: "int", hint: "At most 24 hours or 31 days." },
    { name: "requiredRetentionDays", label: "Minimum retention (days)", kind: "int" },
  ],
  "BK-03": [
    {
      name: "exemptPrincipalArns",
      label: "Exempt principal ARNs",
      kind: "list",
      hint: "Comma-separated IAM role ARNs, at most 5.",
    },
  ],
  "BK-04": [],
  "BK-05": [{ name: "requiredRetentionDays", label: "Minimum retention (days)", kind: "int" }],
  "BK-06": [
    {
      name: "destinationRegions",
      label: "Accepted destination regions",
      kind: "list",
      hint: "Comma-separated; empty: any other region.",
    },
  ],
  "BK-07": [
    {
      name: "destinationAccounts",
      label: "Accepted destination accounts",
      kind: "list",
      hint: "Comma-separated account ids; empty: any other account.",
    },
  ],
  "BK-08": [
    {
      name: "minRetentionDays",
      label: "Lock minimum at least (days)",
      kind: "optional-int",
      hint: "Empty: not checked.",
    },
    {
      name: "maxRetentionDays",
      label: "Lock maximum at most (days)",
      kind: "optional-int",
      hint: "Empty: not checked.",
    },
    { name: "complianceModeRequired", label: "Compliance mode required", kind: "bool" },
  ],
  "BK-09": age("Recovery point objective"),
  "BK-10": [{ name: "maxRestoreMinutes", label: "Maximum restore time (minutes)", kind: "int" }],
  "BK-11": age("Air-gapped point age"),
  "BK-12": [{ name: "maxRetentionDays", label: "Maximum retention (days)", kind: "int" }],
  "BK-13": [
    { name: "lookbackDays", label: "Restore tested within (days)", kind: "int" },
    { name: "granularity", label: "Per", kind: "enum", options: ["account-resource-type", "resource"] },
  ],
  "BK-14": [
    { name: "lookbackDays", label: "Look back (days)", kind: "int" },
    { name: "maxFailures", label: "Unhealthy jobs allowed", kind: "int" },
  ],
  "BK-15": [{ name: "roleFailureLookbackDays", label: "Role failures look back (days)", kind: "int" }],
  "BK-16": [],
  "BK-17": [
    {
      name: "policyNames",
      label: "Policies that count",
      kind: "list",
      hint: "Comma-separated policy names; empty: any backup policy.",
    },
  ],
  "BK-18": [{ name: "maxAgeDays", label: "Clean point at most (days old)", kind: "int" }],
  "BK-19": [
    { name: "tag", label: "Critical resources tagged (key or key=value)", kind: "tag" },
    ...age("Air-gapped copy age"),
    {
      name: "recoveryAccounts",
      label: "Recovery accounts",
      kind: "list",
      hint: "Comma-separated account ids that count as shared outside; empty: only accounts outside the organization.",
    },
  ],
  "BK-20": [{ name: "lookbackDays", label: "Validated restore within (days)", kind: "int" }],
  "BK-21": [{ name: "tag", label: "Personal data tagged (key or key=value)", kind: "tag" }],
};

const list = (v: unknown) =>
  [v]
    .flat()
    .flatMap((x) => (typeof x === "string" ? x.split(/[,\n]/) : []))
    .map((x) => x.trim())
    .filter(Boolean);

/** A parameter value as a form shows it. */
export function formatParam(kind: ParamKind, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (kind === "tag") {
    const t = value as { key: string; value?: string };
    return t.value === undefined ? t.key : `${t.key}=${t.value}`;
  }
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

export interface ParsedForm {
  parameters: Record<string, Record<string, unknown>>;
  scope?: Partial<Scope>;
  errors: Record<string, string>;
}

/**
 * Reads `parameters.<control>.<name>` and `scope.*` fields of the given controls. Values that
 * cannot even be read (a word where a number goes) are errors here; ranges are the template's.
 */
export function parseTemplateForm(form: Record<string, unknown>, controls: readonly ControlId[]): ParsedForm {
  const parameters: ParsedForm["parameters"] = {};
  const errors: Record<string, string> = {};
  for (const id of controls) {
    const out: Record<string, unknown> = {};
    for (const f of PARAM_FIELDS[id]) {
      const field = `parameters.${id}.${f.name}`;
      const raw = form[field];
      const text = typeof raw === "string" ? raw.trim() : "";
      switch (f.kind) {
        case "int":
        case "optional-int":
          if (text === "") {
            if (f.kind === "optional-int") out[f.name] = null;
            else errors[field] = "A number is required.";
          } else if (!/^-?\d+$/.test(text)) errors[field] = "Must be a whole number.";
          else out[f.name] = Number(text);
          break;
        case "enum":
          out[f.name] = text;
          break;
        case "bool":
          out[f.name] = raw === "on" || raw === "true";
          break;
        case "list":
          out[f.name] = list(raw);
          break;
        case "types":
          out[f.name] = list(raw);
          break;
        case "tag": {
          if (text === "") out[f.name] = null;
          else {
            const [key, ...rest] = text.split("=");
            out[f.name] = rest.length ? { key: key!.trim(), value: rest.join("=").trim() } : { key: key!.trim() };
          }
          break;
        }
      }
    }
    if (PARAM_FIELDS[id].length) parameters[id] = out;
  }
  let scope: Partial<Scope> | undefined;
  if (Object.keys(form).some((k) => k.startsWith("scope."))) {
    const tags = list(form["scope.tags"]).map((t) => {
      const [key, ...rest] = t.split("=");
      return rest.length ? { key: key!.trim(), value: rest.join("=").trim() } : { key: key!.trim() };
    });
    scope = {
      ouIds: list(form["scope.ouIds"]),
      accountIds: list(form["scope.accountIds"]),
      regions: list(form["scope.regions"]),
      resourceTypes: list(form["scope.resourceTypes"]) as Scope["resourceTypes"],
      tags,
    };
  }
  return { parameters, scope, errors };
}

/** Template error paths ("scope.regions.1", "parameters.BK-01.tag.key") as the form's field names. */
export function formFieldOf(path: string): string {
  const parts = path.split(".");
  if (parts[0] === "scope") return parts.slice(0, 2).join(".");
  if (parts[0] === "parameters") return parts.slice(0, 3).join(".");
  return path;
}

export const ALL_RESOURCE_TYPES = RESOURCE_TYPES;

/** A control's parameters (defaults filled in) as one readable line, for showing beside scores. */
export function paramsLine(
  control: ControlId,
  parameters: Record<string, unknown> | undefined,
  parse: (raw: unknown) => { success: boolean; data?: unknown },
): string {
  const fields = PARAM_FIELDS[control];
  if (fields.length === 0) return "no parameters";
  const parsed = parse(parameters ?? {});
  const values = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  return fields.map((f) => `${f.label.toLowerCase()}: ${formatParam(f.kind, values[f.name]) || "any"}`).join(" · ");
}
