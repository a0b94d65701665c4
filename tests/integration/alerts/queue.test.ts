import { eq } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertDeliveries, complianceExceptions } from "@/db/schema";
import { createChannel } from "@/lib/alerts/channels";
import { ALERT_TICK_QUEUE, startAlerts } from "@/lib/alerts/queue";
import { createRule } from "@/lib/alerts/rules";
import { clock } from "@/lib/clock";
import { hasSyncCompletedHandlers, unregisterSyncCompletedHandler } from "@/lib/sync/hooks";
import { newBoss } from "@/lib/sync/queue";
import { isolatedDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";
import { startReceiver } from "./receiver";

// The worker's wiring: the alert tick on pg-boss, its minute schedule, the sync-completed handler,
// and a tick taken by the handler detecting and delivering. A database of its own, so that no
// other file's rules tick here.

let handle: Awaited<ReturnType<typeof isolatedDb>>;
let boss: PgBoss;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  handle = await isolatedDb();
  receiver = await startReceiver();
  boss = newBoss(handle.url, { schedule: true, max: 2 });
  boss.on("error", () => undefined);
  await boss.start();
});
afterAll(async () => {
  unregisterSyncCompletedHandler("alerts");
  await boss?.stop({ graceful: false }).catch(() => undefined);
  await receiver?.stop();
  await handle?.drop();
});

describe("the alert tick on pg-boss", () => {
  it("is scheduled every minute, detects an expired exception and delivers it when a tick is taken", async () => {
    await startAlerts(boss, { db: handle.db, deps: { smtp: { url: undefined, from: undefined } }, schedule: true });
    expect((await boss.getSchedules()).map((s) => [s.name, s.cron])).toContainEqual([ALERT_TICK_QUEUE, "* * * * *"]);
    expect(hasSyncCompletedHandlers()).toBe(true);
    const tenant = await makeTenant(handle.db);
    const u = await makeUser(handle.db, "admin", [{ tenantId: tenant.id }]);
    const actor = { userId: u.userId, email: u.email, ip: null, role: u.role };
    const { id: channelId } = await createChannel(handle.db, actor, {
      kind: "webhook",
      tenantId: tenant.id,
      name: "Hook",
      url: `${receiver.url}/hook`,
      allowPrivateAddress: true,
    });
    await createRule(handle.db, actor, {
      tenantId: tenant.id,
      name: "Expiry",
      kind: "exception_expired",
      channelIds: [channelId],
    });
    // Expires a moment after the rule was made, and before the tick runs.
    await handle.db.insert(complianceExceptions).values({
      tenantId: tenant.id,
      findingKey: "BK-08|vault|v",
      controlId: "BK-08",
      subjectType: "vault",
      subjectId: "v",
      accountId: "222233334444",
      region: "us-east-1",
      reason: "r",
      owner: "o",
      expiresAt: new Date(clock.nowMs() + 200),
    });
    await new Promise((r) => setTimeout(r, 500));
    await boss.send(ALERT_TICK_QUEUE, {});
    const deadline = Date.now() + 30_000;
    let status = "none";
    while (status !== "sent" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      const [d] = await handle.db.select().from(alertDeliveries).where(eq(alertDeliveries.channelId, channelId));
      status = d?.status ?? "none";
    }
    expect(status).toBe("sent");
    expect(receiver.received.filter((r) => r.path === "/hook")).toHaveLength(1);
  });
});
