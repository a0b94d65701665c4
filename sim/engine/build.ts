import { IntList, StringTable } from "./columns";
import type { OrgState, ResourceRt, SimState, Unit, VaultRt, VaultShare } from "./model";
import { addPlan, addPlanVersion, buildSelection } from "./plans";
import { parseSchedule } from "./schedule";
import { BackupJobTable, CopyJobTable, RecoveryPointTable, ScanJobTable } from "./tables";
import { hex, stableUuid } from "../world/ids";
import { vaultKeyArn } from "./kms";
import { TYPE_INFO } from "../world/resource-types";
import type { WorldDef } from "../world/schema";
import { resolveTime } from "../world/time";
import { parseDelegationPolicy } from "../org/delegation";

/** AWS-owned keys live in an account the customer never sees. */
const AWS_OWNED_KEY_ACCOUNT = "906000000001";

/** Builds the live state from a parsed world (without running any backups yet). */
export function buildState(def: WorldDef, now: number): SimState {
  const t = (spec: string) => resolveTime(spec, now);
  const strings = new StringTable();
  const state: SimState = {
    def,
    seed: def.seed,
    now,
    epoch: now,
    continuous: new Map(),
    pendingRps: [],
    regions: [...def.regions],
    org: buildOrg(def, t),
    units: [],
    unitByKey: new Map(),
    resources: [],
    vaults: [],
    vaultByArn: new Map(),
    kms: new Map(),
    plans: [],
    rules: [],
    restoreTestingPlans: [],
    rps: new RecoveryPointTable(),
    backupJobs: new BackupJobTable(strings),
    copyJobs: new CopyJobTable(strings),
    restoreJobs: [],
    scanJobs: new ScanJobTable(),
    lastScanned: new Map(),
    strings,
    version: 0,
  };
  for (const a of def.accounts) for (const region of def.regions) addUnit(state, a.id, region);
  const unitOf = (account: string, region: string) => state.unitByKey.get(`${account}/${region}`) as Unit;

  for (const r of def.resources) {
    const unit = unitOf(r.account_id, r.region);
    const res: ResourceRt = {
      index: state.resources.length,
      unit: unit.index,
      type: r.type,
      id: r.id,
      arn: TYPE_INFO[r.type].arn(r.account_id, r.region, r.id),
      name: r.name,
      tags: r.tags,
      encrypted: r.encrypted,
      sizeGb: r.size_gb,
      created: t(r.created),
      deleted: r.deleted === undefined ? undefined : t(r.deleted),
      outcome: r.backup_outcome,
      restoreMinutes: r.restore_minutes,
      scanOutcome: r.scan_outcome,
      indexOutcome: r.index_outcome,
      restoreValidation: r.restore_validation,
    };
    state.resources.push(res);
    unit.resources.push(res.index);
  }
  for (const v of def.vaults) addVault(state, unitOf(v.account_id, v.region), v, t);
  def.plans.forEach((p, i) => {
    const unit = unitOf(p.account_id, p.region);
    const plan = addPlan(state, unit, {
      id: p.id ?? stableUuid(state.seed, "plan", unit.accountId, unit.region, p.name),
      name: p.name,
      created: t(p.created),
      deleted: p.deleted ? t(p.deleted) : undefined,
    });
    p.versions.forEach((v, vi) => {
      v.rules.forEach((r, ri) =>
        checkSchedule(r.schedule, r.timezone, `plans[${i}].versions[${vi}].rules[${ri}].schedule`),
      );
      addPlanVersion(
        state,
        plan,
        v.created ? t(v.created) : plan.created,
        v.rules,
        v.advanced_backup_settings,
        v.scan_settings,
      );
    });
    for (const s of p.selections) buildSelection(state, plan, s, s.created ? t(s.created) : plan.created);
  });
  def.restore_testing_plans.forEach((p, i) => {
    const unit = unitOf(p.account_id, p.region);
    checkSchedule(p.schedule, p.timezone, `restore_testing_plans[${i}].schedule`);
    state.restoreTestingPlans.push({
      index: state.restoreTestingPlans.length,
      unit: unit.index,
      name: p.name,
      arn: `arn:aws:backup:${unit.region}:${unit.accountId}:restore-testing-plan:${p.name}-${hex(state.seed, 12, "rtp", unit.accountId, p.name)}`,
      scheduleExpression: p.schedule,
      timezone: p.timezone,
      schedule: parseSchedule(p.schedule, p.timezone),
      startWindowHours: p.start_window_hours,
      created: t(p.created),
      resourceTypes: [...p.resource_types],
      lastExecution: undefined,
    });
    unit.restoreTestingPlans.push(state.restoreTestingPlans.length - 1);
  });
  for (const s of def.region_settings)
    for (const type of s.not_opted_in) unitOf(s.account_id, s.region).notOptedIn.add(type);
  for (const r of def.report_plans)
    unitOf(r.account_id, r.region).reportPlans.push({ name: r.name, template: r.template, created: t(r.created) });
  for (const f of def.frameworks)
    unitOf(f.account_id, f.region).frameworks.push({ name: f.name, controls: f.controls, created: t(f.created) });
  return state;
}

function checkSchedule(expression: string, timezone: string | undefined, path: string) {
  try {
    parseSchedule(expression, timezone);
  } catch (e) {
    throw new Error(`invalid world:\n  ${path}: ${(e as Error).message}`);
  }
}

