/**
 * The organization's resource-based delegation policy (Organizations PutResourcePolicy), as AWS
 * reads it: which member-account principals may make which Organizations calls. Checked when it
 * is put (what AWS refuses, as InvalidInputException reasons of the model), evaluated for every
 * policy call a member account makes. IAM's rules: an explicit Deny wins; an Allow counts when its
 * principal, action, every resource of the call and every condition match; a `…IfExists`
 * condition holds when the call has no such key (ListRoots has no organizations:PolicyType).
 * Sources: Organizations User Guide, "Delegated administrator for AWS Organizations" and
 * "Resource-based policy examples"; IAM User Guide, "IAM JSON policy elements: Condition operators".
 */
export interface DelegationStatement {
  effect: "Allow" | "Deny";
  /** Account IDs (any principal of the account) or IAM role/user ARNs. */
  accounts: string[];
  principalArns: string[];
  actions: string[];
  resources: string[];
  conditions: { operator: string; key: string; values: string[] }[];
}

export interface DelegationRequest {
  /** "organizations:CreatePolicy" */
  action: string;
  callerAccountId: string;
  /** The role ARN of an assumed-role session, or the user's ARN. */
  principalArn: string;
  /** ARNs the call acts on ("*" for calls with no resource, as IAM writes them). */
  resources: string[];
  /** Condition keys the call carries (organizations:PolicyType when a policy type is involved). */
  context: Record<string, string>;
}

export type DelegationProblem = { reason: string; message: string };

/** Calls a delegation policy may grant (lower case): the policy actions and reads (AWS refuses the rest). */
const DELEGABLE = new Set(
  [
    "AttachPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "TagResource",
    "UntagResource",
    "UpdatePolicy",
  ].map((a) => `organizations:${a.toLowerCase()}`),
);
const OPERATORS = new Set(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "ArnEquals", "ArnLike"]);
const ACCOUNT = /^\d{12}$/;
const ACCOUNT_ROOT = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):root$/;
const IAM_PRINCIPAL = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):(?:role|user)\/[\w+=,.@/-]+$/;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const bad = (message: string): DelegationProblem => ({ reason: "INVALID_RESOURCE_POLICY_JSON", message });

