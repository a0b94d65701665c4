// Validation of backup policies, reporting every problem with its JSON path, reason and AWS error code.
//
// Two levels, because a policy attached to an OU may legitimately be partial (a child adding one rule):
//
// document level (validateDocument; code MalformedPolicyDocumentException, what CreatePolicy/UpdatePolicy
// return for a document that breaks the policy type's rules):
//   - keys: only the elements of the syntax page at each place; plan, rule and selection names per AWS
//     Backup; copy_actions keyed by vault ARN; scan keys GUARDDUTY; names that differ only in case
//   - operators: every setting written with @@assign, or @@append/@@remove on lists only; one value
//     operator per setting; none on containers; @@operators_allowed_for_child_policies well formed
//   - values: types, Regions, cron, time zones, vault names, vault and role ARNs with $account/$region,
//     start window >= 60, lifecycle days 1-36,500, enums, resource type patterns, condition keys, tags
//   - within the document: delete >= cold + 90 and continuous <= 35 days when the same rule sets both,
//     at most 30 conditions in a selection, not both tags and resources selections
// effective level (validateEffectivePolicy; code EffectivePolicyValidationError, how Organizations
// reports a merged policy it can't apply): all of the above on bare values, plus the required elements
// (plans; regions, rules, selections per plan; schedule and vault per rule; role, key and values per
// selection; tag and condition parts), a tags or resources selection, the same cross-field limits over
// the merged values, continuous backup with a retention, and scan_settings for every scan action.
// checkPolicyText puts the parser's refusals first (size as AWS counts it, strict JSON, duplicate keys).
//
// Not zod (ARCHITECTURE.md's default for inputs): each problem must carry AWS's code, a stable reason
// and a JSON path into the text, in two modes, all at once; the grammar in schema.ts says that plainly.
import { childPath, EFFECTIVE_INVALID, MALFORMED, type PolicyError } from "./errors";
import { checkCrossField } from "./checks";
import { isJsonObject as isObject, parsePolicyText, type Json, type JsonObject } from "./parse";
import { POLICY_SPEC, type LeafSpec, type MapSpec, type SpecNode } from "./schema";
import type { SaveChannel } from "./size";
import { ASSIGN, CHILD_CONTROL, MALWARE_SCANNERS, VALUE_SETTING_OPERATORS } from "./syntax";
import { checkLeafValue, checkPlanItemName, suggest } from "./values";
import { checkVaultArn } from "./arn";

export type ValidationMode = "document" | "effective";
export interface ValidateOptions {
  /** "document" (default): a policy as attached; "effective": a merged policy with bare values. */
  mode?: ValidationMode;
}

export interface Reporter {
  mode: ValidationMode;
  add(reason: string, message: string, path: string): void;
}

const OPERATORS: readonly string[] = [...VALUE_SETTING_OPERATORS, CHILD_CONTROL];

/** Every problem in `value`, in document order, then the cross-field ones. Empty when AWS would accept it. */
export function validatePolicy(value: JsonObject, options: ValidateOptions = {}): PolicyError[] {
  const mode = options.mode ?? "document";
  const code = mode === "document" ? MALFORMED : EFFECTIVE_INVALID;
  const errors: PolicyError[] = [];
  const r: Reporter = { mode, add: (reason, message, path) => errors.push({ code, reason, message, path }) };
  walk(POLICY_SPEC, value, "$", r);
  checkCrossField(value, r);
  return errors;
}

/** Checks that hold for any policy attached to a root, OU or account, partial or not. */
export function validateDocument(value: JsonObject): PolicyError[] {
  return validatePolicy(value, { mode: "document" });
}

/** Checks for a merged policy, as DescribeEffectivePolicy would return it. */
export function validateEffectivePolicy(value: JsonObject): PolicyError[] {
  return validatePolicy(value, { mode: "effective" });
}

export type CheckResult =
  { ok: true; value: JsonObject; errors: [] } | { ok: false; value?: JsonObject; errors: PolicyError[] };

/** Parses the exact text (size, JSON, duplicate keys) and validates it: what the editor runs as the user types. */
export function checkPolicyText(text: string, options: ValidateOptions & { channel?: SaveChannel } = {}): CheckResult {
  const parsed = parsePolicyText(text, { channel: options.channel });
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const errors = validatePolicy(parsed.value, options);
  return errors.length === 0
    ? { ok: true, value: parsed.value, errors: [] }
    : { ok: false, value: parsed.value, errors };
}

