// Organizations BACKUP_POLICY documents, reduced to what coverage and drift need. Effective
// policies (DescribeEffectivePolicy) carry plain values; attached policies carry @@assign and
// friends, which are unwrapped here (the full merge lives in lib/policies).
// Syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_backup_syntax.html
// Policy keys are not case sensitive and AWS shows effective policies with lower-case keys (see
// lib/policies/effective.ts), so keys are read without regard to case and plan names are compared
// in lower case: "Gold" in an attached policy is "gold" in the effective one.
import { substitutePlaceholders } from "@/lib/compliance/matching/arn";
import { deleteAfterDays } from "@/lib/compliance/lifecycle";
import type { BackupRule } from "@/lib/inventory/types";

export interface PolicyRule {
  name: string;
  schedule: string | null;
  targetVault: string | null;
  deleteAfterDays: number | null;
  coldAfterDays: number | null;
  continuous: boolean;
  copyDestinations: string[];
}

export interface PolicyPlan {
  name: string;
  regions: string[];
  rules: PolicyRule[];
  selectionNames: string[];
}

export type PolicyParse = { ok: true; plans: PolicyPlan[] } | { ok: false; error: string };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A setting's value: the @@assign of a policy, or the plain value of an effective policy. */
function value(v: unknown): unknown {
  if (isObj(v) && "@@assign" in v) return v["@@assign"];
  if (isObj(v) && "@@append" in v) return v["@@append"];
  return v;
}

/** A policy key's value, its case ignored. */
function field(o: Obj, key: string): unknown {
  if (key in o) return o[key];
  const k = Object.keys(o).find((x) => x.toLowerCase() === key);
  return k === undefined ? undefined : o[k];
}

/** Plan and rule names as AWS compares them. */
export function planKey(name: string): string {
  return name.toLowerCase();
}

function entries(v: unknown): Array<[string, unknown]> {
  return isObj(v) ? Object.entries(v).filter(([k]) => !k.startsWith("@@")) : [];
}

function num(v: unknown): number | null {
  const x = value(v);
  if (x === undefined || x === null || x === "") return null;
  const n = Number(x);
  return Number.isFinite(n) ? n : null;
}

function str(v: unknown): string | null {
  const x = value(v);
  return typeof x === "string" ? x : x === undefined || x === null ? null : String(x);
}

function parseRule(name: string, raw: unknown): PolicyRule {
  const r = isObj(raw) ? raw : {};
  const lc = field(r, "lifecycle");
  const lifecycle = isObj(lc) ? lc : {};
  const copies = entries(field(r, "copy_actions")).map(
    ([key, c]) => (isObj(c) ? str(field(c, "target_backup_vault_arn")) : null) ?? key,
  );
  const cont = value(field(r, "enable_continuous_backup"));
  return {
    name,
    schedule: str(field(r, "schedule_expression")),
    targetVault: str(field(r, "target_backup_vault_name")),
    deleteAfterDays: num(field(lifecycle, "delete_after_days")),
    coldAfterDays: num(field(lifecycle, "move_to_cold_storage_after_days")),
    continuous: cont === true || cont === "true",
    copyDestinations: copies.sort(),
  };
}

export function parseBackupPolicy(content: string): PolicyParse {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return { ok: false, error: `backup policy is not valid JSON (${(e as Error).message})` };
  }
  if (!isObj(doc)) return { ok: false, error: "backup policy is not a JSON object" };
  const plans: PolicyPlan[] = [];
  for (const [name, raw] of entries(field(doc, "plans"))) {
    if (!isObj(raw)) return { ok: false, error: `plan ${name} is not an object` };
    const regions = value(field(raw, "regions"));
    if (regions !== undefined && !(Array.isArray(regions) && regions.every((x) => typeof x === "string"))) {
      return { ok: false, error: `plan ${name}: regions must be a list of region codes` };
    }
    const sel = field(raw, "selections");
    const selections = isObj(sel) ? sel : {};
    plans.push({
      name: planKey(name),
      regions: (regions as string[] | undefined) ?? [],
      rules: entries(field(raw, "rules")).map(([rn, rr]) => parseRule(rn, rr)),
      selectionNames: [...entries(field(selections, "tags")), ...entries(field(selections, "resources"))]
        .map(([n]) => n)
        .sort(),
    });
  }
  return { ok: true, plans };
}

