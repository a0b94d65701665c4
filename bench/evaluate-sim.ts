// The bench simulator at a fixed clock, so a later run can rebuild the same world and move it on:
// tsx bench/evaluate-sim.ts --now <epoch s> [--advance-hours H] [--world bench]. Prints its URL
// as one JSON line; stops on SIGTERM. No throttling or latency (the sync's benchmark has them).
import { parseArgs } from "@/lib/cli/runtime";
import { startSimulator } from "@/sim/server";

const args = parseArgs(process.argv.slice(2));
const sim = await startSimulator({
  world: String(args.world ?? "bench"),
  port: 0,
  now: Number(args.now),
  config: { throttling: false },
});
const hours = Number(args["advance-hours"] ?? 0);
if (hours > 0) sim.advance(hours);
process.stdout.write(`${JSON.stringify({ url: sim.url, now: sim.runtime.state.now })}\n`);
const stop = () => void sim.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
