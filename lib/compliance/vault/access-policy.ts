// Which principals a backup vault's access policy stops from deleting recovery points,
// shortening their lifecycle or rewriting the policy itself (BK-03, Audit Manager's
// BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED). IAM rules applied:
// - Statement is an object or an array; Action/NotAction/Resource/NotResource are a string or an
//   array; action names are case-insensitive and may use `*` (backup:Delete*, backup:*, *).
// - A Deny applies to everyone when Principal is "*" or {"AWS": "*"}; with NotPrincipal it applies
//   to everyone but the listed principals; a named Principal denies only those.
// - Negated conditions on the caller's identity (ArnNotEquals/ArnNotLike/StringNotEquals/
//   StringNotLike on aws:PrincipalArn and similar keys) exempt the listed values; any other
//   condition makes the Deny conditional, and a conditional Deny protects nobody for sure.
// - Several Deny statements: a principal escapes only if every covering statement exempts it.
import { compileGlob, compileGlobIgnoreCase } from "@/lib/compliance/matching/glob";

export const PROTECTED_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:PutBackupVaultAccessPolicy",
] as const;
export type ProtectedAction = (typeof PROTECTED_ACTIONS)[number];

const IDENTITY_KEYS = new Set([
  "aws:principalarn",
  "aws:principalaccount",
  "aws:userid",
  "aws:username",
  "aws:sourcearn",
]);
const NEGATED_OPS = new Set([
  "arnnotequals",
  "arnnotlike",
  "stringnotequals",
  "stringnotlike",
  "stringnotequalsignorecase",
]);

export interface StatementSummary {
  id: string;
  effect: string;
  actions: string[];
  notActions: string[];
  principal: string;
  exemptions: string[];
  conditional: string | null;
}

export interface ActionCoverage {
  action: ProtectedAction;
  /** Denied to every principal except `exemptions`. */
  denied: boolean;
  exemptions: string[];
  statementIds: string[];
  /** Why not denied, when it is not. */
  gap: string | null;
}

export type AccessPolicyAnalysis =
  { ok: true; coverage: ActionCoverage[]; statements: StatementSummary[] } | { ok: false; error: string };

type Json = unknown;

function asList(v: Json, what: string): string[] {
  if (v === undefined) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new Error(`${what} must be a string or an array of strings`);
}

interface ParsedStatement extends StatementSummary {
  allPrincipals: boolean;
  coversAction: (a: ProtectedAction) => boolean;
  coversResource: boolean;
}

function parsePrincipal(p: Json): { all: boolean; text: string } {
  if (p === "*") return { all: true, text: "*" };
  if (p && typeof p === "object" && !Array.isArray(p)) {
    const aws = asList((p as Record<string, Json>).AWS, "Principal.AWS");
    if (aws.includes("*")) return { all: true, text: "*" };
    return { all: false, text: JSON.stringify(p) };
  }
  throw new Error('Principal must be "*" or an object');
}

function parseConditions(cond: Json): { exemptions: string[]; conditional: string | null } {
  if (cond === undefined) return { exemptions: [], conditional: null };
  if (!cond || typeof cond !== "object" || Array.isArray(cond)) throw new Error("Condition must be an object");
  const exemptions: string[] = [];
  const other: string[] = [];
  for (const [op, block] of Object.entries(cond as Record<string, Json>)) {
    if (!block || typeof block !== "object" || Array.isArray(block))
      throw new Error(`Condition ${op} must be an object`);
    for (const [key, value] of Object.entries(block as Record<string, Json>)) {
      const values = asList(value, `Condition ${op} ${key}`);
      if (NEGATED_OPS.has(op.toLowerCase()) && IDENTITY_KEYS.has(key.toLowerCase())) exemptions.push(...values);
      else other.push(`${op} ${key}`);
    }
  }
  return { exemptions, conditional: other.length > 0 ? other.join(", ") : null };
}

function coversVaultResources(resources: string[], notResources: string[], vaultArn: string): boolean {
  // The three actions target the vault (policy) and its recovery points.
  const parts = vaultArn.split(":");
  const rpSample = `${parts.slice(0, 5).join(":")}:recovery-point:*`;
  const samples = [vaultArn, rpSample];
  if (notResources.length > 0) return !notResources.some((r) => samples.some((s) => compileGlob(r)(s)));
  if (resources.length === 0) return true;
  return samples.every((s) => resources.some((r) => r === "*" || compileGlob(r)(s)));
}

