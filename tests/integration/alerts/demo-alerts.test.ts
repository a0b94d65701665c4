import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listChannels } from "@/lib/alerts/channels";
import { readAlertFeed } from "@/lib/alerts/feed";
import { alertsAfterEvaluation, startAlerts } from "@/lib/alerts/queue";
import { listRecentAlerts } from "@/lib/alerts/recent";
import { listRules } from "@/lib/alerts/rules";
import { DEMO_ALERT_RULES, DEMO_FEED_CHANNEL, ensureDemoAlerts } from "@/lib/cli/demo-alerts";
import { syncDemoDays, type DemoDay } from "@/lib/cli/demo-days";
import { seedDemoUsers } from "@/lib/cli/demo-users";
import { registerComplianceJobs, registerComplianceSyncHook } from "@/lib/compliance/evaluate-queue";
import { getLatestConnectionTest } from "@/lib/onboarding/connection-test-store";
import { DAY } from "@/sim/world/time";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { startHarness, type Harness } from "../sync/harness";

// What `npm run demo` does for alerts, with its own functions: the compliance officer's feed
// channel and rules (audited under her name), then the demo world synced, lived one day on and
// synced again, each sync evaluated by the queue as in the demo. The second evaluation's real
// transitions must reach the Alerts page and the feed.

let h: Harness;
let days: DemoDay[];

beforeAll(async () => {
  // As the demo: the world a day back, so that its second day ends at the suite's hour.
  h = await startHarness({ now: TEST_WORLD_NOW - DAY });
  const worker = await h.startWorker();
  registerComplianceSyncHook(worker.boss);
  await registerComplianceJobs(worker.boss, { db: h.db.db, onEvaluated: alertsAfterEvaluation(h.db.db) });
  await startAlerts(worker.boss, { db: h.db.db, deps: { smtp: { url: undefined, from: undefined } }, schedule: false });
  await seedDemoUsers(h.db.db, [h.tenantId]);
}, 60_000);
afterAll(() => h?.close());

const audits = async (action: string) =>
  (
    await h.db.pool.query(
      `select actor_email, actor_id from audit_log where tenant_id = $1 and action = $2 order by id`,
      [h.tenantId, action],
    )
  ).rows as { actor_email: string; actor_id: string | null }[];

describe("the demo's alerts", () => {
  it("are set up as the compliance officer would, once", async () => {
    const first = await ensureDemoAlerts(h.db.db, h.tenantId);
    expect(first.feedToken).toMatch(/^feed_/);
    expect(first.rulesCreated).toBe(DEMO_ALERT_RULES.length);
    const channels = await listChannels(h.db.db, { tenantId: h.tenantId });
    expect(channels.map((c) => [c.name, c.kind])).toEqual([[DEMO_FEED_CHANNEL, "feed"]]);
    const rules = await listRules(h.db.db, { tenantId: h.tenantId });
    expect(rules.map((r) => r.kind).sort()).toEqual(["control_failed", "score_dropped", "sync_unit_failed_twice"]);
    for (const r of rules) expect(r).toMatchObject({ enabled: true, channelIds: [first.channelId] });
    for (const action of ["alert_channel.create", "alert_rule.create"])
      for (const a of await audits(action)) expect(a.actor_email).toBe("compliance@demo.example");
    expect(await audits("alert_rule.create")).toHaveLength(3);

    const again = await ensureDemoAlerts(h.db.db, h.tenantId);
    expect(again).toEqual({ channelId: first.channelId, feedToken: null, rulesCreated: 0 });
    expect(await audits("alert_rule.create")).toHaveLength(3);
  });

  it("fire on the second day's evaluation, into the Alerts page and the feed", async () => {
    days = await syncDemoDays({
      db: h.db.db,
      aws: h.aws,
      tenantId: h.tenantId,
      advanceDay: () => h.sim.advanceDays(1),
      timeoutMs: 120_000,
    });
    expect(days.map((d) => d.run.status)).toEqual(["partial", "partial"]);
    expect(days[1]!.evaluationId).toBeGreaterThan(days[0]!.evaluationId);
    // The first sync went through the connection test, kept and audited as the demo's.
    expect((await getLatestConnectionTest(h.db.db, h.tenantId))?.ranByEmail).toBe("demo:seed");
    expect((await audits("tenant.connection_test")).map((a) => a.actor_email)).toEqual(["demo:seed"]);

    // Detection runs right after the evaluation is stored, in the same job.
    const fromEvaluation = async () =>
      (
        await h.db.pool.query(
          `select kind, title, payload->>'controlId' as control from alert_events where tenant_id = $1 and (payload->>'evaluationId')::int = $2`,
          [h.tenantId, days[1]!.evaluationId],
        )
      ).rows as { kind: string; title: string; control: string | null }[];
    const deadline = Date.now() + 30_000;
    while ((await fromEvaluation()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const events = await fromEvaluation();
    expect(events.length).toBeGreaterThan(0);
    const watched = DEMO_ALERT_RULES.find((r) => r.kind === "control_failed")!.params.controlIds as string[];
    for (const e of events) {
      expect(["control_failed", "score_dropped"]).toContain(e.kind);
      if (e.kind === "control_failed") expect(watched).toContain(e.control);
    }
    // The first evaluation is the baseline: nothing from it.
    const baseline = await h.db.pool.query(
      `select count(*)::int as n from alert_events where tenant_id = $1 and (payload->>'evaluationId')::int = $2`,
      [h.tenantId, days[0]!.evaluationId],
    );
    expect(baseline.rows[0]!.n).toBe(0);

    const recent = await listRecentAlerts(h.db.db, { tenantId: h.tenantId, limit: 200 });
    expect(recent.map((r) => r.title)).toEqual(expect.arrayContaining(events.map((e) => e.title)));
    const channelId = (await listChannels(h.db.db, { tenantId: h.tenantId }))[0]!.id;
    const feed = await readAlertFeed(h.db.db, h.tenantId, { channelId, limit: 5000 });
    expect(feed.events.map((e) => e.title)).toEqual(expect.arrayContaining(events.map((e) => e.title)));
  }, 180_000);
});
