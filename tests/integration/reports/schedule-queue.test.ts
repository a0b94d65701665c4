import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportDeliveries } from "@/db/schema";
import { AwsFactory } from "@/lib/aws/client-factory";
import { REPORT_TICK_QUEUE, startReportDelivery } from "@/lib/reports/schedules/queue";
import { createSchedule, runScheduleNow } from "@/lib/reports/schedules/store";
import { newBoss } from "@/lib/sync/queue";
import { isolatedDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// The worker's wiring: the tick queue on pg-boss, its minute schedule, and a tick taken by the
// handler delivering what is due. A database of its own, so that no other file's schedules tick.

let handle: Awaited<ReturnType<typeof isolatedDb>>;
let boss: PgBoss;
const root = mkdtempSync(path.join(tmpdir(), "report-queue-root-"));

beforeAll(async () => {
  handle = await isolatedDb();
  boss = newBoss(handle.url, { schedule: true, max: 2 });
  boss.on("error", () => undefined);
  await boss.start();
});
afterAll(async () => {
  await boss?.stop({ graceful: false }).catch(() => undefined);
  await handle?.drop();
});

describe("the report tick on pg-boss", () => {
  it("is scheduled every minute and delivers a requested run when a tick is taken", async () => {
    const factory = new AwsFactory({ region: "us-east-1" });
    await startReportDelivery(boss, {
      db: handle.db,
      schedule: true,
      deps: {
        produce: async (_spec, dir) => {
          writeFileSync(path.join(dir, "r.json"), "{}");
          return { files: ["r.json"] };
        },
        folderRoot: root,
        smtp: { url: undefined, from: undefined, maxAttachmentBytes: 0 },
        aws: async () => factory,
      },
    });
    expect((await boss.getSchedules()).map((s) => [s.name, s.cron])).toContainEqual([REPORT_TICK_QUEUE, "* * * * *"]);
    const tenant = await makeTenant(handle.db);
    const user = await makeUser(handle.db, "admin");
    const { id } = await createSchedule(
      handle.db,
      { userId: user.userId, email: user.email, ip: null },
      {
        tenantId: tenant.id,
        name: "Queued",
        cron: "0 0 1 1 *",
        enabled: true,
        spec: { kind: "bundle", templateSlug: "iso-27001-2022", periodDays: 30 },
        destinationKind: "folder",
        destination: { path: path.join(root, "q") },
      },
      root,
    );
    await runScheduleNow(handle.db, { userId: user.userId, email: user.email, ip: null }, { tenantId: tenant.id, id });
    await boss.send(REPORT_TICK_QUEUE, {});
    const deadline = Date.now() + 30_000;
    let status = "pending";
    while (status !== "delivered" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      const [d] = await handle.db.select().from(reportDeliveries).where(eq(reportDeliveries.scheduleId, id));
      status = d?.status ?? "none";
    }
    expect(status).toBe("delivered");
    expect(readdirSync(path.join(root, "q")).length).toBe(1);
    factory.destroy();
  });
});