function parseStatement(raw: Json, index: number, vaultArn: string): ParsedStatement {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error(`Statement[${index}] is not an object`);
  const s = raw as Record<string, Json>;
  const effect = typeof s.Effect === "string" ? s.Effect : "";
  const actions = asList(s.Action, "Action");
  const notActions = asList(s.NotAction, "NotAction");
  const id = typeof s.Sid === "string" && s.Sid ? s.Sid : `Statement[${index}]`;
  let allPrincipals = false;
  let principal = "";
  let exemptions: string[] = [];
  if (s.NotPrincipal !== undefined) {
    // Deny + NotPrincipal: everyone except the listed principals.
    const np = s.NotPrincipal as Record<string, Json>;
    exemptions = np && typeof np === "object" ? asList(np.AWS, "NotPrincipal.AWS") : asList(np, "NotPrincipal");
    allPrincipals = true;
    principal = `* except ${exemptions.join(", ")}`;
  } else if (s.Principal !== undefined) {
    const p = parsePrincipal(s.Principal);
    allPrincipals = p.all;
    principal = p.text;
  }
  const cond = parseConditions(s.Condition);
  exemptions = [...exemptions, ...cond.exemptions];
  const actionMatchers = actions.map(compileGlobIgnoreCase);
  const notActionMatchers = notActions.map(compileGlobIgnoreCase);
  return {
    id,
    effect,
    actions,
    notActions,
    principal,
    exemptions,
    conditional: cond.conditional,
    allPrincipals,
    coversAction: (a) =>
      notActions.length > 0 ? !notActionMatchers.some((m) => m(a)) : actionMatchers.some((m) => m(a)),
    coversResource: coversVaultResources(
      asList(s.Resource, "Resource"),
      asList(s.NotResource, "NotResource"),
      vaultArn,
    ),
  };
}

export function analyseAccessPolicy(policyText: string | null, vaultArn: string): AccessPolicyAnalysis {
  if (policyText === null) {
    return {
      ok: true,
      statements: [],
      coverage: PROTECTED_ACTIONS.map((action) => ({
        action,
        denied: false,
        exemptions: [],
        statementIds: [],
        gap: "the vault has no access policy",
      })),
    };
  }
  let doc: Json;
  try {
    doc = JSON.parse(policyText);
  } catch (e) {
    return { ok: false, error: `access policy is not valid JSON (${(e as Error).message})` };
  }
  let statements: ParsedStatement[];
  try {
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error("policy is not a JSON object");
    const raw = (doc as Record<string, Json>).Statement;
    if (raw === undefined) throw new Error("policy has no Statement");
    const list = Array.isArray(raw) ? raw : [raw];
    statements = list.map((st, i) => parseStatement(st, i, vaultArn));
  } catch (e) {
    return { ok: false, error: `access policy is malformed: ${(e as Error).message}` };
  }
  const coverage = PROTECTED_ACTIONS.map((action): ActionCoverage => {
    const denies = statements.filter((s) => s.effect === "Deny" && s.coversAction(action) && s.coversResource);
    const effective = denies.filter((s) => s.allPrincipals && s.conditional === null);
    if (effective.length === 0) {
      const partial = denies[0];
      const gap = !partial
        ? "no Deny statement covers it"
        : partial.conditional
          ? `the Deny in ${partial.id} only applies when ${partial.conditional}`
          : `the Deny in ${partial.id} names only ${partial.principal}`;
      return { action, denied: false, exemptions: [], statementIds: denies.map((s) => s.id), gap };
    }
    let exempt = new Set(effective[0]!.exemptions);
    for (const s of effective.slice(1)) exempt = new Set([...exempt].filter((x) => s.exemptions.includes(x)));
    return {
      action,
      denied: true,
      exemptions: [...exempt].sort(),
      statementIds: effective.map((s) => s.id),
      gap: null,
    };
  });
  const summaries: StatementSummary[] = statements.map((s) => ({
    id: s.id,
    effect: s.effect,
    actions: s.actions,
    notActions: s.notActions,
    principal: s.principal,
    exemptions: s.exemptions,
    conditional: s.conditional,
  }));
  return { ok: true, coverage, statements: summaries };
}
