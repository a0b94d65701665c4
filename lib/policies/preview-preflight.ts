// Pre-flight of a backup policy in one account and Region: what AWS Backup will need there once it
// materialises the plans, checked against the last inventory. AWS creates org-managed plans without
// checking any of it, and the backups then fail or silently skip resources:
// - the Region is inventoried for the tenant and enabled in the account (a skipped unit is not);
// - each rule's vault exists there, and its air-gapped vault and copy destinations where the
//   inventory covers them ("the vault must already exist in every target account and Region");
// - each selection's IAM role exists in the account and trusts backup.amazonaws.com (sts:AssumeRole)
//   ("the IAM role must exist in every target account", syntax page): read with IAM GetRole by the
//   preview (lib/policies/preview-roles.ts, roleCheck below); until then, and whenever IAM cannot be
//   read, the check is unverified and says what the inventory knows (plans there use the role, and
//   "the IAM role must exist when creating a backup plan for the first time"; backup jobs failed on
//   a role);
// - the resource types the plan would select there are opted in (region settings), except where the
//   selection names the type's ARN pattern, which AWS Backup honours without the opt-in.
import type { BackupPlan, BackupVault, RegionSettings, Resource, UnitFreshness } from "@/lib/inventory/types";
import { compileSelection, evaluateSelection } from "@/lib/compliance/matching/selection-matcher";
import { parseArn } from "@/lib/compliance/matching/arn";
import type { RoleTrust } from "@/lib/aws/iam.adapter";
import type { MaterialisedPlan } from "./plan-materialize";

/** "info": what the inventory shows, neither good nor bad (how many resources the plans would select). */
export type CheckStatus = "pass" | "fail" | "unverified" | "info";
export type CheckKind = "region" | "vault" | "air-gapped-vault" | "copy-vault" | "iam-role" | "selection" | "opt-in";

export interface PreflightCheck {
  kind: CheckKind;
  status: CheckStatus;
  /** What was checked: a vault name or ARN, a role ARN, a resource type, the Region. */
  subject: string;
  message: string;
  /** IAM role checks: what the inventory shows about the role, kept for when IAM cannot tell. */
  evidence?: string;
}

export interface PreflightUnit {
  accountId: string;
  region: string;
  plans: string[];
  checks: PreflightCheck[];
}

