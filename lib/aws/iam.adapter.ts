import type { Role } from "@aws-sdk/client-iam";

// Pure reading of an IAM role as the backup policy pre-flight needs it: does the role exist in the
// account, and does its trust policy let AWS Backup assume it. Facts from the IAM API reference
// (botocore iam 2010-05-08, GetRole): Role.AssumeRolePolicyDocument is the trust policy as
// URL-encoded JSON (RFC 3986); a missing role is NoSuchEntity (HTTP 404). From the IAM policy
// reference: a statement's Principal is "*" or an object whose Service (and AWS, Federated) is a
// string or a list; Action is a string or a list and may use wildcards; an explicit Deny wins over
// any Allow. AWS Backup assumes the role as the service principal backup.amazonaws.com with
// sts:AssumeRole (AWS Backup developer guide, "IAM service roles").

export const BACKUP_SERVICE_PRINCIPAL = "backup.amazonaws.com";

export type RoleTrust =
  /** The role exists and a statement allows backup.amazonaws.com to assume it; `conditional` when only under conditions. */
  | { outcome: "trusts"; conditional: boolean }
  /** The role exists and its trust policy does not let AWS Backup assume it (why, in a sentence). */
  | { outcome: "untrusting"; detail: string }
  | { outcome: "not-found" }
  /** The member role may not read IAM (iam:GetRole): AWS's message. */
  | { outcome: "access-denied"; detail: string }
  /** Anything else that kept the product from asking: no AWS, a role that cannot be assumed, errors. */
  | { outcome: "unreadable"; detail: string };

interface Statement {
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
}

const asList = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/** An IAM action pattern ("sts:*", "sts:Assume*", "*") matching sts:AssumeRole, case-insensitively as IAM matches actions. */
function matchesAssumeRole(pattern: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test("sts:AssumeRole");
}

function namesBackup(principal: unknown): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  return asList((principal as Record<string, unknown>).Service).includes(BACKUP_SERVICE_PRINCIPAL);
}

function coversAssumeRole(s: Statement): boolean {
  if (s.NotAction !== undefined) return !asList(s.NotAction).some(matchesAssumeRole);
  return asList(s.Action).some(matchesAssumeRole);
}

function hasConditions(s: Statement): boolean {
  return typeof s.Condition === "object" && s.Condition !== null && Object.keys(s.Condition).length > 0;
}

/** The trust policy as IAM returns it (URL-encoded JSON), or already decoded. */
export function decodePolicyDocument(doc: string): unknown {
  const text = doc.trimStart().startsWith("{") ? doc : decodeURIComponent(doc.replace(/\+/g, "%20"));
  return JSON.parse(text) as unknown;
}

/** Whether a trust policy lets AWS Backup assume the role. */
export function trustOf(document: unknown): RoleTrust {
  const raw = (document as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(
    (s): s is Statement => typeof s === "object" && s !== null,
  );
  const relevant = statements.filter(
    (s) => s.NotPrincipal === undefined && namesBackup(s.Principal) && coversAssumeRole(s),
  );
  // An unconditional Deny wins; a conditional one may or may not apply, so it only makes any Allow conditional.
  if (relevant.some((s) => s.Effect === "Deny" && !hasConditions(s)))
    return { outcome: "untrusting", detail: `its trust policy denies ${BACKUP_SERVICE_PRINCIPAL} sts:AssumeRole` };
  const allows = relevant.filter((s) => s.Effect === "Allow");
  if (!allows.length)
    return {
      outcome: "untrusting",
      detail: `no statement of its trust policy allows ${BACKUP_SERVICE_PRINCIPAL} to sts:AssumeRole`,
    };
  const denies = relevant.some((s) => s.Effect === "Deny");
  return { outcome: "trusts", conditional: denies || allows.every(hasConditions) };
}

/** GetRole's Role → the trust, reading the URL-encoded trust policy. */
export function roleTrustFromGetRole(role: Role | undefined): RoleTrust {
  if (!role) return { outcome: "unreadable", detail: "GetRole returned no role" };
  if (!role.AssumeRolePolicyDocument) return { outcome: "untrusting", detail: "the role has no trust policy" };
  let doc: unknown;
  try {
    doc = decodePolicyDocument(role.AssumeRolePolicyDocument);
  } catch {
    return { outcome: "unreadable", detail: "its trust policy is not readable JSON" };
  }
  return trustOf(doc);
}

/** The role name GetRole takes: the ARN's last path segment (role/service-role/X → X). */
export function roleNameOf(roleArn: string): string | null {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(roleArn);
  return m ? m[1]! : null;
}
