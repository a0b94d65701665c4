import { createHash } from "node:crypto";
import type { DbHandle } from "@/db";
import { waitForRunEnd, type RunProgress } from "@/db/queries/sync";
import type { AwsSettings } from "@/lib/aws/client-factory";
import type { SyncSettings } from "@/lib/sync/context";
import { requestSync } from "@/lib/sync/request";
import { startSyncWorker, type SyncWorker } from "@/lib/sync/worker";
import { stateDigest as digestOf } from "@/lib/sync/state-digest";
import { startSimulator, type SimHandle, type StartOptions, type WorldSummary } from "@/sim/server";
import { isolatedDb } from "../../helpers/db";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

// A simulator (real HTTP, real SigV4, the unmodified SDK), a database of its own (pg-boss makes
// its schema there) and an in-process sync worker with short heartbeats.

export interface Harness {
  sim: SimHandle;
  world: WorldSummary;
  db: DbHandle & { url: string; drop(): Promise<void> };
  tenantId: string;
  aws: AwsSettings;
  worker: SyncWorker | null;
  startWorker(settings?: Partial<SyncSettings>): Promise<SyncWorker>;
  stopWorker(): Promise<void>;
  /** Asks for a sync and waits for its end. */
  sync(timeoutMs?: number): Promise<RunProgress>;
  close(): Promise<void>;
}

export const FAST: Partial<SyncSettings> = { heartbeatSeconds: 1, staleSeconds: 4, unitConcurrency: 32 };

export async function startHarness(
  options: {
    world?: StartOptions["world"];
    config?: StartOptions["config"];
    /** The world's start (epoch seconds); the suite's pinned hour by default. */
    now?: number;
    tenant?: Partial<{
      managementAccountId: string;
      managementRoleArn: string;
      externalId: string;
      memberRoleName: string;
      regions: string[];
    }>;
  } = {},
): Promise<Harness> {
  const sim = await startSimulator({
    world: options.world ?? "demo",
    port: 0,
    config: options.config,
    now: options.now ?? TEST_WORLD_NOW,
  });
  const world = sim.summary();
  const db = await isolatedDb();
  const t = {
    managementAccountId: world.management_account_id,
    managementRoleArn: world.management_role_arn,
    externalId: world.external_id,
    memberRoleName: world.member_role_name,
    regions: [...world.regions],
    ...options.tenant,
  };
  const res = await db.pool.query(
    `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ('demo', 'demo', $1, $2, $3, $4, $5) returning id`,
    [t.managementAccountId, t.managementRoleArn, t.externalId, t.memberRoleName, t.regions],
  );
  const aws: AwsSettings = {
    endpoint: sim.url,
    region: "us-east-1",
    baseCredentials: { accessKeyId: world.principal.access_key_id, secretAccessKey: world.principal.secret_access_key },
  };
  const h: Harness = {
    sim,
    world,
    db,
    tenantId: res.rows[0]!.id as string,
    aws,
    worker: null,
    async startWorker(settings = {}) {
      h.worker = await startSyncWorker({
        pool: db.pool,
        databaseUrl: db.url,
        aws,
        settings: { ...FAST, ...settings },
        schedule: false,
      });
      return h.worker;
    },
    async stopWorker() {
      await h.worker?.stop(1000);
      h.worker = null;
    },
    async sync(timeoutMs = 60_000) {
      const req = await requestSync(db.db, { tenantId: h.tenantId, trigger: "cli" });
      if (!req) throw new Error("no run");
      return waitForRun(db, h.tenantId, req.runId, timeoutMs);
    },
    async close() {
      await h.stopWorker();
      await sim.stop();
      await db.drop();
    },
  };
  return h;
}

export function waitForRun(db: DbHandle, tenantId: string, runId: string, timeoutMs = 60_000): Promise<RunProgress> {
  return waitForRunEnd(db.db, { tenantId, runId, timeoutMs, pollMs: 200 });
}