/** What the last inventory says, indexed once for every account and Region of a preview. */
export interface PreflightInventory {
  tenantRegions: readonly string[];
  tenantAccounts: ReadonlySet<string>;
  unit(accountId: string, region: string): UnitFreshness | undefined;
  vaultByName(accountId: string, region: string, name: string): BackupVault | undefined;
  vaultByArn(arn: string): BackupVault | undefined;
  regionSettings(accountId: string, region: string): RegionSettings | null;
  resourcesIn(accountId: string, region: string): readonly Resource[];
  /** Selections of plans in the account (any Region) that use this role, as "plan/selection". */
  roleUsers(accountId: string, roleArn: string): string[];
  /** Backup jobs in the unit that failed because of an IAM role within the look-back (jobs do not say which role). */
  roleFailures(accountId: string, region: string): number;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/.+$/;

/** Whether the unit's inventory is current enough to decide existence; otherwise why not. */
function unitProblem(inv: PreflightInventory, accountId: string, region: string): PreflightCheck | null {
  const subject = `${accountId}/${region}`;
  if (!inv.tenantRegions.includes(region)) {
    return {
      kind: "region",
      status: "unverified",
      subject,
      message: `${region} is not among the Regions this organization is synced in, so nothing there can be checked; AWS will still create the plan there.`,
    };
  }
  const u = inv.unit(accountId, region);
  if (!u)
    return {
      kind: "region",
      status: "unverified",
      subject,
      message: `${accountId} in ${region} has never been synced.`,
    };
  if (u.status === "skipped")
    return {
      kind: "region",
      status: "fail",
      subject,
      message: `${region} is not enabled in account ${accountId} (the sync skipped it): the plan cannot run there.`,
    };
  if (!u.publishedAt)
    return {
      kind: "region",
      status: "unverified",
      subject,
      message: `no inventory of ${accountId} in ${region}: ${u.error ?? "never read successfully"}.`,
    };
  if (u.error)
    return {
      kind: "region",
      status: "unverified",
      subject,
      message: `the last sync of ${accountId} in ${region} failed (${u.error}); older data would decide the checks, so they are not made.`,
    };
  return null;
}

export function preflightUnit(
  inv: PreflightInventory,
  accountId: string,
  region: string,
  plans: readonly MaterialisedPlan[],
): PreflightUnit {
  const checks: PreflightCheck[] = [];
  const out = { accountId, region, plans: plans.map((p) => p.planName), checks };
  const problem = unitProblem(inv, accountId, region);
  if (problem) {
    checks.push(problem);
    if (problem.status === "fail" || !inv.tenantRegions.includes(region) || !inv.unit(accountId, region)?.publishedAt)
      return out;
  } else {
    checks.push({
      kind: "region",
      status: "pass",
      subject: `${accountId}/${region}`,
      message: `${region} is enabled and was synced.`,
    });
  }
  const current = problem === null;
  const seen = new Set<string>();
  const once = (c: PreflightCheck) => {
    const key = `${c.kind}|${c.subject}`;
    if (seen.has(key)) return;
    seen.add(key);
    checks.push(c);
  };
  for (const plan of plans) {
    for (const rule of plan.rules) {
      const name = rule.targetBackupVaultName;
      if (!current)
        once({
          kind: "vault",
          status: "unverified",
          subject: name,
          message: `vault ${name} could not be checked (inventory not current).`,
        });
      else if (inv.vaultByName(accountId, region, name))
        once({ kind: "vault", status: "pass", subject: name, message: `vault ${name} exists.` });
      else
        once({
          kind: "vault",
          status: "fail",
          subject: name,
          message: `vault ${name} does not exist in ${accountId}/${region}: rule ${rule.ruleName} of plan ${plan.planName} would fail every backup. Create it first (e.g. with a StackSet).`,
        });
      if (rule.targetLogicallyAirGappedBackupVaultArn)
        once(checkVaultArn(inv, "air-gapped-vault", rule.targetLogicallyAirGappedBackupVaultArn));
      for (const c of rule.copyActions) once(checkVaultArn(inv, "copy-vault", c.destinationBackupVaultArn));
    }
    for (const sel of plan.selections) once(checkRole(inv, accountId, region, sel.iamRoleArn));
  }
  if (current) checks.push(...checkOptIn(inv, accountId, region, plans));
  return out;
}

function checkVaultArn(inv: PreflightInventory, kind: "air-gapped-vault" | "copy-vault", arn: string): PreflightCheck {
  const p = parseArn(arn);
  if (!p) return { kind, status: "fail", subject: arn, message: `${arn} is not a vault ARN.` };
  if (!inv.tenantAccounts.has(p.accountId) || !inv.tenantRegions.includes(p.region)) {
    return {
      kind,
      status: "unverified",
      subject: arn,
      message: `${arn} is outside the inventory (another organization or an unsynced Region): not checked.`,
    };
  }
  const u = inv.unit(p.accountId, p.region);
  if (!u?.publishedAt || u.error)
    return {
      kind,
      status: "unverified",
      subject: arn,
      message: `${p.accountId}/${p.region} has no current inventory: ${arn} not checked.`,
    };
  const v = inv.vaultByArn(arn);
  if (!v)
    return {
      kind,
      status: "fail",
      subject: arn,
      message: `vault ${arn} does not exist: ${kind === "copy-vault" ? "every copy to it would fail" : "backups into it would fail"}.`,
    };
  if (kind === "air-gapped-vault" && v.vaultType !== "LOGICALLY_AIR_GAPPED_BACKUP_VAULT")
    return {
      kind,
      status: "fail",
      subject: arn,
      message: `${arn} is a ${v.vaultType}, not a logically air-gapped vault.`,
    };
  return { kind, status: "pass", subject: arn, message: `vault ${arn} exists.` };
}

function checkRole(inv: PreflightInventory, accountId: string, region: string, roleArn: string): PreflightCheck {
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return { kind: "iam-role", status: "fail", subject: roleArn, message: `${roleArn} is not an IAM role ARN.` };
  if (m[1] !== accountId)
    return {
      kind: "iam-role",
      status: "fail",
      subject: roleArn,
      message: `${roleArn} is a role of account ${m[1]}, not of ${accountId}: AWS Backup assumes a role of the account it backs up (use $account).`,
    };
  const users = inv.roleUsers(accountId, roleArn);
  const known = users.length
    ? `plans in this account use it (${users.slice(0, 3).join(", ")}${users.length > 3 ? ", …" : ""}), and AWS Backup needs the role to exist when it first creates a plan, so it existed then`
    : "no plan in this account uses it: make sure it exists before pushing (AWS Backup needs it when it first creates the plan)";
  const failures = inv.roleFailures(accountId, region);
  const failed =
    failures > 0
      ? `; ${failures} backup job${failures > 1 ? "s" : ""} in ${region} failed recently because of an IAM role (the jobs do not say which)`
      : "";
  const evidence = `${known}${failed}`;
  return {
    kind: "iam-role",
    status: "unverified",
    subject: roleArn,
    message: `Not verified: IAM was not read, so whether the role exists and trusts backup.amazonaws.com is unknown; ${evidence}.`,
    evidence,
  };
}

/** Whether a role check is one IAM can settle: a role ARN of the account itself, not yet verified. */
export function isRoleToVerify(c: PreflightCheck): boolean {
  return c.kind === "iam-role" && c.status === "unverified" && c.evidence !== undefined;
}

/**
 * The role check once IAM GetRole answered in the account: pass, fail (missing or not trusting
 * AWS Backup) or, when IAM could not be read, unverified with why and what the inventory shows.
 */
export function roleCheck(accountId: string, roleArn: string, trust: RoleTrust, evidence: string): PreflightCheck {
  const base = { kind: "iam-role" as const, subject: roleArn, evidence };
  switch (trust.outcome) {
    case "trusts":
      return {
        ...base,
        status: "pass",
        message: `role ${roleArn} exists in account ${accountId} and trusts backup.amazonaws.com${trust.conditional ? " (under the conditions of its trust policy)" : ""}.`,
      };
    case "not-found":
      return {
        ...base,
        status: "fail",
        message: `role ${roleArn} does not exist in account ${accountId}: AWS Backup cannot assume it, so every backup of the plan there would fail. Create it first (e.g. with a StackSet).`,
      };
    case "untrusting":
      return {
        ...base,
        status: "fail",
        message: `role ${roleArn} does not trust backup.amazonaws.com in account ${accountId} (${trust.detail}): AWS Backup cannot assume it, so every backup of the plan there would fail.`,
      };
    case "access-denied":
      return {
        ...base,
        status: "unverified",
        message: `unverified: the member role may not read IAM (iam:GetRole) in account ${accountId} (${trust.detail}); ${evidence}.`,
      };
    case "unreadable":
      return {
        ...base,
        status: "unverified",
        message: `unverified: IAM could not be read in account ${accountId} (${trust.detail}); ${evidence}.`,
      };
  }
}

/** What the plans would select here, and per resource type that needs it, the opt-in (a selection naming the type's ARN pattern does not). */
function checkOptIn(
  inv: PreflightInventory,
  accountId: string,
  region: string,
  plans: readonly MaterialisedPlan[],
): PreflightCheck[] {
  const settings = inv.regionSettings(accountId, region);
  const selected = new Map<string, number>();
  const needs = new Map<string, number>();
  const compiled = plans.flatMap((p) => {
    const plan: BackupPlan = {
      ...p,
      accountId,
      region,
      planId: "",
      planArn: "",
      versionId: "",
      orgManaged: true,
      creationDate: null,
      lastExecutionDate: null,
    };
    return p.selections.map((s) => compileSelection(plan, s));
  });
  for (const r of inv.resourcesIn(accountId, region)) {
    for (const cs of compiled) {
      const o = evaluateSelection(cs, r);
      if (o.kind !== "selected") continue;
      selected.set(r.resourceType, (selected.get(r.resourceType) ?? 0) + 1);
      if (o.match.optInRequired) needs.set(r.resourceType, (needs.get(r.resourceType) ?? 0) + 1);
      break;
    }
  }
  const total = [...selected.values()].reduce((a, b) => a + b, 0);
  const summary: PreflightCheck = {
    kind: "selection",
    status: "info",
    subject: `${accountId}/${region}`,
    message:
      total === 0
        ? "No resource here matches the plans' selections today."
        : `The plans would select ${total} resource${total > 1 ? "s" : ""} here (${[...selected]
            .sort()
            .map(([t, n]) => `${n} ${t}`)
            .join(", ")}).`,
  };
  const optIn = [...needs]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]): PreflightCheck => {
      const what = `${n} ${type} resource${n > 1 ? "s" : ""} the plan${plans.length > 1 ? "s" : ""} would select`;
      if (!settings)
        return {
          kind: "opt-in",
          status: "unverified",
          subject: type,
          message: `region settings were not read: whether ${type} is opted in (${what}) is unknown.`,
        };
      if (settings.resourceTypeOptIn[type] === true)
        return { kind: "opt-in", status: "pass", subject: type, message: `${type} is opted in (${what}).` };
      return {
        kind: "opt-in",
        status: "fail",
        subject: type,
        message: `${type} is not opted in to AWS Backup in ${region}: ${what} would be skipped silently. Opt it in, or select the type by its ARN pattern.`,
      };
    });
  return [summary, ...optIn];
}