/** Plan names a policy document defines (attached policies, operators allowed). */
export function policyPlanNames(content: string): string[] {
  const p = parseBackupPolicy(content);
  return p.ok ? p.plans.map((x) => x.name) : [];
}

export interface MaterialisedRule {
  ruleName: string;
  scheduleExpression: string | null;
  targetBackupVaultName: string;
  deleteAfterDays: number | null;
  coldAfterDays: number | null;
  continuous: boolean;
  copyDestinations: string[];
}

/** Differences between what the policy says and the plan AWS materialised in (account, region). */
export function diffPlan(
  intent: PolicyPlan,
  rules: readonly MaterialisedRule[],
  accountId: string,
  region: string,
): string[] {
  const out: string[] = [];
  const byName = new Map(rules.map((r) => [planKey(r.ruleName), r]));
  for (const want of intent.rules) {
    const have = byName.get(planKey(want.name));
    if (!have) {
      out.push(`rule ${want.name} is missing`);
      continue;
    }
    byName.delete(planKey(want.name));
    const sub = (s: string | null) => (s === null ? null : substitutePlaceholders(s, accountId, region));
    if (want.schedule !== null && sub(want.schedule) !== have.scheduleExpression)
      out.push(`rule ${want.name} schedule ${have.scheduleExpression} ≠ ${want.schedule}`);
    if (want.targetVault !== null && sub(want.targetVault) !== have.targetBackupVaultName)
      out.push(`rule ${want.name} vault ${have.targetBackupVaultName} ≠ ${want.targetVault}`);
    if (want.deleteAfterDays !== have.deleteAfterDays)
      out.push(
        `rule ${want.name} delete after ${have.deleteAfterDays ?? "never"} ≠ ${want.deleteAfterDays ?? "never"} days`,
      );
    if (want.coldAfterDays !== have.coldAfterDays)
      out.push(`rule ${want.name} cold after ${have.coldAfterDays ?? "none"} ≠ ${want.coldAfterDays ?? "none"} days`);
    if (want.continuous !== have.continuous)
      out.push(`rule ${want.name} continuous backup ${have.continuous} ≠ ${want.continuous}`);
    const wantCopies = want.copyDestinations
      .map((c) => sub(c)!)
      .sort()
      .join(",");
    const haveCopies = [...have.copyDestinations].sort().join(",");
    if (wantCopies !== haveCopies) out.push(`rule ${want.name} copies to [${haveCopies}] ≠ [${wantCopies}]`);
  }
  for (const extra of byName.values()) out.push(`rule ${extra.ruleName} is not in the policy`);
  return out;
}

/** An org-managed plan as the sync read it in one account and region. */
export interface OrgManagedPlan {
  planName: string;
  rules: readonly BackupRule[];
}

const materialised = (r: BackupRule): MaterialisedRule => ({
  ruleName: r.ruleName,
  scheduleExpression: r.scheduleExpression,
  targetBackupVaultName: r.targetBackupVaultName,
  deleteAfterDays: deleteAfterDays(r.lifecycle),
  coldAfterDays: r.lifecycle?.moveToColdStorageAfterDays ?? null,
  continuous: r.enableContinuousBackup,
  copyDestinations: r.copyActions.map((c) => c.destinationBackupVaultArn),
});

/**
 * The effective policy's plans for one (account, region) against the org-managed plans AWS Backup
 * materialised there: plans missing, plans differing (per rule), plans AWS keeps that the policy no
 * longer has. Shared by BK-17 and the drift page so both say the same thing.
 */
export function materialisationDrift(
  here: readonly PolicyPlan[],
  orgPlans: readonly OrgManagedPlan[],
  accountId: string,
  region: string,
): string[] {
  const drift: string[] = [];
  for (const intent of here) {
    const mat = orgPlans.find((p) => planKey(p.planName) === intent.name);
    if (!mat) {
      drift.push(`plan ${intent.name} is not materialised`);
      continue;
    }
    drift.push(
      ...diffPlan(intent, mat.rules.map(materialised), accountId, region).map((d) => `plan ${intent.name}: ${d}`),
    );
  }
  for (const mat of orgPlans) {
    if (!here.some((p) => p.name === planKey(mat.planName)))
      drift.push(`org-managed plan ${mat.planName} is not in the effective policy`);
  }
  return drift;
}
