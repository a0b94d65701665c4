import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countsByUnit, fingerprint, simCountsByUnit, startHarness, type Harness } from "./harness";

// Under injected faults nothing is lost or duplicated; units that cannot be read keep their last
// good data, marked stale with the right error; a later clean sync heals them.

let h: Harness;
let clean: Map<string, Record<string, number>>;
let cleanPrint: string;
beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
  const first = await h.sync();
  expect(first.status).toBe("partial");
  clean = await countsByUnit(h.db, h.tenantId);
  cleanPrint = await fingerprint(h.db, h.tenantId);
});
afterAll(() => h?.close());

const unitRow = async (accountId: string, region: string) =>
  (
    await h.db.pool.query(
      `select status, error, error_kind, error_at, published_at from sync_units where tenant_id = $1 and account_id = $2 and region = $3`,
      [h.tenantId, accountId, region],
    )
  ).rows[0]!;

describe("a sync under faults", () => {
  it("rides out throttling storms and a share of 500s without losing or duplicating anything", async () => {
    // Far below AWS's quotas (and ours), so the simulator throttles: SDK retries with backoff,
    // our buckets halve their rate, and units that stay throttled are re-queued.
    h.sim.configure({
      rates: { backup_list: 3, backup_get: 2, backup_all: 6, tagging: 3, organizations: 5, sts: 8 },
      burst_seconds: 0.5,
      error_rate: 0.05,
    });
    h.sim.resetStats();
    try {
      const run = await h.sync(120_000);
      expect(run.status).toBe("partial");
      const stats = h.sim.stats();
      expect(stats.throttled.total).toBeGreaterThan(0);
      expect(stats.errors.injected_faults).toBeGreaterThan(0);
      expect(run.failed).toBe(
        h.world.accounts.filter((a) => a.state === "ACTIVE" && !a.readable).length * h.world.regions.length,
      );
    } finally {
      h.sim.configure({
        rates: { backup_list: 20, backup_get: 15, backup_all: 50, tagging: 20, organizations: 20, sts: 50 },
        burst_seconds: 1,
        error_rate: 0,
      });
    }
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(clean);
    expect(await fingerprint(h.db, h.tenantId)).toBe(cleanPrint);
  });

  it("keeps the last good data of units it cannot read, stale with the reason, and heals them later", async () => {
    // Not the management account: denying AssumeRole there denies the management role too.
    const denied = h.world.by_unit.find(
      (u) => u.reachable && u.account_id !== h.world.management_account_id,
    )!.account_id;
    const disabled = h.world.by_unit.find(
      (u) => u.reachable && u.account_id !== denied && u.region === "eu-west-1",
    )!.account_id;
    const before = await unitRow(denied, "us-east-1");
    const beforeEu = await unitRow(denied, "eu-west-1");
    expect(before.status).toBe("ok");
    h.sim.configure({ assume_role_denied: [denied], disabled_regions: [`${disabled}:eu-west-1`] });
    try {
      const run = await h.sync();
      expect(run.status).toBe("partial");
    } finally {
      h.sim.configure({ assume_role_denied: [], disabled_regions: [] });
    }
    for (const region of h.world.regions) {
      const row = await unitRow(denied, region);
      expect(row.status).toBe("failed");
      expect(row.error).toBe(
        `cannot assume arn:aws:iam::${denied}:role/${h.world.member_role_name}: the role's trust policy or ExternalId does not admit this product`,
      );
      expect(row.error_kind).toBe("assume_denied");
      expect(row.error_at).toBeInstanceOf(Date);
      expect(row.published_at).toEqual((region === "us-east-1" ? before : beforeEu).published_at); // the data shown is the last good read
    }
    const off = await unitRow(disabled, "eu-west-1");
    expect(off).toMatchObject({ status: "skipped", error: "region not enabled", error_kind: "region_disabled" });
    // Nothing of theirs was deleted: the stale data is still all there.
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(clean);

    const healed = await h.sync();
    expect(healed.status).toBe("partial");
    for (const [a, r] of [
      [denied, "us-east-1"],
      [denied, "eu-west-1"],
      [disabled, "eu-west-1"],
    ] as const) {
      const row = await unitRow(a, r);
      expect(row.status).toBe("ok");
      expect(row.error).toBeNull();
      expect((row.published_at as Date).getTime()).toBeGreaterThan((before.published_at as Date).getTime());
    }
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(simCountsByUnit(h.world));
  });

  it("gives up on a unit throttled past its budget with a message that says it will retry", async () => {
    // A separate worker with a tiny budget and few SDK attempts, so the test takes seconds.
    await h.stopWorker();
    const { startSyncWorker } = await import("@/lib/sync/worker");
    const worker = await startSyncWorker({
      pool: h.db.pool,
      databaseUrl: h.db.url,
      aws: { ...h.aws, maxAttempts: 2 },
      settings: { heartbeatSeconds: 1, staleSeconds: 4, throttleBudgetMinutes: 0.05 },
      schedule: false,
    });
    const victim = h.world.by_unit.find((u) => u.reachable && u.region === "us-east-1")!.account_id;
    h.sim.configure({ rates: { backup_get: 0.05, backup_list: 0.05, backup_all: 0.05 }, burst_seconds: 1 });
    try {
      await h.sync(120_000);
    } finally {
      h.sim.configure({ rates: { backup_get: 15, backup_list: 20, backup_all: 50 } });
      await worker.stop(1000);
      await h.startWorker();
    }
    const row = await unitRow(victim, "us-east-1");
    expect(row.status).toBe("failed");
    expect(row.error_kind).toBe("throttled");
    expect(row.error).toMatch(/^throttled for \d+ minutes?: will retry at the next sync$/);
    const healed = await h.sync();
    expect(healed.failed).toBe(
      h.world.accounts.filter((a) => a.state === "ACTIVE" && !a.readable).length * h.world.regions.length,
    );
    expect((await unitRow(victim, "us-east-1")).status).toBe("ok");
  });

  it("publishes every unit when the member role lacks the KMS reads; each vault key says why it was not read", async () => {
    // A StackSet deployed before the product read KMS: kms:DescribeKey and kms:ListAliases denied.
    h.sim.configure({ operation_faults: { "kms:DescribeKey": "access_denied", "kms:ListAliases": "access_denied" } });
    try {
      const run = await h.sync();
      expect(run.status).toBe("partial");
      expect(run.failed).toBe(
        h.world.accounts.filter((a) => a.state === "ACTIVE" && !a.readable).length * h.world.regions.length,
      );
    } finally {
      h.sim.configure({ operation_faults: {} });
    }
    const keys = await h.db.pool.query(
      `select distinct key_manager_outcome as outcome, key_manager_detail as detail from backup_vaults where tenant_id = $1 and encryption_key_type is distinct from 'AWS_OWNED_KMS_KEY'`,
      [h.tenantId],
    );
    expect(keys.rows).toEqual([
      { outcome: "unreadable", detail: "AccessDeniedException: You don't have permissions to access this resource." },
    ]);
    expect(await countsByUnit(h.db, h.tenantId)).toEqual(clean);
    await h.sync();
    expect(await fingerprint(h.db, h.tenantId)).toBe(cleanPrint);
  });
  it("publishes every unit when the member role lacks the RAM reads; each vault says its shares are unknown", async () => {
    // A role deployed before the product read AWS RAM: ram:ListResources denied. Between full
    // passes AWS RAM is not asked (no vault is new): the stored shares stand.
    h.sim.configure({ operation_faults: { "ram:ListResources": "access_denied" } });
    const storedShares = await h.db.pool.query(
      `select count(*)::int as n from backup_vault_shares where tenant_id = $1`,
      [h.tenantId],
    );
    expect(storedShares.rows[0].n).toBeGreaterThan(0);
    try {
      // Only units never published (the world's unit that always fails later on) read in full.
      const neverPublished = await h.db.pool.query(
        `select count(*)::int as n from sync_units where tenant_id = $1 and kind = 'region' and published_at is null and status = 'failed'`,
        [h.tenantId],
      );
      h.sim.resetStats();
      await h.sync();
      expect(h.sim.stats().calls.by_operation["ram:ListResources"] ?? 0).toBeLessThanOrEqual(neverPublished.rows[0].n);
      expect(await fingerprint(h.db, h.tenantId)).toBe(cleanPrint);
      // The full pass asks, and records the refusal.
      await h.stopWorker();
      await h.startWorker({ recoveryPointsFullEveryHours: 0 });
      const run = await h.sync();
      expect(run.failed).toBe(
        h.world.accounts.filter((a) => a.state === "ACTIVE" && !a.readable).length * h.world.regions.length,
      );
    } finally {
      h.sim.configure({ operation_faults: {} });
    }
    const vaults = await h.db.pool.query(
      `select count(*)::int as n, count(shares_unreadable)::int as unread, min(shares_unreadable) as reason from backup_vaults where tenant_id = $1`,
      [h.tenantId],
    );
    expect(vaults.rows[0].unread).toBe(vaults.rows[0].n);
    expect(vaults.rows[0].reason).toMatch(
      /^AWS RAM refused the member role \(AccessDeniedException: .+\); allow ram:ListResources and ram:ListPrincipals$/,
    );
    const shares = await h.db.pool.query(`select count(*)::int as n from backup_vault_shares where tenant_id = $1`, [
      h.tenantId,
    ]);
    expect(shares.rows[0].n).toBe(0);
    await h.sync();
    await h.stopWorker();
    await h.startWorker();
    expect(await fingerprint(h.db, h.tenantId)).toBe(cleanPrint);
    const healed = await h.db.pool.query(
      `select count(shares_unreadable)::int as unread from backup_vaults where tenant_id = $1`,
      [h.tenantId],
    );
    expect(healed.rows[0].unread).toBe(0);
  });
});
