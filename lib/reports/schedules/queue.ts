import type { PgBoss } from "pg-boss";
import type { Db } from "@/db";
import type { AwsFactory } from "@/lib/aws/client-factory";
import { clock } from "@/lib/clock";
import type { Env } from "@/lib/env";
import { QUEUE_RETENTION_SECONDS } from "@/lib/sync/queue";
import { tickReportSchedules, type DeliveryDeps, type ReportProducer } from "./run";

// The minute tick of scheduled report delivery on the sync's pg-boss (as lib/sync/schedule.ts):
// pg-boss's clock monitor makes sure one worker sends each tick, and the delivery log's slot and
// claim make a duplicate tick harmless.

export const REPORT_TICK_QUEUE = "report-schedule-tick";

/** The deliverers' settings from the environment. */
export function deliveryDepsFromEnv(
  env: Env,
  o: { produce: ReportProducer; aws: AwsFactory; log?: (m: string) => void },
): DeliveryDeps {
  return {
    produce: o.produce,
    folderRoot: env.REPORT_FOLDER_ROOT,
    smtp: { url: env.SMTP_URL, from: env.REPORT_MAIL_FROM, maxAttachmentBytes: env.REPORT_MAIL_MAX_BYTES },
    aws: async () => o.aws,
    ...(o.log ? { log: o.log } : {}),
  };
}

/**
 * Runs scheduled report deliveries in this worker: `schedule` also sends the minute tick (a
 * worker started with --no-schedule only takes ticks others send).
 */
export async function startReportDelivery(
  boss: PgBoss,
  o: { db: Db; deps: DeliveryDeps; schedule: boolean },
): Promise<void> {
  if (!(await boss.getQueue(REPORT_TICK_QUEUE)))
    await boss.createQueue(REPORT_TICK_QUEUE, {
      policy: "singleton",
      retryLimit: 0,
      expireInSeconds: 3600,
      retentionSeconds: QUEUE_RETENTION_SECONDS,
    });
  if (o.schedule) await boss.schedule(REPORT_TICK_QUEUE, "* * * * *", {}, { tz: "UTC" });
  await boss.work(REPORT_TICK_QUEUE, { pollingIntervalSeconds: 10 }, async () => {
    const n = await tickReportSchedules(o.db, o.deps, clock.now());
    if (n) o.deps.log?.(`report deliveries attempted: ${n}`);
  });
}