function addUnit(state: SimState, accountId: string, region: string): Unit {
  const unit: Unit = {
    index: state.units.length,
    accountId,
    region,
    resources: [],
    vaults: [],
    vaultByName: new Map(),
    plans: [],
    restoreTestingPlans: [],
    backupJobs: new IntList(),
    copyJobs: new IntList(),
    restoreJobs: new IntList(4),
    scanJobs: new IntList(),
    notOptedIn: new Set(),
    reportPlans: [],
    frameworks: [],
  };
  state.units.push(unit);
  state.unitByKey.set(`${accountId}/${region}`, unit);
  return unit;
}

function addVault(state: SimState, unit: Unit, v: WorldDef["vaults"][number], t: (s: string) => number): VaultRt {
  const { accountId: a, region: r } = unit;
  const arn = `arn:aws:backup:${r}:${a}:backup-vault:${v.name}`;
  const keyArn = vaultKeyArn(state, unit, v, t(v.created), AWS_OWNED_KEY_ACCOUNT);
  const vault: VaultRt = {
    index: state.vaults.length,
    unit: unit.index,
    name: v.name,
    arn,
    type: v.type,
    encryptionKeyArn: keyArn,
    encryption: v.encryption,
    lock: v.lock
      ? {
          mode: v.lock.mode,
          min: v.lock.min_retention_days,
          max: v.lock.max_retention_days,
          lockDate: v.lock.lock_date ? t(v.lock.lock_date) : undefined,
        }
      : null,
    accessPolicy: v.access_policy ? JSON.stringify(v.access_policy) : null,
    notifications: v.notifications
      ? { snsTopicArn: v.notifications.sns_topic_arn, events: [...v.notifications.events] }
      : null,
    created: t(v.created),
    creatorRequestId: undefined,
    recoveryPoints: new IntList(),
    liveCount: 0,
    mpaApprovalTeamArn: v.mpa_approval_team_arn,
    share: vaultShare(state, a, r, v, t(v.created)),
  };
  state.vaults.push(vault);
  state.vaultByArn.set(arn, vault.index);
  unit.vaults.push(vault.index);
  unit.vaultByName.set(v.name, vault.index);
  return vault;
}

/** The vault's RAM resource share: created an hour after the vault, with every principal at once. */
function vaultShare(
  state: SimState,
  account: string,
  region: string,
  v: WorldDef["vaults"][number],
  created: number,
): VaultShare | null {
  if (v.shared_with.length === 0) return null;
  const org = state.org;
  const inOrg = (p: string) =>
    /^\d{12}$/.test(p) ? org.accounts.has(p) : p.includes(`/${org.id}/`) || p.endsWith(`/${org.id}`);
  return {
    arn: `arn:aws:ram:${region}:${account}:resource-share/${stableUuid(state.seed, "share", account, region, v.name)}`,
    created: created + 3600,
    principals: v.shared_with.map((s) => ({ id: s.principal, external: s.external ?? !inOrg(s.principal) })),
  };
}

function buildOrg(def: WorldDef, t: (s: string) => number): OrgState {
  const o = def.organization;
  const mgmt = o.management_account_id;
  const orgArn = `arn:aws:organizations::${mgmt}:organization/${o.id}`;
  const org: OrgState = {
    id: o.id,
    arn: orgArn,
    rootId: o.root_id,
    rootArn: `arn:aws:organizations::${mgmt}:root/${o.id}/${o.root_id}`,
    managementAccountId: mgmt,
    featureSet: o.feature_set,
    enabledPolicyTypes: new Set(o.enabled_policy_types),
    accounts: new Map(def.accounts.map((a) => [a.id, { ...a, joinedAt: t(a.joined) }])),
    accountOrder: def.accounts.map((a) => a.id),
    ous: new Map(
      def.organizational_units.map((ou) => [
        ou.id,
        {
          id: ou.id,
          arn: `arn:aws:organizations::${mgmt}:ou/${o.id}/${ou.id}`,
          name: ou.name,
          parentId: ou.parent_id,
          tags: ou.tags,
        },
      ]),
    ),
    ouOrder: def.organizational_units.map((ou) => ou.id),
    policies: new Map(),
    attachments: new Map(),
    effectiveUpdated: new Map(),
    effectiveText: new Map(),
    resourcePolicy: null,
  };
  if (o.resource_policy !== undefined) {
    const content = typeof o.resource_policy === "string" ? o.resource_policy : JSON.stringify(o.resource_policy);
    const parsed = parseDelegationPolicy(content);
    if ("reason" in parsed) throw new Error(`invalid world: organization.resource_policy: ${parsed.message}`);
    const id = `rp-${hex(def.seed, 8, "resource-policy")}`;
    org.resourcePolicy = {
      id,
      arn: `arn:aws:organizations::${mgmt}:resourcepolicy/${o.id}/${id}`,
      content,
      statements: parsed.statements,
      tags: [],
    };
  }
  for (const p of def.policies) {
    const content = typeof p.content === "string" ? p.content : JSON.stringify(p.content);
    org.policies.set(p.id, {
      id: p.id,
      arn: `arn:aws:organizations::${mgmt}:policy/${o.id}/backup_policy/${p.id}`,
      name: p.name,
      description: p.description,
      type: p.type,
      content,
      created: t(p.created),
      tags: [],
    });
    for (const target of p.targets) org.attachments.set(target, [...(org.attachments.get(target) ?? []), p.id]);
  }
  return org;
}