/** The statements of a delegation policy, or what AWS would refuse about it. */
export function parseDelegationPolicy(text: string): { statements: DelegationStatement[] } | DelegationProblem {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad("The resource policy is not valid JSON.");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return bad("The resource policy must be a JSON object.");
  const d = doc as Record<string, unknown>;
  if (d.Version !== "2012-10-17") return bad('The resource policy must have "Version": "2012-10-17".');
  const raw = asList(d.Statement);
  if (!raw.length) return bad("The resource policy has no Statement.");
  const statements: DelegationStatement[] = [];
  for (const s of raw) {
    if (!s || typeof s !== "object" || Array.isArray(s)) return bad("Each statement must be a JSON object.");
    const st = s as Record<string, unknown>;
    // Since 30 June 2026 AWS refuses NotAction and NotResource in delegation policies.
    if ("NotAction" in st || "NotResource" in st || "NotPrincipal" in st)
      return {
        reason: "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
        message: "NotAction, NotResource and NotPrincipal are not supported in a delegation policy.",
      };
    if (st.Effect !== "Allow" && st.Effect !== "Deny") return bad('Each statement needs "Effect": "Allow" or "Deny".');
    const principal = st.Principal as { AWS?: unknown } | undefined;
    const ids = asList(principal?.AWS);
    if (!ids.length || ids.some((p) => typeof p !== "string"))
      return { reason: "INVALID_PRINCIPAL", message: 'Each statement needs a "Principal": {"AWS": …} of accounts.' };
    const accounts: string[] = [];
    const principalArns: string[] = [];
    for (const p of ids as string[]) {
      if (ACCOUNT.test(p)) accounts.push(p);
      else if (ACCOUNT_ROOT.test(p)) accounts.push(ACCOUNT_ROOT.exec(p)![1]!);
      else if (IAM_PRINCIPAL.test(p)) principalArns.push(p);
      else return { reason: "INVALID_PRINCIPAL", message: `You specified an invalid principal element: ${p}.` };
    }
    const actions = asList(st.Action);
    if (!actions.length || actions.some((a) => typeof a !== "string"))
      return bad('Each statement needs an "Action" of strings.');
    for (const a of actions as string[]) {
      // Action names are case-insensitive in IAM.
      const l = a.toLowerCase();
      const ok =
        /^organizations:[a-z*?]+$/.test(l) &&
        (DELEGABLE.has(l) || /^organizations:(describe|list)/.test(l) || /[*?]/.test(l));
      if (!ok || l === "organizations:describeresourcepolicy")
        return {
          reason: "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
          message: `The action ${a} can't be delegated with a resource policy.`,
        };
    }
    const resources = asList(st.Resource);
    if (!resources.length || resources.some((r) => typeof r !== "string" || (r !== "*" && !r.startsWith("arn:"))))
      return { reason: "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY", message: 'Each statement needs a "Resource".' };
    const conditions: DelegationStatement["conditions"] = [];
    const cond = st.Condition;
    if (cond !== undefined) {
      if (!cond || typeof cond !== "object" || Array.isArray(cond)) return bad("Condition must be a JSON object.");
      for (const [operator, block] of Object.entries(cond)) {
        if (!OPERATORS.has(operator.replace(/IfExists$/, "")))
          return bad(`The condition operator ${operator} is not supported.`);
        if (!block || typeof block !== "object" || Array.isArray(block))
          return bad(`The condition ${operator} must map keys to values.`);
        for (const [key, values] of Object.entries(block)) {
          const list = asList(values);
          if (!list.length || list.some((v) => typeof v !== "string"))
            return bad(`The condition key ${key} must have string values.`);
          conditions.push({ operator, key: key.toLowerCase(), values: list as string[] });
        }
      }
    }
    statements.push({
      effect: st.Effect as "Allow" | "Deny",
      accounts,
      principalArns,
      actions: actions as string[],
      resources: resources as string[],
      conditions,
    });
  }
  return { statements };
}

/** IAM's wildcards: `*` any run of characters, `?` one; action names match case-insensitively. */
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

function conditionHolds(c: DelegationStatement["conditions"][number], context: Record<string, string>): boolean {
  const ifExists = c.operator.endsWith("IfExists");
  const op = c.operator.replace(/IfExists$/, "");
  const value = Object.entries(context).find(([k]) => k.toLowerCase() === c.key)?.[1];
  if (value === undefined) return ifExists || op.startsWith("StringNot");
  switch (op) {
    case "StringEquals":
      return c.values.includes(value);
    case "StringNotEquals":
      return !c.values.includes(value);
    // ArnEquals takes wildcards as ArnLike does (IAM User Guide, "ARN condition operators").
    case "StringLike":
    case "ArnEquals":
    case "ArnLike":
      return c.values.some((v) => glob(v, value));
    case "StringNotLike":
      return !c.values.some((v) => glob(v, value));
    default:
      return false;
  }
}

function statementMatches(s: DelegationStatement, r: DelegationRequest): boolean {
  const principal = s.accounts.includes(r.callerAccountId) || s.principalArns.includes(r.principalArn);
  if (!principal) return false;
  if (!s.actions.some((a) => glob(a, r.action, true))) return false;
  if (!r.resources.every((arn) => s.resources.some((p) => glob(p, arn)))) return false;
  const context = { ...r.context, "aws:PrincipalArn": r.principalArn, "aws:PrincipalAccount": r.callerAccountId };
  return s.conditions.every((c) => conditionHolds(c, context));
}

/** Whether the delegation policy lets this member-account call through. */
export function delegationAllows(statements: DelegationStatement[], r: DelegationRequest): boolean {
  const matching = statements.filter((s) => statementMatches(s, r));
  return matching.some((s) => s.effect === "Allow") && !matching.some((s) => s.effect === "Deny");
}

/** Whether an account is named by any statement (AWS lists such accounts as delegated administrators). */
export function delegationNames(statements: DelegationStatement[], accountId: string): boolean {
  return statements.some(
    (s) => s.accounts.includes(accountId) || s.principalArns.some((p) => p.split(":")[4] === accountId),
  );
}
