import {
  accountSuspended,
  classifyCallError,
  errorName,
  FailureError,
  regionDisabled,
  type Failure,
} from "@/lib/aws/errors";

// What "Test connection" found, cell by cell, and the advice: pure, so the words are tested
// without AWS. The wording of each failure comes from lib/aws/errors.ts, as the sync's unit
// errors do, so a person reads the same sentence here and on the Sync page.

/** The checks of one (account, region) cell, in the order they run. */
export const CONNECTION_CHECKS = ["assume", "region", "optIn", "plans", "vaults"] as const;
export type ConnectionCheck = (typeof CONNECTION_CHECKS)[number];

export const CHECK_LABELS: Record<ConnectionCheck, string> = {
  assume: "Can assume the member role",
  region: "Region enabled",
  optIn: "AWS Backup opted in for every resource type",
  plans: "Can list backup plans",
  vaults: "Can read backup vaults",
};

/** The IAM action each probe needs (all are in MEMBER_READ_ACTIONS). */
export const CHECK_ACTIONS = {
  optIn: "backup:DescribeRegionSettings",
  plans: "backup:ListBackupPlans",
  vaults: "backup:ListBackupVaults",
} as const;

/**
 * ok; warn: works, but something will not be backed up (a resource type not opted in is a choice
 * AWS leaves to the account, not a broken connection); fail; skipped: an earlier check failed.
 */
export type CheckStatus = "ok" | "warn" | "fail" | "skipped";

export interface CheckResult {
  status: CheckStatus;
  /** AWS's error code, when AWS refused. */
  code?: string;
  problem?: string;
  remedy?: string;
}

export interface ConnectionCell {
  region: string;
  checks: Record<ConnectionCheck, CheckResult>;
}

export interface ConnectionAccount {
  accountId: string;
  name: string;
  state: string;
  memberRoleArn: string;
  cells: ConnectionCell[];
}

export interface RoleCheck {
  roleArn: string;
  /** Can assume the role (with the tenant's ExternalId). */
  assume: CheckResult;
  /** Can read what it must (the organization's accounts; for the push role, its policies). */
  read: CheckResult;
}

export interface ConnectionTestResult {
  ranAt: string;
  durationMs: number;
  regions: string[];
  entry: RoleCheck;
  policyPush: RoleCheck | null;
  accounts: ConnectionAccount[];
}

export const OK: CheckResult = { status: "ok" };

export function failed(f: Failure, code?: string): CheckResult {
  return { status: "fail", ...(code ? { code } : {}), problem: f.message, remedy: f.remedy };
}

export function skipped(because: string): CheckResult {
  return { status: "skipped", problem: because };
}

/** A refused call as a check result: the sync's classification, with the action and role named. */
export function checkOfError(
  error: unknown,
  context: { operation: string; region?: string; roleArn?: string; action?: string },
): CheckResult {
  const f = error instanceof FailureError ? error.failure : classifyCallError(error, context);
  return failed(f, error instanceof FailureError ? undefined : errorName(error));
}

/** DescribeRegionSettings' opt-in map → the opt-in check: which types AWS Backup will not back up here. */
export function optInCheck(optIn: Record<string, boolean>, region: string, accountId: string): CheckResult {
  const off = Object.entries(optIn)
    .filter(([, on]) => !on)
    .map(([t]) => t)
    .sort();
  if (off.length === 0) return OK;
  return {
    status: "warn",
    problem: `AWS Backup is not opted in for ${off.join(", ")} in this region`,
    remedy: `If account ${accountId} has ${off.join(" or ")} resources to protect, turn them on in the AWS Backup console of ${region} (Settings → Service opt-in) or with UpdateRegionSettings; until then no plan backs them up there.`,
  };
}

/** Every cell of an account the sync skips (suspended, closing): nothing to test. */
export function suspendedCell(region: string): ConnectionCell {
  const s = accountSuspended();
  const c: CheckResult = { status: "skipped", problem: s.message, remedy: s.remedy };
  return { region, checks: { assume: c, region: c, optIn: c, plans: c, vaults: c } };
}

/** The member role could not be assumed: that fails every region, whose other checks are skipped. */
export function unassumableCell(region: string, assume: CheckResult): ConnectionCell {
  const s = skipped("the member role could not be assumed");
  return { region, checks: { assume, region: s, optIn: s, plans: s, vaults: s } };
}