function walk(spec: SpecNode, v: Json, path: string, r: Reporter): void {
  if (spec.kind === "leaf") return walkLeaf(spec, v, path, r);
  if (!isObject(v)) return r.add("WRONG_TYPE", `${capital(spec.what)} must be a JSON object.`, path);
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(v)) {
    const at = childPath(path, key);
    if (key.startsWith("@@")) {
      containerOperator(spec.what, key, child, at, r);
    } else if (spec.kind === "object") {
      const field = spec.fields[key];
      if (field) walk(field, child, at, r);
      else
        r.add(
          "UNKNOWN_KEY",
          `Unknown key "${key}" in ${spec.what}${suggest(key, Object.keys(spec.fields))}; allowed: ${Object.keys(spec.fields).join(", ")}.`,
          at,
        );
    } else {
      checkName(spec, key, at, r);
      // Effective policies show rule, selection and tag names in lower case (the syntax page's examples),
      // so two names differing only in case would collide.
      const folded = key.toLowerCase();
      const twin = seen.get(folded);
      if (twin !== undefined && spec.names !== "plan")
        r.add(
          "DUPLICATE_KEY",
          `"${key}" and "${twin}" differ only in case; AWS treats these names case-insensitively.`,
          at,
        );
      seen.set(folded, key);
      walk(spec.entry, child, at, r);
    }
  }
  if (r.mode === "document") return;
  if (spec.kind === "object") {
    for (const key of spec.required ?? [])
      if (!(key in v)) r.add("REQUIRED_ELEMENT_MISSING", `${capital(spec.what)} needs "${key}".`, path);
  } else if (spec.nonEmpty && !Object.keys(v).some((k) => !k.startsWith("@@"))) {
    r.add("REQUIRED_ELEMENT_MISSING", `${capital(spec.what)} must have at least one entry.`, path);
  }
}

function containerOperator(what: string, key: string, value: Json, at: string, r: Reporter): void {
  if (key === CHILD_CONTROL)
    return r.mode === "document"
      ? checkChildControl(value, at, r)
      : r.add("OPERATOR_NOT_ALLOWED", `An effective policy holds no inheritance operators; found ${key}.`, at);
  if (OPERATORS.includes(key))
    return r.add(
      "OPERATOR_NOT_ALLOWED",
      `${key} can't be used on ${what}: it holds named elements, not a value. Put it on a setting inside.`,
      at,
    );
  r.add(
    "UNKNOWN_OPERATOR",
    `Unknown operator ${key}${suggest(key, OPERATORS)}; backup policies use ${OPERATORS.join(", ")}.`,
    at,
  );
}

function checkName(spec: MapSpec, key: string, at: string, r: Reporter): void {
  let problem: { reason: string; message: string } | undefined;
  if (spec.names === "plan" || spec.names === "rule" || spec.names === "selection")
    problem = checkPlanItemName(key, capital(spec.names));
  else if (spec.names === "vault-arn") {
    const bad = checkVaultArn(key);
    problem = bad && {
      reason: bad.reason,
      message: `Copy actions are keyed by the destination vault's ARN: ${bad.message}`,
    };
  } else if (spec.names === "scanner" && !(MALWARE_SCANNERS as readonly string[]).includes(key.toUpperCase())) {
    // Names are case-insensitive (effective policies show them in lower case: "guardduty").
    problem = {
      reason: "INVALID_ENUM_VALUE",
      message: `"${key}" is not a malware scanner; AWS Backup supports ${MALWARE_SCANNERS.join(", ")}.`,
    };
  } else if (key === "")
    problem = { reason: "INVALID_NAME", message: `An entry of ${spec.what} needs a non-empty name.` };
  if (problem) r.add(problem.reason, problem.message, at);
}

