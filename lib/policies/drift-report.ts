// The three-way drift of a tenant, per OU, account and region, from what the last sync stored and
// what the product pushed: our intended versions, the policies AWS holds now, the org-managed plans
// AWS Backup materialised from the effective policy, and the plans made by hand. Pure (the loader
// is drift.ts), so each state is tested without a database.
import type { BackupRule } from "@/lib/inventory/types";
import { materialisationDrift, parseBackupPolicy } from "@/lib/compliance/org/backup-policy";
import {
  chainDrift,
  comparePolicy,
  type ManagedPolicyIntent,
  type PolicyDrift,
  type PolicyDriftStatus,
} from "./drift-diff";

export interface DriftInputs {
  /** The organization's policies were read by the last sync (and that read did not fail). */
  orgRead: boolean;
  /** When that read was published: when drift in AWS was seen. */
  readAt: Date | null;
  rootId: string | null;
  ous: ReadonlyArray<{ id: string; name: string; parentId: string | null }>;
  accounts: ReadonlyArray<{
    accountId: string;
    name: string;
    state: string;
    parentId: string;
    ouPath: readonly string[];
  }>;
  regions: readonly string[];
  units: ReadonlyArray<{
    accountId: string;
    region: string;
    status: string;
    publishedAt: Date | null;
    error: string | null;
  }>;
  awsPolicies: ReadonlyArray<{ policyId: string; name: string; content: string; targets: readonly string[] }>;
  effective: ReadonlyArray<{ accountId: string; content: string }>;
  plans: ReadonlyArray<{
    accountId: string;
    region: string;
    planName: string;
    orgManaged: boolean;
    rules: readonly BackupRule[];
  }>;
  intents: readonly ManagedPolicyIntent[];
}

/** Worst first: the order the page sorts and counts by. */
export const UNIT_STATES = [
  "drifted",
  "materialisation",
  "not-covered",
  "awaiting-sync",
  "unknown",
  "in-sync",
  "unmanaged",
  "not-applicable",
] as const;
export type UnitState = (typeof UNIT_STATES)[number];

export interface UnitDrift {
  region: string;
  state: UnitState;
  /** Managed policies our versions attach in this account's chain. */
  intended: Array<{ name: string; version: number; status: PolicyDriftStatus }>;
  /** Policies AWS attaches in the chain now; `managed` when the product pushed it. */
  inAws: Array<{ name: string; managed: boolean }>;
  /** Org-managed plans read here, and how they differ from the effective policy (null: not compared). */
  materialised: { plans: string[]; differences: string[] | null };
  handMade: string[];
  reasons: string[];
  advice: string;
  /** The read that showed this state. */
  seenAt: Date | null;
}

export interface AccountDrift {
  accountId: string;
  name: string;
  state: string;
  units: UnitDrift[];
  /** Policies attached directly to the account in AWS. */
  attached: Attachment[];
}

export interface Attachment {
  name: string;
  managed: boolean;
  /** "attached outside the product", "detached outside the product", or null. */
  note: string | null;
}

export interface NodeDrift {
  id: string;
  name: string;
  kind: "root" | "ou";
  depth: number;
  attached: Attachment[];
  accounts: AccountDrift[];
}

export interface PolicyDriftEntry {
  intent: ManagedPolicyIntent;
  drift: PolicyDrift;
  /** AWS's content and targets as read, when it still has the policy. */
  aws: { content: string; targets: readonly string[] } | null;
}

export interface DriftReport {
  orgRead: boolean;
  readAt: Date | null;
  policies: PolicyDriftEntry[];
  nodes: NodeDrift[];
  counts: Record<UnitState, number>;
}

const ADVICE: Record<UnitState, string> = {
  drifted:
    "Re-push the intended version to undo the change, or adopt what AWS holds as a new version; either is approved and pushed like any other.",
  materialisation:
    "AWS Backup has not brought the plans here in line with the effective policy. It usually does within hours; if this persists, check that the vault and IAM role the policy names exist here (BK-15).",
  "not-covered": "No backup policy applies here: add this account or one of its OUs to a policy's targets and push it.",
  "awaiting-sync": "Pushed after the last sync read the organization: sync again to compare.",
  unknown: "Not read: see the Sync page for why, then sync again.",
  "in-sync": "",
  unmanaged: "Covered by policies this product does not manage: their changes are not tracked as drift.",
  "not-applicable": "",
};

export function adviceFor(state: UnitState, handMade: number): string {
  const extra = handMade
    ? `${ADVICE[state] ? " " : ""}${handMade} plan${handMade > 1 ? "s" : ""} made by hand here: no policy governs ${handMade > 1 ? "them" : "it"}; review whether a policy should.`
    : "";
  return `${ADVICE[state]}${extra}`;
}

