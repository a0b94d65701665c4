// Everything the controls look up, indexed once per snapshot: O(n) to build, O(1) to query.
import type { Account, BackupPlan, BackupVault, RegionSettings, Resource, UnitFreshness } from "@/lib/inventory/types";
import type { Evidence, Facts } from "@/lib/compliance/model/finding";
import { SelectionIndex, type ResourceSelectionResult } from "@/lib/compliance/matching/selection-matcher";
import { buildSnapshotFacts, type SnapshotFacts } from "@/lib/compliance/facts/resource-facts";
import type { EvaluationOptions, TenantSnapshot } from "./snapshot";

const READ: Facts = { read: true };

/** A unit's read as Facts: read completely and fresh, or why not (lib/compliance/controls/control.ts `judge`). */
export type UnitState = Facts;

const DAY_MS = 86_400_000;

export interface EvaluationContext {
  readonly now: Date;
  readonly snapshot: TenantSnapshot;
  readonly facts: SnapshotFacts;
  readonly selections: SelectionIndex;
  account(accountId: string): Account | undefined;
  ouPath(accountId: string): readonly string[];
  unitState(accountId: string, region: string): UnitState;
  regionSettings(accountId: string, region: string): RegionSettings | null;
  plansIn(accountId: string, region: string): readonly BackupPlan[];
  vaultsIn(accountId: string, region: string): readonly BackupVault[];
  vaultByName(accountId: string, region: string, name: string): BackupVault | undefined;
  vaultByArn(arn: string): BackupVault | undefined;
  resourceByArn(arn: string): Resource | undefined;
  resourcesIn(accountId: string, region: string): readonly Resource[];
  /** Selection result per resource, computed on first use and kept (BK-01, 06, 07, 08 share it). */
  selectionsFor(resource: Resource): ResourceSelectionResult;
  /** Drops per-resource caches (the streamed evaluation calls it after each account). */
  releaseCaches(): void;
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function buildEvaluationContext(
  snapshot: TenantSnapshot,
  options: EvaluationOptions & { jobLookbackDays: number },
): EvaluationContext {
  const now = options.now;
  const maxAgeMs = (options.maxDataAgeHours ?? 48) * 3_600_000;
  const accounts = new Map(snapshot.accounts.map((a) => [a.accountId, a]));
  const units = new Map(snapshot.units.map((u) => [`${u.accountId}|${u.region}`, u]));
  const regionSettings = new Map(snapshot.regionSettings.map((r) => [`${r.accountId}|${r.region}`, r]));
  const plansByUnit = new Map<string, BackupPlan[]>();
  for (const p of snapshot.plans) pushTo(plansByUnit, `${p.accountId}|${p.region}`, p);
  const vaultsByUnit = new Map<string, BackupVault[]>();
  const vaultsByName = new Map<string, BackupVault>();
  const vaultsByArn = new Map<string, BackupVault>();
  for (const v of snapshot.vaults) {
    pushTo(vaultsByUnit, `${v.accountId}|${v.region}`, v);
    vaultsByName.set(`${v.accountId}|${v.region}|${v.vaultName}`, v);
    vaultsByArn.set(v.vaultArn, v);
  }
  const resourcesByArn = new Map<string, Resource>();
  const resourcesByUnit = new Map<string, Resource[]>();
  for (const r of snapshot.resources) {
    resourcesByArn.set(r.resourceArn, r);
    pushTo(resourcesByUnit, `${r.accountId}|${r.region}`, r);
  }
  const selections = new SelectionIndex(snapshot.plans);
  const facts =
    options.facts ?? buildSnapshotFacts(snapshot, new Date(now.getTime() - options.jobLookbackDays * DAY_MS));
  const selectionCache = new Map<string, ResourceSelectionResult>();
  const stateCache = new Map<string, UnitState>();
  // Recovery points arrive grouped by unit: a one-entry cache saves most key building.
  let lastUnit: { accountId: string; region: string; state: UnitState } | null = null;

  function computeUnitState(accountId: string, region: string): UnitState {
    const u: UnitFreshness | undefined = units.get(`${accountId}|${region}`);
    const evidence = (details: Evidence["details"]): Evidence => ({
      kind: "unit",
      id: `${accountId}/${region}`,
      details,
    });
    if (!u) {
      return {
        read: false,
        skipped: false,
        reason: `account ${accountId} in ${region} has never been synced`,
        evidence: [evidence({ status: "unknown" })],
      };
    }
    if (u.status === "skipped") {
      return {
        read: false,
        skipped: true,
        reason: `${region} is not enabled for account ${accountId} (sync skipped)`,
        evidence: [evidence({ status: u.status })],
      };
    }
    const details = {
      status: u.status,
      publishedAt: u.publishedAt?.toISOString() ?? null,
      error: u.error,
      errorAt: u.errorAt?.toISOString() ?? null,
    };
    if (!u.publishedAt) {
      return {
        read: false,
        skipped: false,
        reason: `no data for account ${accountId} in ${region}: ${u.error ?? "never read successfully"}`,
        evidence: [evidence(details)],
      };
    }
    if (u.error || u.status === "failed") {
      return {
        read: false,
        skipped: false,
        reason: `data for account ${accountId} in ${region} is stale: last sync failed (${u.error ?? "unknown error"})`,
        evidence: [evidence(details)],
      };
    }
    if (now.getTime() - u.publishedAt.getTime() > maxAgeMs) {
      return {
        read: false,
        skipped: false,
        reason: `data for account ${accountId} in ${region} is stale: read ${u.publishedAt.toISOString()}`,
        evidence: [evidence(details)],
      };
    }
    return READ;
  }

  return {
    now,
    snapshot,
    facts,
    selections,
    account: (id) => accounts.get(id),
    ouPath: (id) => accounts.get(id)?.ouPath ?? [],
    unitState(accountId, region) {
      if (lastUnit && lastUnit.accountId === accountId && lastUnit.region === region) return lastUnit.state;
      const key = `${accountId}|${region}`;
      let s = stateCache.get(key);
      if (!s) stateCache.set(key, (s = computeUnitState(accountId, region)));
      lastUnit = { accountId, region, state: s };
      return s;
    },
    regionSettings: (a, r) => regionSettings.get(`${a}|${r}`) ?? null,
    plansIn: (a, r) => plansByUnit.get(`${a}|${r}`) ?? [],
    vaultsIn: (a, r) => vaultsByUnit.get(`${a}|${r}`) ?? [],
    vaultByName: (a, r, n) => vaultsByName.get(`${a}|${r}|${n}`),
    vaultByArn: (arn) => vaultsByArn.get(arn),
    resourceByArn: (arn) => resourcesByArn.get(arn),
    resourcesIn: (a, r) => resourcesByUnit.get(`${a}|${r}`) ?? [],
    releaseCaches() {
      selectionCache.clear();
    },
    selectionsFor(resource) {
      let s = selectionCache.get(resource.resourceArn);
      if (!s) {
        s = selections.matchResource(resource, regionSettings.get(`${resource.accountId}|${resource.region}`) ?? null);
        selectionCache.set(resource.resourceArn, s);
      }
      return s;
    },
  };
}
