import type { IdentityStore } from "../auth/identity";
import type { SimConfig } from "../config";
import type { SimState } from "./model";
import { accountReachable, regionDisabled, unitDetail } from "./summary";
import { ancestors } from "../org/tree";
import { kmsCalls } from "./kms";

/**
 * The fewest calls a complete inventory needs and a lower bound on its wall time, from the
 * per-bucket rate limits, the fixed latency and the sequential chains (paging, discovery before
 * AssumeRole before the unit). The call set is defined in sim/README.md ("Lower bound").
 */
const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

export function lowerBound(state: SimState, identity: IdentityStore, config: SimConfig) {
  const L = config.latency_ms / 1000;
  const burst = config.burst_seconds;
  const wait = (n: number, rate: number) => (config.throttling ? Math.max(0, n - Math.max(1, rate * burst)) / rate : 0);
  const ops: Record<string, number> = {};
  const add = (op: string, n: number) => (ops[op] = (ops[op] ?? 0) + n);
  const org = state.org;

  // Organizations (management account).
  add("organizations:DescribeOrganization", 1);
  add("organizations:ListRoots", 1);
  for (const parent of [org.rootId, ...org.ouOrder]) {
    add(
      "organizations:ListOrganizationalUnitsForParent",
      pages(org.ouOrder.filter((o) => org.ous.get(o)?.parentId === parent).length, 20),
    );
    add(
      "organizations:ListAccountsForParent",
      pages(org.accountOrder.filter((a) => org.accounts.get(a)?.parent_id === parent).length, 20),
    );
  }
  add(
    "organizations:ListDelegatedAdministrators",
    pages([...org.accounts.values()].filter((a) => a.delegated_admin_services.length).length, 20),
  );
  const policies = [...org.policies.values()].filter((p) => p.type === "BACKUP_POLICY");
  add("organizations:ListPolicies", pages(policies.length, 20));
  for (const p of policies) {
    add("organizations:DescribePolicy", 1);
    add(
      "organizations:ListTargetsForPolicy",
      pages([...org.attachments.values()].filter((ids) => ids.includes(p.id)).length, 20),
    );
  }
  // The order of several backup policies on one target (they merge in attachment order).
  for (const ids of org.attachments.values()) {
    const n = ids.filter((id) => org.policies.get(id)?.type === "BACKUP_POLICY").length;
    if (n > 1) add("organizations:ListPoliciesForTarget", pages(n, 20));
  }
  const active = org.accountOrder.filter((id) => org.accounts.get(id)?.state === "ACTIVE");
  add("organizations:DescribeEffectivePolicy", active.length);
  add("sts:AssumeRole", 1 + active.length);

  let unitBound = 0;
  let backupCalls = 0;
  let taggingCalls = 0;
  let kmsCallsTotal = 0;
  let ramCallsTotal = 0;
  for (const accountId of active) {
    const depth = ancestors(org, accountId).length - 1;
    const discovered = L * (depth + 2);
    const sessionAt = Math.max(discovered, L) + L;
    // A member role denied a read (member_role_denied_actions) is counted as any other: a unit makes
    // its independent reads side by side, so the denied one fails beside the others.
    if (!accountReachable(state, identity, config, accountId)) {
      unitBound = Math.max(unitBound, sessionAt);
      continue;
    }
    state.regions.forEach((region, ri) => {
      const perOp: Record<string, number> = {};
      const call = (op: string, n: number) => ((perOp[op] = (perOp[op] ?? 0) + n), add(`backup:${op}`, n));
      if (regionDisabled(state, config, accountId, region)) {
        // The first call fails (UnrecognizedClientException); a correct sync stops there.
        call("DescribeRegionSettings", 1);
        backupCalls += 1;
        unitBound = Math.max(unitBound, sessionAt + L);
        return;
      }
      const unit = state.unitByKey.get(`${accountId}/${region}`)!;
      const d = unitDetail(state, unit);
      const c = d.counts;
      const cyber = d.resilience;
      if (ri === 0) call("DescribeGlobalSettings", 1);
      call("ListBackupPlans", pages(c.plans, 1000));
      d.planVersions.forEach((v, k) => {
        call("GetBackupPlan", v); // the current version plus each older one
        call("ListBackupPlanVersions", pages(v, 1000));
        call("ListBackupSelections", pages(d.planSelections[k] ?? 0, 1000));
        call("GetBackupSelection", d.planSelections[k] ?? 0);
      });
      call("ListBackupVaults", pages(c.vaults, 1000));
      d.vaultRecoveryPoints.forEach((n) => {
        call("GetBackupVaultAccessPolicy", 1);
        call("GetBackupVaultNotifications", 1);
        call("ListRecoveryPointsByBackupVault", pages(n, 1000));
      });
      // Only an air-gapped vault can have an MPA approval team, and only DescribeBackupVault names it.
      if (cyber.air_gapped_vaults) call("DescribeBackupVault", cyber.air_gapped_vaults);
      call("ListProtectedResources", pages(c.protected_resources, 1000));
      call("ListBackupJobs", pages(c.backup_jobs, 1000));
      call("ListCopyJobs", pages(c.copy_jobs, 1000));
      call("ListRestoreJobs", pages(c.restore_jobs, 1000));
      call("ListScanJobs", pages(cyber.scan_jobs, 1000));
      call("ListRestoreTestingPlans", pages(c.restore_testing_plans, 1000));
      call("DescribeRegionSettings", 1);
      const tagPages = pages(c.resources, 100);
      add("tagging:GetResources", tagPages);
      taggingCalls += tagPages;
      // Who manages each vault key: after ListBackupVaults, beside the recovery points.
      const kms = kmsCalls(state, unit);
      if (kms.listAliasesPages) add("kms:ListAliases", kms.listAliasesPages);
      if (kms.describeKey) add("kms:DescribeKey", kms.describeKey);
      kmsCallsTotal += kms.listAliasesPages + kms.describeKey;
      const kmsChain = kms.listAliasesPages + (kms.describeKey > 0 ? 1 : 0);
      // Which vaults the unit shares through RAM, then (where it shares any) with whom.
      const ramResources = pages(cyber.shared_vaults, 500);
      const ramPrincipals = cyber.shared_vaults > 0 ? pages(cyber.share_principals, 500) : 0;
      add("ram:ListResources", ramResources);
      if (ramPrincipals) add("ram:ListPrincipals", ramPrincipals);
      ramCallsTotal += ramResources + ramPrincipals;
      const n = Object.values(perOp).reduce((a, b) => a + b, 0);
      backupCalls += n;
      const r = config.rates;
      const listOps = new Set([
        "ListBackupPlans",
        "ListBackupPlanVersions",
        "ListBackupSelections",
        "ListBackupVaults",
        "ListRecoveryPointsByBackupVault",
        "ListProtectedResources",
        "ListBackupJobs",
        "ListCopyJobs",
        "ListRestoreJobs",
        "ListRestoreTestingPlans",
        "ListScanJobs",
      ]);
      const rate = Math.max(
        wait(n, r.backup_all),
        ...Object.entries(perOp).map(([op, k]) => wait(k, listOps.has(op) ? r.backup_list : r.backup_get)),
      );
      const maxPlanChain = Math.max(
        0,
        ...d.planVersions.map((v, k) =>
          Math.max(
            pages(v, 1000) + (v > 1 ? 1 : 0),
            pages(d.planSelections[k] ?? 0, 1000) + ((d.planSelections[k] ?? 0) > 0 ? 1 : 0),
            1,
          ),
        ),
      );
      const chains = [
        L * (pages(c.plans, 1000) + maxPlanChain),
        L *
          (pages(c.vaults, 1000) +
            Math.max(
              kmsChain,
              cyber.air_gapped_vaults > 0 ? 1 : 0,
              ...d.vaultRecoveryPoints.map((k) => pages(k, 1000)),
            )),
        L *
          Math.max(
            pages(c.backup_jobs, 1000),
            pages(c.copy_jobs, 1000),
            pages(c.restore_jobs, 1000),
            pages(c.protected_resources, 1000),
            pages(cyber.scan_jobs, 1000),
          ),
        wait(tagPages, r.tagging) + L * tagPages,
        wait(ramResources + ramPrincipals, r.ram) + L * (ramResources + ramPrincipals),
      ];
      unitBound = Math.max(unitBound, sessionAt + Math.max(rate + L, ...chains));
    });
  }
  const orgCalls = Object.entries(ops)
    .filter(([k]) => k.startsWith("organizations:"))
    .reduce((a, [, v]) => a + v, 0);
  const stsCalls = ops["sts:AssumeRole"] ?? 0;
  const orgBound = L * 1 + wait(orgCalls, config.rates.organizations);
  const stsBound = L + wait(stsCalls, config.rates.sts);
  const minCalls = Object.values(ops).reduce((a, b) => a + b, 0);
  const lowerBoundS = Math.max(orgBound, stsBound, unitBound);
  return {
    min_calls: minCalls,
    lower_bound_s: Math.round(lowerBoundS * 1000) / 1000,
    min_calls_by_service: {
      organizations: orgCalls,
      sts: stsCalls,
      backup: backupCalls,
      tagging: taggingCalls,
      kms: kmsCallsTotal,
      ram: ramCallsTotal,
    },
    min_calls_by_operation: Object.fromEntries(Object.entries(ops).sort()),
    bounds_s: { organizations_rate: round(orgBound), sts_rate: round(stsBound), slowest_unit: round(unitBound) },
    assumptions: {
      latency_ms: config.latency_ms,
      throttling: config.throttling,
      rates: config.rates,
      burst_seconds: burst,
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