/** ["@@all"], ["@@none"], or a non-empty set of value-setting operators ("Inheritance operators" page). */
function checkChildControl(v: Json, at: string, r: Reporter): void {
  const allowed = [...VALUE_SETTING_OPERATORS, "@@all", "@@none"];
  const bad = (why: string) =>
    r.add(
      "INVALID_CHILD_CONTROL",
      `${CHILD_CONTROL} ${why}; use ["@@all"], ["@@none"] or some of ${VALUE_SETTING_OPERATORS.join(", ")}.`,
      at,
    );
  if (!Array.isArray(v) || v.length === 0) return bad("must be a non-empty list");
  const items = v.filter((x): x is string => typeof x === "string");
  if (items.length !== v.length) return bad("holds only operator names");
  const unknown = items.find((x) => !allowed.includes(x));
  if (unknown) return bad(`names "${unknown}", which is not an operator`);
  if (new Set(items).size !== items.length) return bad("lists an operator twice");
  if (items.length > 1 && (items.includes("@@all") || items.includes("@@none")))
    return bad("can't combine @@all or @@none with other operators");
}

function walkLeaf(spec: LeafSpec, v: Json, path: string, r: Reporter): void {
  if (r.mode === "effective") {
    // AWS's own effective-policy examples leave some values inside {"@@assign": ...}; read through it.
    if (isObject(v)) {
      if (Object.keys(v).length === 1 && ASSIGN in v)
        return checkValue(spec, v[ASSIGN] as Json, childPath(path, ASSIGN), r);
      return r.add(
        "WRONG_TYPE",
        `${capital(spec.what)} must be ${spec.list ? "a list" : "a value"}, not an object.`,
        path,
      );
    }
    return checkValue(spec, v, path, r);
  }
  if (!isObject(v)) {
    return r.add(
      "VALUE_WITHOUT_OPERATOR",
      `${capital(spec.what)} must be set through an inheritance operator, e.g. {"${ASSIGN}": ${JSON.stringify(v)}}.`,
      path,
    );
  }
  const ops = Object.keys(v).filter((k) => (VALUE_SETTING_OPERATORS as readonly string[]).includes(k));
  if (ops.length > 1)
    r.add(
      "CONFLICTING_OPERATORS",
      `${capital(spec.what)} uses ${ops.join(" and ")}; a setting takes one value-setting operator.`,
      path,
    );
  if (Object.keys(v).length === 0)
    r.add(
      "VALUE_WITHOUT_OPERATOR",
      `${capital(spec.what)} is empty; set it with {"${ASSIGN}": ...} or leave it out.`,
      path,
    );
  for (const [key, child] of Object.entries(v)) {
    const at = childPath(path, key);
    if (key === CHILD_CONTROL) checkChildControl(child, at, r);
    else if (key === ASSIGN || (spec.list && (VALUE_SETTING_OPERATORS as readonly string[]).includes(key)))
      checkValue(spec, child, at, r);
    else if ((VALUE_SETTING_OPERATORS as readonly string[]).includes(key)) {
      r.add(
        "OPERATOR_NOT_ALLOWED",
        `${key} works only on multi-valued settings (lists); ${spec.what} holds a single value, so use ${ASSIGN}.`,
        at,
      );
    } else if (key.startsWith("@@")) {
      r.add(
        "UNKNOWN_OPERATOR",
        `Unknown operator ${key}${suggest(key, OPERATORS)}; backup policies use ${OPERATORS.join(", ")}.`,
        at,
      );
    } else {
      r.add(
        "UNKNOWN_KEY",
        `${capital(spec.what)} is a setting: it holds inheritance operators only, not "${key}".`,
        at,
      );
    }
  }
}

function checkValue(spec: LeafSpec, v: Json, path: string, r: Reporter): void {
  if (!spec.list) {
    const problem = checkLeafValue(spec.value, v);
    if (problem) r.add(problem.reason, `${capital(spec.what)}: ${problem.message}`, path);
    return;
  }
  if (!Array.isArray(v))
    return r.add(
      "WRONG_TYPE",
      `${capital(spec.what)} must be a list (a JSON array), e.g. [${JSON.stringify(v)}].`,
      path,
    );
  if (r.mode === "effective" && spec.nonEmpty && v.length === 0)
    r.add("REQUIRED_ELEMENT_MISSING", `${capital(spec.what)} must not be empty.`, path);
  v.forEach((item, i) => {
    const problem = checkLeafValue(spec.value, item);
    if (problem) r.add(problem.reason, `${capital(spec.what)}: ${problem.message}`, childPath(path, i));
  });
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
