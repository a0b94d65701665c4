// A second (third, …) sync worker for `npm run bench:sync -- --workers N`, in a process of its own:
// the same worker, settings and AWS limits as the one bench/sync.ts runs in-process, sharing its
// queue. tsx bench/sync-worker-child.ts --db <url> --endpoint <simulator url> [--publish-concurrency P]
// Prints one JSON line when it is ready; SIGTERM stops it.
import { createDb } from "@/db";
import { ensureYoungGeneration } from "@/lib/cli/relaunch";
import { parseArgs } from "@/lib/cli/runtime";
import { startSyncWorker } from "@/lib/sync/worker";
import { benchAwsSettings } from "./sim-child";

await ensureYoungGeneration();
const args = parseArgs(process.argv.slice(2));
if (typeof args.db !== "string" || typeof args.endpoint !== "string")
  throw new Error("usage: sync-worker-child.ts --db <url> --endpoint <simulator url>");
const publish = typeof args["publish-concurrency"] === "string" ? Number(args["publish-concurrency"]) : undefined;
const handle = createDb(args.db, { max: 16, applicationName: "bench-sync-worker" });
const worker = await startSyncWorker({
  pool: handle.pool,
  databaseUrl: args.db,
  aws: await benchAwsSettings(args.endpoint),
  settings: publish ? { publishConcurrency: publish } : {},
  schedule: false,
  log: (m) => process.stderr.write(`  [worker ${process.pid}] ${m}\n`),
});
process.stdout.write(`${JSON.stringify({ ready: worker.id })}\n`);
process.on("SIGTERM", () => {
  void worker
    .stop(2000)
    .then(() => handle.close())
    .finally(() => process.exit(0));
});
