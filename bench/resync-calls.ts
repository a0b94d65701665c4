// Calls and wall time of a resync after one simulated day against a full sync of the same
// world, in one run (issue 21's target: resync ≤ 15 % of the full sync's calls and wall).
// The state the resync lands is checked against the fresh full sync's, table by table.
//   DATABASE_URL=… npx tsx bench/resync-calls.ts [--world demo|bench] [--days 1]
import { createScratchDatabase } from "@/db/scratch";
import { waitForRunEnd } from "@/db/queries/sync";
import { pinClock } from "@/lib/clock";
import { requestSync } from "@/lib/sync/request";
import { startSyncWorker } from "@/lib/sync/worker";
import { startSimulator } from "@/sim/server";
import { worldNow } from "@/sim/world/time";
import { BENCH_CLOCK_AT } from "./sim-child";
import { stateDigest, SYNC_STATE_TABLES } from "@/lib/sync/state-digest";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const worldName = arg("world", "demo") as "demo" | "bench";
const days = Number(arg("days", "1"));
const at = Date.parse(process.env.CLOCK_AT || BENCH_CLOCK_AT);
let unpin = pinClock(at);

const sim = await startSimulator({ world: worldName, port: 0, now: worldNow(at) });
const world = sim.summary();
const db = await createScratchDatabase(process.env.DATABASE_URL!, { prefix: "bg_resync", max: 8 });
try {
  const tenant = async (name: string) =>
    (
      await db.pool.query(
        `insert into tenants (name, slug, management_account_id, management_role_arn, external_id, member_role_name, regions) values ($1, $1, $2, $3, $4, $5, $6) returning id`,
        [
          name,
          world.management_account_id,
          world.management_role_arn,
          world.external_id,
          world.member_role_name,
          world.regions,
        ],
      )
    ).rows[0]!.id as string;
  const worker = await startSyncWorker({
    pool: db.pool,
    databaseUrl: db.url,
    aws: {
      endpoint: sim.url,
      region: "us-east-1",
      baseCredentials: {
        accessKeyId: world.principal.access_key_id,
        secretAccessKey: world.principal.secret_access_key,
      },
    },
    schedule: false,
    // The periodic full pass is not due within the day.
    settings: { recoveryPointsFullEveryHours: 24 * 7 },
  });
  const sync = async (tenantId: string) => {
    sim.resetStats();
    const t0 = performance.now();
    const req = await requestSync(db.db, { tenantId, trigger: "cli" });
    await waitForRunEnd(db.db, { tenantId, runId: req!.runId, pollMs: 100 });
    const stats = sim.stats();
    return {
      wall_s: (performance.now() - t0) / 1000,
      calls: stats.calls.total,
      by_operation: stats.calls.by_operation,
    };
  };
  const digest = (tenantId: string) => stateDigest(db.pool, tenantId);
  const a = await tenant("resynced");
  const first = await sync(a);
  const changes = sim.advanceDays(days);
  unpin();
  unpin = pinClock(Date.parse(changes.now));
  const resync = await sync(a);
  const full = await sync(await tenant("fresh"));
  const [da, db2] = [
    await digest(a),
    await digest((await db.pool.query(`select id from tenants where name = 'fresh'`)).rows[0]!.id as string),
  ];
  const differing = SYNC_STATE_TABLES.filter((t) => da[t] !== db2[t]);
  const ops = (o: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(o)
        .sort((x, y) => y[1] - x[1])
        .slice(0, 8),
    );
  console.log(
    JSON.stringify({
      world: worldName,
      days,
      changes,
      first_full: { calls: first.calls, wall_s: +first.wall_s.toFixed(2) },
      full: { calls: full.calls, wall_s: +full.wall_s.toFixed(2), top: ops(full.by_operation) },
      resync: { calls: resync.calls, wall_s: +resync.wall_s.toFixed(2), top: ops(resync.by_operation) },
      calls_ratio: +(resync.calls / full.calls).toFixed(3),
      wall_ratio: +(resync.wall_s / full.wall_s).toFixed(3),
      state_identical: differing.length === 0,
      differing,
    }),
  );
  await worker.stop(1000);
} finally {
  await sim.stop();
  await db.drop();
}
process.exit(0);
