import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as STS from "@aws-sdk/client-sts";
import * as O from "@aws-sdk/client-organizations";
import * as B from "@aws-sdk/client-backup";
import * as T from "@aws-sdk/client-resource-groups-tagging-api";
import { startSimulator, type SimHandle } from "@/sim/server";
import {
  backupClient,
  managementCreds,
  memberCreds,
  orgClient,
  stsClient,
  taggingClient,
  type Creds,
} from "./sim-clients";
import { referenceInventory } from "./reference-inventory";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";

/** Call accounting, the lower bound, throttling at AWS's rates, latency and fault injection. */
let sim: SimHandle;
let mgmt: Creds;
const account = (name: string) => sim.summary().accounts.find((a) => a.name === name)!.account_id;

beforeAll(async () => {
  sim = await startSimulator({ world: "demo", port: 0, now: TEST_WORLD_NOW, config: { throttling: false } });
  mgmt = await managementCreds(sim);
});
afterAll(() => sim.stop());

const settle = async (calls: Promise<unknown>[]) =>
  (await Promise.allSettled(calls)).map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as Error).name));
const tally = (names: string[]) => names.reduce<Record<string, number>>((t, n) => ((t[n] = (t[n] ?? 0) + 1), t), {});

describe("the lower bound", () => {
  it("equals, call for call, a complete inventory made the defined way", async () => {
    sim.resetStats();
    const counts = await referenceInventory(sim);
    const stats = sim.stats();
    expect(stats.calls.total).toBe(stats.lower_bound.min_calls);
    expect(stats.calls.by_operation).toEqual(stats.lower_bound.min_calls_by_operation);
    for (const u of sim.summary().by_unit.filter((x) => x.reachable)) {
      const c = counts.get(`${u.account_id}/${u.region}`)!;
      const world: Record<string, number> = { ...u.counts, ...u.resilience };
      for (const [k, v] of Object.entries(c))
        expect([u.account_id, u.region, k, v]).toEqual([u.account_id, u.region, k, world[k]]);
    }
    // The demo has each cyber-resilience call in it.
    for (const op of ["backup:ListScanJobs", "backup:DescribeBackupVault", "ram:ListResources", "ram:ListPrincipals"])
      expect(stats.lower_bound.min_calls_by_operation[op], op).toBeGreaterThan(0);
    expect(stats.lower_bound.min_calls_by_service.ram).toBe(
      stats.lower_bound.min_calls_by_operation["ram:ListResources"]! +
        stats.lower_bound.min_calls_by_operation["ram:ListPrincipals"]!,
    );
  }, 60_000);

  it("grows with latency and with slower Organizations rates", () => {
    const fast = sim.stats().lower_bound.lower_bound_s;
    sim.configure({ latency_ms: 25, throttling: true });
    const slow = sim.stats().lower_bound;
    expect(slow.lower_bound_s).toBeGreaterThan(fast);
    sim.configure({ rates: { organizations: 1 } });
    expect(sim.stats().lower_bound.lower_bound_s).toBeGreaterThan(slow.lower_bound_s);
    expect(sim.stats().lower_bound.bounds_s.organizations_rate).toBeCloseTo(
      0.025 + (sim.stats().lower_bound.min_calls_by_service.organizations - 1),
      1,
    );
    sim.configure({ latency_ms: 0, throttling: false, rates: { organizations: 20 } });
  });
});