/** The region is not enabled for the account: the calls there cannot be made. */
export function disabledRegionCell(region: string, code?: string): ConnectionCell {
  const s = skipped("the region is not enabled");
  return {
    region,
    checks: { assume: OK, region: failed(regionDisabled(region), code), optIn: s, plans: s, vaults: s },
  };
}

export type CellTone = "ok" | "warn" | "fail" | "skipped";

/** The worst status of a cell, for its colour. */
export function cellTone(cell: ConnectionCell): CellTone {
  const s = CONNECTION_CHECKS.map((c) => cell.checks[c].status);
  if (s.includes("fail")) return "fail";
  if (s.includes("warn")) return "warn";
  if (s.every((x) => x === "skipped")) return "skipped";
  return "ok";
}

export interface ProblemPlace {
  accountId: string;
  accountName: string;
  /** null: the entry or policy push role, not an (account, region) cell. */
  region: string | null;
  check: ConnectionCheck | "entry" | "policyPush";
}

export interface ProblemGroup {
  status: "fail" | "warn";
  problem: string;
  remedy: string;
  places: ProblemPlace[];
}

/**
 * "What to fix": each cause once, with where it hit. Causes are keyed by their words with the
 * account's ARNs and ids taken out, so one missing permission across accounts is one group.
 * Failures first, then warnings; skipped checks are consequences, not causes.
 */
export function groupProblems(r: ConnectionTestResult): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  const add = (res: CheckResult, place: ProblemPlace) => {
    if ((res.status !== "fail" && res.status !== "warn") || !res.problem) return;
    const general = (text: string) =>
      text
        .replace(/arn:aws[\w-]*:[\w-]+::\d{12}:[^\s,)]+/g, "<arn>")
        .replace(/\b\d{12}\b/g, "<account>")
        .replace(/\b[a-z]{2}(-[a-z]+)+-\d\b/g, "<region>");
    const key = `${res.status}|${res.code ?? ""}|${general(res.problem)}|${general(res.remedy ?? "")}`;
    const g = groups.get(key);
    if (g) g.places.push(place);
    else groups.set(key, { status: res.status, problem: res.problem, remedy: res.remedy ?? "", places: [place] });
  };
  const mgmt = { accountId: r.entry.roleArn.split(":")[4] ?? "", accountName: "Entry role", region: null };
  add(r.entry.assume, { ...mgmt, check: "entry" });
  add(r.entry.read, { ...mgmt, check: "entry" });
  if (r.policyPush) {
    const p = { accountId: r.policyPush.roleArn.split(":")[4] ?? "", accountName: "Policy push role", region: null };
    add(r.policyPush.assume, { ...p, check: "policyPush" });
    add(r.policyPush.read, { ...p, check: "policyPush" });
  }
  for (const a of r.accounts) {
    // The member role is assumed once per account: its refusal is one place, not one per region.
    const first = a.cells[0];
    if (first) add(first.checks.assume, { accountId: a.accountId, accountName: a.name, region: null, check: "assume" });
    for (const cell of a.cells)
      for (const c of CONNECTION_CHECKS) {
        if (c === "assume") continue;
        add(cell.checks[c], { accountId: a.accountId, accountName: a.name, region: cell.region, check: c });
      }
  }
  const out = [...groups.values()].sort((x, y) => (x.status === y.status ? 0 : x.status === "fail" ? -1 : 1));
  // A cause met in several accounts is worded for all of them, not as the first account's ARN.
  for (const g of out) {
    const ids = new Set(g.places.map((p) => p.accountId));
    if (ids.size < 2) continue;
    // Only the places' own accounts: a remedy naming the management role keeps its ARN.
    const anyAccount = (text: string) =>
      text.replace(/(arn:aws[\w-]*:(?:iam|sts)::)(\d{12}):/g, (m, head: string, id: string) =>
        ids.has(id) ? `${head}<account>:` : m,
      );
    g.problem = anyAccount(g.problem);
    g.remedy = anyAccount(g.remedy);
  }
  return out;
}

/** How many checks failed (a refused member role counts once per account; warnings do not count). */
export function failedCheckCount(r: ConnectionTestResult): number {
  return groupProblems(r)
    .filter((g) => g.status === "fail")
    .reduce((n, g) => n + g.places.length, 0);
}

/** The run's verdict: the entry role failed (nothing else could be tested), problems, or all fine. */
export function verdictOf(r: ConnectionTestResult): "failed" | "problems" | "ok" {
  if (r.entry.assume.status === "fail" || r.entry.read.status === "fail") return "failed";
  return groupProblems(r).some((g) => g.status === "fail") ? "problems" : "ok";
}
