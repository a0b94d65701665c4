import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { isUnread, listUnreadAccountAcks, type UnreadAccountAckView } from "@/lib/sync/unread-accounts";
import { bySnapshot } from "../snapshot-cache";
import {
  backupPlans,
  backupVaults,
  orgAccounts,
  orgUnits,
  recoveryPoints,
  resources,
  syncRunUnits,
  syncUnits,
} from "@/db/schema";

export interface UnitState {
  region: string;
  status: string;
  publishedAt: Date | null;
  error: string | null;
  errorKind: string | null;
  errorAt: Date | null;
  /** What a person can do about the error (from the run that failed). */
  remedy: string | null;
}

export interface AccountNode {
  accountId: string;
  name: string;
  email: string;
  state: string;
  parentId: string;
  ouPath: string[];
  units: UnitState[];
  /** No region holds data read by a sync: the account says "no data" wherever a figure would be. */
  unread: boolean;
  /** An operator's acknowledgement that it is not read (unread accounts only). */
  ack: UnreadAccountAckView | null;
}

export interface OuNode {
  ouId: string;
  name: string;
  parentId: string | null;
  path: string[];
}

export interface OrgTree {
  ous: OuNode[];
  accounts: AccountNode[];
}

/** The organization as last synced, with every (account, region) unit's freshness (kept per snapshot). */
export function getOrgTree(db: Db, tenantId: string): Promise<OrgTree> {
  return bySnapshot(db, tenantId, "org-tree", null, () => readOrgTree(db, tenantId));
}

async function readOrgTree(db: Db, tenantId: string): Promise<OrgTree> {
  const [ous, accounts, units, acks] = await Promise.all([
    db
      .select({ ouId: orgUnits.ouId, name: orgUnits.name, parentId: orgUnits.parentId, path: orgUnits.path })
      .from(orgUnits)
      .where(eq(orgUnits.tenantId, tenantId))
      .orderBy(asc(orgUnits.name)),
    db
      .select({
        accountId: orgAccounts.accountId,
        name: orgAccounts.name,
        email: orgAccounts.email,
        state: orgAccounts.state,
        parentId: orgAccounts.parentId,
        ouPath: orgAccounts.ouPath,
      })
      .from(orgAccounts)
      .where(eq(orgAccounts.tenantId, tenantId))
      .orderBy(asc(orgAccounts.name)),
    db
      .select({
        accountId: syncUnits.accountId,
        region: syncUnits.region,
        status: syncUnits.status,
        publishedAt: syncUnits.publishedAt,
        error: syncUnits.error,
        errorKind: syncUnits.errorKind,
        errorAt: syncUnits.errorAt,
        remedy: syncRunUnits.remedy,
      })
      .from(syncUnits)
      .leftJoin(
        syncRunUnits,
        and(
          eq(syncRunUnits.runId, syncUnits.lastRunId),
          eq(syncRunUnits.accountId, syncUnits.accountId),
          eq(syncRunUnits.region, syncUnits.region),
        ),
      )
      .where(and(eq(syncUnits.tenantId, tenantId), eq(syncUnits.kind, "region")))
      .orderBy(asc(syncUnits.region)),
    listUnreadAccountAcks(db, tenantId),
  ]);
  const byAccount = new Map<string, UnitState[]>();
  for (const { accountId, ...u } of units) byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), u]);
  return {
    ous,
    accounts: accounts.map((a) => {
      const own = byAccount.get(a.accountId) ?? [];
      const unread = isUnread(own);
      return { ...a, units: own, unread, ack: unread ? (acks.get(a.accountId) ?? null) : null };
    }),
  };
}

export interface AccountDetail {
  account: AccountNode;
  ouNames: string[];
  counts: { plans: number; orgPlans: number; vaults: number; recoveryPoints: number; resources: number };
}

export async function getAccountDetail(db: Db, tenantId: string, accountId: string): Promise<AccountDetail | null> {
  const tree = await getOrgTree(db, tenantId);
  const account = tree.accounts.find((a) => a.accountId === accountId);
  if (!account) return null;
  const names = new Map(tree.ous.map((o) => [o.ouId, o.name]));
  const scope = (t: { tenantId: AnyPgColumn; accountId: AnyPgColumn }) =>
    and(eq(t.tenantId, tenantId), eq(t.accountId, accountId));
  const [plans, orgPlans, vaults, rps, res] = await Promise.all([
    db.$count(backupPlans, scope(backupPlans)),
    db.$count(backupPlans, and(scope(backupPlans), eq(backupPlans.orgManaged, true))),
    db.$count(backupVaults, scope(backupVaults)),
    db.$count(recoveryPoints, scope(recoveryPoints)),
    db.$count(resources, scope(resources)),
  ]);
  return {
    account,
    ouNames: account.ouPath.map((id) => names.get(id) ?? id),
    counts: { plans, orgPlans, vaults, recoveryPoints: rps, resources: res },
  };
}

/** Freshness of one account: the worst of its regions (failed > never > stale > ok). */
export function accountFreshness(units: UnitState[]): { tone: "green" | "amber" | "red" | "gray"; label: string } {
  if (units.length === 0) return { tone: "gray", label: "Not synced" };
  if (units.every((u) => u.status === "skipped"))
    return {
      tone: "gray",
      label: units[0]?.errorKind === "account_suspended" ? "No data: suspended, skipped" : "No data: skipped",
    };
  const failed = units.filter((u) => u.status === "failed");
  if (isUnread(units)) return { tone: "red", label: "No data: never read" };
  if (failed.some((u) => !u.publishedAt)) return { tone: "red", label: "Never read in some regions" };
  if (failed.length) return { tone: "amber", label: `Stale in ${failed.length} region${failed.length > 1 ? "s" : ""}` };
  return { tone: "green", label: "Fresh" };
}
