// The bench world at a given size behind the simulator, in a process of its own (its CPU and
// memory are reported apart from the sync's): tsx bench/steady-sim.ts --accounts N --now <epoch ms>
// [--latency-ms 25]. AWS's throttling on. Prints its URL as one JSON line; stops on SIGTERM.
import { parseArgs } from "@/lib/cli/runtime";
import { startSimulator } from "@/sim/server";
import { benchWorld } from "@/sim/world/bench";
import { worldNow } from "@/sim/world/time";

const args = parseArgs(process.argv.slice(2));
const accounts = Number(args.accounts ?? 1000);
const sim = await startSimulator({
  world: benchWorld({ accounts }),
  port: 0,
  now: worldNow(Number(args.now)),
  config: { latency_ms: Number(args["latency-ms"] ?? 25) },
});
process.stdout.write(`${JSON.stringify({ url: sim.url, ...sim.summary() })}\n`);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
