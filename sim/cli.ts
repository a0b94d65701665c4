import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import { startSimulator, loadWorld } from "./server";
import type { SimConfigPatch } from "./config";
import { worldNow } from "./world/time";

/**
 * npm run sim -- --world <demo|bench|file.json> [--port 4566] [--host 127.0.0.1] [--seed N] [--now ISO]
 *   [--latency-ms N] [--jitter-ms N] [--no-throttle] [--error-rate 0.05] [--empty-page-rate 0.1]
 *   [--deny-assume-role 111122223333,…] [--disable-region eu-west-1|111122223333:eu-west-1,…]
 *   [--rate-organizations N] [--rate-sts N] [--rate-tagging N] [--rate-ram N] [--dump-world file.json]
 */
const { values } = parseArgs({
  options: {
    world: { type: "string", default: "demo" },
    port: { type: "string", default: "4566" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string" },
    now: { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    "no-throttle": { type: "boolean" },
    "error-rate": { type: "string" },
    "empty-page-rate": { type: "string" },
    "deny-assume-role": { type: "string" },
    "disable-region": { type: "string" },
    "rate-organizations": { type: "string" },
    "rate-sts": { type: "string" },
    "rate-tagging": { type: "string" },
    "rate-ram": { type: "string" },
    "dump-world": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

async function main() {
  if (values.help) {
    console.log(
      "usage: npm run sim -- --world demo|bench|file.json [--port 4566] [--seed N] [--now ISO] [--latency-ms N] [--jitter-ms N] [--no-throttle] [--error-rate R] [--empty-page-rate R] [--deny-assume-role IDS] [--disable-region LIST] [--rate-organizations N] [--rate-sts N] [--rate-tagging N] [--rate-ram N] [--dump-world FILE]",
    );
    return;
  }
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} needs a number, got ${v}`);
    return n;
  };
  const seed = num(values.seed, "seed");
  // The simulator stands in for AWS, whose clock is the wall clock: the world is generated up to
  // the current hour unless --now pins it (then the same seed and --now give the same world).
  const nowMs = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (Number.isNaN(nowMs))
    throw new Error(`--now needs an ISO 8601 time such as 2026-06-15T12:00:00Z, got ${values.now}`);
  const now = worldNow(nowMs);
  if (values["dump-world"]) {
    writeFileSync(values["dump-world"], JSON.stringify(loadWorld(values.world, seed), null, 1));
    console.log(`world written to ${values["dump-world"]}`);
    return;
  }
  const config: SimConfigPatch = {};
  const latency = num(values["latency-ms"], "latency-ms");
  if (latency !== undefined) config.latency_ms = latency;
  const jitter = num(values["jitter-ms"], "jitter-ms");
  if (jitter !== undefined) config.jitter_ms = jitter;
  if (values["no-throttle"]) config.throttling = false;
  const errorRate = num(values["error-rate"], "error-rate");
  if (errorRate !== undefined) config.error_rate = errorRate;
  const emptyPages = num(values["empty-page-rate"], "empty-page-rate");
  if (emptyPages !== undefined) config.empty_page_rate = emptyPages;
  if (values["deny-assume-role"]) config.assume_role_denied = values["deny-assume-role"].split(",");
  if (values["disable-region"]) config.disabled_regions = values["disable-region"].split(",");
  const rates: Record<string, number> = {};
  for (const k of ["organizations", "sts", "tagging", "ram"] as const) {
    const r = num(values[`rate-${k}`], `rate-${k}`);
    if (r !== undefined) rates[k] = r;
  }
  const started = performance.now();
  const sim = await startSimulator({
    world: values.world,
    port: Number(values.port),
    host: values.host,
    seed,
    now,
    config: { ...config, ...(Object.keys(rates).length ? { rates } : {}) },
  });
  const s = sim.summary();
  console.log(
    JSON.stringify({
      url: sim.url,
      world: values.world,
      ready_s: Math.round(performance.now() - started) / 1000,
      management_account_id: s.management_account_id,
      access_key_id: s.principal.access_key_id,
      counts: s.counts,
    }),
  );
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