/** Counts of current inventory per (account, region), with the simulator's entity names. */
export async function countsByUnit(db: DbHandle, tenantId: string): Promise<Map<string, Record<string, number>>> {
  const tables: Array<[string, string]> = [
    ["plans", "backup_plans"],
    ["plan_versions", "backup_plan_versions"],
    ["selections", "backup_selections"],
    ["vaults", "backup_vaults"],
    ["recovery_points", "recovery_points"],
    ["resources", "resources"],
    ["protected_resources", "protected_resources"],
    ["backup_jobs", "backup_jobs"],
    ["copy_jobs", "copy_jobs"],
    ["restore_jobs", "restore_jobs"],
    ["restore_testing_plans", "restore_testing_plans"],
  ];
  const out = new Map<string, Record<string, number>>();
  const bump = (k: string, name: string, n: number) => {
    const rec = out.get(k) ?? {};
    rec[name] = (rec[name] ?? 0) + n;
    out.set(k, rec);
  };
  for (const [name, table] of tables) {
    const r = await db.pool.query(
      `select account_id, region, count(*)::int as n from ${table} where tenant_id = $1 group by 1, 2`,
      [tenantId],
    );
    for (const row of r.rows) bump(`${row.account_id}/${row.region}`, name, row.n as number);
  }
  const rules = await db.pool.query(
    `select r.account_id, r.region, count(*)::int as n from backup_rules r join backup_plans p using (tenant_id, account_id, region, plan_id, version_id) where r.tenant_id = $1 group by 1, 2`,
    [tenantId],
  );
  for (const row of rules.rows) bump(`${row.account_id}/${row.region}`, "rules", row.n as number);
  return out;
}

/** A hash of every inventory row of the tenant (what "a second sync changes nothing" compares). */
export async function fingerprint(db: DbHandle, tenantId: string): Promise<string> {
  const h = createHash("sha256");
  for (const table of [
    "org_organizations",
    "org_units",
    "org_accounts",
    "org_delegated_admins",
    "org_policies",
    "org_effective_policies",
    "backup_plans",
    "backup_plan_versions",
    "backup_rules",
    "backup_selections",
    "backup_vaults",
    "backup_vault_shares",
    "recovery_points",
    "protected_resources",
    "resources",
    "backup_jobs",
    "copy_jobs",
    "restore_jobs",
    "scan_jobs",
    "restore_testing_plans",
    "region_settings",
    "global_settings",
  ]) {
    const r = await db.pool.query(
      `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h, count(*)::int as n from ${table} t where tenant_id = $1`,
      [tenantId],
    );
    h.update(`${table}:${r.rows[0]!.n as number}:${r.rows[0]!.h as string}\n`);
  }
  return h.digest("hex");
}

/** What the simulator says a complete inventory holds, per reachable unit. */
export function simCountsByUnit(world: WorldSummary): Map<string, Record<string, number>> {
  // Zeros dropped, as countsByUnit has no row to count for them (nor a unit for an empty one).
  return new Map(
    world.by_unit
      .filter((u) => u.reachable && Object.values(u.counts).some((n) => n > 0))
      .map((u) => [
        `${u.account_id}/${u.region}`,
        Object.fromEntries(Object.entries(u.counts).filter(([, n]) => n > 0)),
      ]),
  );
}

/** The resync tests' state: the tables of lib/sync/state-digest.ts, job history from `jobsSince`. */
export const stateDigest = (db: { pool: Parameters<typeof digestOf>[0] }, tenantId: string, jobsSince: Date) =>
  digestOf(db.pool, tenantId, jobsSince);

/** A second tenant on the same organization (a fresh full sync to compare a resync with). */
export async function addTenant(h: Harness, name: string): Promise<string> {
  const t = await h.db.pool.query(
    `select management_account_id, management_role_arn, external_id, member_role_name, regions from tenants where id = $1`,
    [h.tenantId],
  );
  const r = t.rows[0]!;
  const res = await h.db.pool.query(
    `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ($1, $1, $2, $3, $4, $5, $6) returning id`,
    [name, r.management_account_id, r.management_role_arn, r.external_id, r.member_role_name, r.regions],
  );
  return res.rows[0]!.id as string;
}

export async function syncTenant(
  h: Harness,
  tenantId: string,
  timeoutMs = 60_000,
  trigger: "cli" | "manual" = "cli",
): Promise<RunProgress> {
  const req = await requestSync(h.db.db, { tenantId, trigger });
  if (!req) throw new Error("no run");
  return waitForRun(h.db, tenantId, req.runId, timeoutMs);
}