describe("throttling", () => {
  it("limits each (account, region) at AWS's Backup rates, with ThrottlingException", async () => {
    sim.configure({ throttling: true });
    sim.resetStats();
    const payments = backupClient(sim, await memberCreds(sim, mgmt, account("Prod Payments")));
    const web = backupClient(sim, await memberCreds(sim, mgmt, account("Prod Web")));
    const a = tally(await settle(Array.from({ length: 40 }, () => payments.send(new B.ListBackupPlansCommand({})))));
    const b = tally(await settle(Array.from({ length: 10 }, () => web.send(new B.ListBackupPlansCommand({})))));
    expect(a.ok).toBeGreaterThanOrEqual(20);
    expect(a.ok).toBeLessThan(25);
    expect(a.ThrottlingException).toBe(40 - a.ok!);
    expect(b).toEqual({ ok: 10 });
    const gets = tally(
      await settle(Array.from({ length: 30 }, () => web.send(new B.DescribeRegionSettingsCommand({})))),
    );
    expect(gets.ok).toBeLessThan(20); // Get/Describe: 15 per second
    expect(sim.stats().throttled.total).toBe((a.ThrottlingException ?? 0) + (gets.ThrottlingException ?? 0));
  });

  it("answers with each protocol's throttling error, which the SDK retries", async () => {
    sim.configure({ throttling: true, rates: { organizations: 2, sts: 2, tagging: 2 } });
    const org = orgClient(sim, mgmt);
    expect(
      tally(await settle(Array.from({ length: 6 }, () => org.send(new O.DescribeOrganizationCommand({}))))),
    ).toMatchObject({ TooManyRequestsException: 4 });
    const sts = stsClient(sim, mgmt);
    expect(
      tally(await settle(Array.from({ length: 6 }, () => sts.send(new STS.GetCallerIdentityCommand({}))))),
    ).toMatchObject({ Throttling: 4 });
    const tag = taggingClient(sim, await memberCreds(sim, mgmt, account("Prod Data")).catch(() => mgmt));
    await new Promise((r) => setTimeout(r, 1100));
    expect(tally(await settle(Array.from({ length: 6 }, () => tag.send(new T.GetResourcesCommand({})))))).toMatchObject(
      { ThrottledException: 4 },
    );
    const retrying = new O.OrganizationsClient({
      endpoint: sim.url,
      region: "us-east-1",
      credentials: mgmt,
      maxAttempts: 5,
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      tally(await settle(Array.from({ length: 4 }, () => retrying.send(new O.DescribeOrganizationCommand({}))))),
    ).toEqual({ ok: 4 });
    sim.configure({ throttling: false, rates: { organizations: 20, sts: 50, tagging: 20 } });
  }, 30_000);
});

describe("latency and faults", () => {
  it("injects latency", async () => {
    sim.configure({ latency_ms: 120, jitter_ms: 30 });
    const t0 = performance.now();
    await orgClient(sim, mgmt).send(new O.DescribeOrganizationCommand({}));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
    sim.configure({ latency_ms: 0, jitter_ms: 0 });
  });

  it("injects 500s with each service's error", async () => {
    sim.configure({ error_rate: 1 });
    const b = backupClient(sim, await memberCreds(sim, mgmt, account("Prod Web")).catch(() => mgmt));
    await expect(b.send(new B.ListBackupPlansCommand({}))).rejects.toMatchObject({
      name: "ServiceUnavailableException",
      $metadata: { httpStatusCode: 500 },
    });
    await expect(orgClient(sim, mgmt).send(new O.ListRootsCommand({}))).rejects.toMatchObject({
      name: "ServiceException",
      $metadata: { httpStatusCode: 500 },
    });
    await expect(stsClient(sim, mgmt).send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InternalFailure",
      $metadata: { httpStatusCode: 500 },
    });
    sim.configure({ error_rate: 0 });
    expect(sim.stats().errors.injected_faults).toBeGreaterThanOrEqual(3);
  });

  it("denies AssumeRole for listed accounts and fails calls in regions not enabled", async () => {
    const web = account("Prod Web");
    const before = sim.summary().counts.plans;
    sim.configure({ assume_role_denied: [web] });
    await expect(memberCreds(sim, mgmt, web)).rejects.toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
    expect(sim.summary().accounts.find((a) => a.account_id === web)?.assumable).toBe(false);
    expect(sim.summary().counts.plans).toBeLessThan(before);
    sim.configure({ assume_role_denied: [], disabled_regions: [`${account("Prod Data")}:eu-west-1`] });
    const creds = await memberCreds(sim, mgmt, account("Prod Data"));
    await expect(backupClient(sim, creds, "eu-west-1").send(new B.ListBackupPlansCommand({}))).rejects.toMatchObject({
      name: "UnrecognizedClientException",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(stsClient(sim, creds, "eu-west-1").send(new STS.GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
    });
    expect(
      (await backupClient(sim, creds, "us-east-1").send(new B.ListBackupPlansCommand({}))).BackupPlansList?.length,
    ).toBeGreaterThan(0);
    sim.configure({ disabled_regions: [] });
  });
});

describe("admin endpoints", () => {
  it("serve the world, stats, config and the clock over HTTP", async () => {
    const get = async (p: string) => (await fetch(`${sim.url}${p}`)).json() as Promise<Record<string, unknown>>;
    const post = (p: string, body: unknown) =>
      fetch(`${sim.url}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect(await get("/_sim/world")).toEqual(JSON.parse(JSON.stringify(sim.summary())));
    expect((await get("/_sim/stats")).lower_bound).toMatchObject({
      min_calls: expect.any(Number),
      lower_bound_s: expect.any(Number),
    });
    expect((await post("/_sim/stats/reset", {})).status).toBe(200);
    expect(((await get("/_sim/stats")).calls as { total: number }).total).toBe(0);
    const bad = await post("/_sim/config", { latency_ms: -5 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/latency_ms/);
    expect(((await (await post("/_sim/config", { jitter_ms: 1 })).json()) as { jitter_ms: number }).jitter_ms).toBe(1);
    const before = Date.parse(sim.summary().now);
    const adv = (await (await post("/_sim/advance", { hours: 2 })).json()) as { now: string };
    expect(Date.parse(adv.now) - before).toBe(2 * 3600 * 1000);
    expect((await post("/_sim/advance", { hours: "x" })).status).toBe(400);
  });
});

describe("empty pages", () => {
  it("Organizations may answer an empty page with a NextToken, and paginators still see everything", async () => {
    sim.configure({ empty_page_rate: 0.5 });
    let empty = 0;
    let accounts = 0;
    for await (const p of O.paginateListAccounts({ client: orgClient(sim, mgmt), pageSize: 1 }, {})) {
      if ((p.Accounts ?? []).length === 0 && p.NextToken) empty++;
      accounts += p.Accounts?.length ?? 0;
    }
    sim.configure({ empty_page_rate: 0 });
    expect(accounts).toBe(sim.summary().counts.accounts);
    expect(empty).toBeGreaterThan(0);
  });
});

describe("after the clock moves", () => {
  it("a complete inventory still makes exactly min_calls and sees the summary's counts", async () => {
    sim.configure({ throttling: false, latency_ms: 0, jitter_ms: 0, error_rate: 0, empty_page_rate: 0 });
    sim.advance(45 * 24);
    sim.resetStats();
    const counts = await referenceInventory(sim);
    const stats = sim.stats();
    expect(stats.calls.by_operation).toEqual(stats.lower_bound.min_calls_by_operation);
    const u = sim.summary().by_unit.find((x) => x.reachable && x.counts.backup_jobs > 0)!;
    expect(counts.get(`${u.account_id}/${u.region}`)).toMatchObject({
      backup_jobs: u.counts.backup_jobs,
      recovery_points: u.counts.recovery_points,
    });
  }, 60_000);
});