/** The inventory lookups of a preview, indexed once over the snapshot. */
export function indexInventory(
  s: {
    units: readonly UnitFreshness[];
    vaults: readonly BackupVault[];
    regionSettings: readonly RegionSettings[];
    resources: readonly Resource[];
    plans: readonly BackupPlan[];
    accounts: ReadonlyArray<{ accountId: string }>;
  },
  tenantRegions: readonly string[],
  roleFailures: (accountId: string, region: string) => number,
): PreflightInventory {
  const key = (...parts: string[]) => parts.join("|");
  const units = new Map(s.units.map((u) => [key(u.accountId, u.region), u]));
  const vaults = new Map(s.vaults.map((v) => [key(v.accountId, v.region, v.vaultName), v]));
  const vaultArns = new Map(s.vaults.map((v) => [v.vaultArn, v]));
  const settings = new Map(s.regionSettings.map((r) => [key(r.accountId, r.region), r]));
  const resources = new Map<string, Resource[]>();
  for (const r of s.resources) {
    const k = key(r.accountId, r.region);
    const list = resources.get(k);
    if (list) list.push(r);
    else resources.set(k, [r]);
  }
  const users = new Map<string, string[]>();
  for (const p of s.plans) {
    for (const sel of p.selections) {
      const k = key(p.accountId, sel.iamRoleArn);
      const who = `${p.planName}/${sel.selectionName}`;
      const list = users.get(k) ?? [];
      if (!list.includes(who)) users.set(k, [...list, who]);
    }
  }
  return {
    tenantRegions,
    tenantAccounts: new Set(s.accounts.map((a) => a.accountId)),
    unit: (a, r) => units.get(key(a, r)),
    vaultByName: (a, r, n) => vaults.get(key(a, r, n)),
    vaultByArn: (arn) => vaultArns.get(arn),
    regionSettings: (a, r) => settings.get(key(a, r)) ?? null,
    resourcesIn: (a, r) => resources.get(key(a, r)) ?? [],
    roleUsers: (a, role) => users.get(key(a, role)) ?? [],
    roleFailures,
  };
}