export function buildDriftReport(input: DriftInputs): DriftReport {
  const awsById = new Map(input.awsPolicies.map((p) => [p.policyId, p]));
  const managedAwsIds = new Set(input.intents.map((i) => i.awsPolicyId));
  const policies: PolicyDriftEntry[] = input.intents.map((intent) => {
    const aws = awsById.get(intent.awsPolicyId);
    return {
      intent,
      drift: comparePolicy(intent, aws, input.orgRead),
      aws: aws ? { content: aws.content, targets: aws.targets } : null,
    };
  });
  const chainInput = policies.map((p) => ({ intent: p.intent, drift: p.drift, awsTargets: p.aws?.targets ?? [] }));
  const effective = new Map(input.effective.map((e) => [e.accountId, parseBackupPolicy(e.content)]));
  const units = new Map(input.units.map((u) => [`${u.accountId}/${u.region}`, u]));
  const plansAt = groupBy(input.plans, (p) => `${p.accountId}/${p.region}`);
  const counts = Object.fromEntries(UNIT_STATES.map((s) => [s, 0])) as Record<UnitState, number>;

  const attachmentsOf = (target: string): Attachment[] => {
    const out: Attachment[] = input.awsPolicies
      .filter((p) => p.targets.includes(target))
      .map((p) => {
        const entry = policies.find((x) => x.intent.awsPolicyId === p.policyId);
        const outside = entry?.drift.attachedOutside.includes(target);
        return {
          name: p.name,
          managed: managedAwsIds.has(p.policyId),
          note: outside ? "attached outside the product" : null,
        };
      });
    for (const x of policies)
      if (x.drift.detachedOutside.includes(target))
        out.push({
          name: x.intent.name,
          managed: true,
          note: x.drift.status === "missing" ? "deleted outside the product" : "detached outside the product",
        });
    return out.sort((a, b) => a.name.localeCompare(b.name));
  };

  const unitDrift = (account: DriftInputs["accounts"][number], region: string): UnitDrift => {
    const chain = [...account.ouPath, account.accountId];
    const intended = policies
      .filter((p) => p.intent.targets.some((t) => chain.includes(t)))
      .map((p) => ({ name: p.intent.name, version: p.intent.version, status: p.drift.status }));
    const inAws = input.orgRead
      ? input.awsPolicies
          .filter((p) => p.targets.some((t) => chain.includes(t)))
          .map((p) => ({ name: p.name, managed: managedAwsIds.has(p.policyId) }))
      : [];
    const unit = units.get(`${account.accountId}/${region}`);
    const here = plansAt.get(`${account.accountId}/${region}`) ?? [];
    const handMade = here
      .filter((p) => !p.orgManaged)
      .map((p) => p.planName)
      .sort();
    const orgPlans = here.filter((p) => p.orgManaged);
    const base = {
      region,
      intended,
      inAws,
      handMade,
      materialised: { plans: orgPlans.map((p) => p.planName).sort(), differences: null as string[] | null },
      seenAt: unit?.publishedAt ?? null,
    };
    const done = (state: UnitState, reasons: string[], over: Partial<UnitDrift> = {}): UnitDrift => {
      counts[state]++;
      return {
        ...base,
        state,
        reasons,
        advice: adviceFor(state, state === "unknown" || state === "not-applicable" ? 0 : handMade.length),
        ...over,
      };
    };
    if (account.state !== "ACTIVE") return done("not-applicable", [`the account is ${account.state.toLowerCase()}`]);
    if (unit?.status === "skipped")
      return done("not-applicable", [unit.error ?? "the region is not enabled for this account"]);
    if (!unit?.publishedAt) return done("unknown", [unit?.error ?? "this account and region have never been read"]);
    const stale = unit.error ? [`the last read failed (${unit.error}); earlier data shown`] : [];
    if (!input.orgRead) return done("unknown", ["the organization's policies were not read", ...stale]);
    const drifted = chainDrift(chain, region, chainInput);
    if (drifted.length) return done("drifted", [...drifted.map((d) => d.reason), ...stale], { seenAt: input.readAt });
    if (intended.some((i) => i.status === "awaiting-sync"))
      return done("awaiting-sync", [
        `${intended
          .filter((i) => i.status === "awaiting-sync")
          .map((i) => `${i.name} version ${i.version}`)
          .join(", ")} pushed after the last read`,
        ...stale,
      ]);
    const eff = effective.get(account.accountId);
    if (!eff) return done("not-covered", ["no backup policy applies to the account", ...stale]);
    if (!eff.ok) return done("unknown", [`the effective policy could not be read: ${eff.error}`, ...stale]);
    const plansHere = eff.plans.filter((p) => p.regions.includes(region));
    if (!plansHere.length) return done("not-covered", [`the effective policy has no plan for ${region}`, ...stale]);
    const differences = materialisationDrift(plansHere, orgPlans, account.accountId, region);
    if (differences.length)
      return done("materialisation", [...differences, ...stale], {
        materialised: { ...base.materialised, differences },
      });
    const state = intended.length || inAws.some((p) => p.managed) ? "in-sync" : "unmanaged";
    return done(state, stale, { materialised: { ...base.materialised, differences: [] } });
  };

  const accountsOf = (parentId: string): AccountDrift[] =>
    input.accounts
      .filter((a) => a.parentId === parentId)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((a) => ({
        accountId: a.accountId,
        name: a.name,
        state: a.state,
        units: input.regions.map((r) => unitDrift(a, r)),
        attached: input.orgRead ? attachmentsOf(a.accountId) : [],
      }));

  const nodes: NodeDrift[] = [];
  const visit = (id: string, name: string, kind: NodeDrift["kind"], depth: number) => {
    nodes.push({ id, name, kind, depth, attached: input.orgRead ? attachmentsOf(id) : [], accounts: accountsOf(id) });
    for (const child of input.ous.filter((o) => o.parentId === id).sort((a, b) => a.name.localeCompare(b.name)))
      visit(child.id, child.name, "ou", depth + 1);
  };
  if (input.rootId) visit(input.rootId, "Root", "root", 0);
  return { orgRead: input.orgRead, readAt: input.readAt, policies, nodes, counts };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
