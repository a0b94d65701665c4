import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { simulatorPrincipal } from "@/lib/aws/settings";
import { pinClock } from "@/lib/clock";

/**
 * Benches run at a pinned time, so that a world and the figures measured on it do not depend on
 * the day they ran: the bench's own process through pinClock, its children through CLOCK_AT.
 */
export const BENCH_CLOCK_AT = "2026-06-15T12:00:00Z";
export function pinBenchClock(): void {
  process.env.CLOCK_AT ||= BENCH_CLOCK_AT;
  pinClock(Date.parse(process.env.CLOCK_AT));
}

/**
 * Starts a script under tsx in a process of its own and resolves with the first JSON line it
 * prints on stdout (its "ready" message): a complete line, however the output is chunked.
 */
export function startTsxChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; first: Record<string, unknown> }> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), [script, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString();
      const complete = buf.split("\n").slice(0, -1);
      const line = complete.find((l) => l.startsWith("{"));
      if (!line) return;
      child.stdout!.off("data", onData);
      child.stdout!.resume();
      resolve({ child, first: JSON.parse(line) as Record<string, unknown> });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * Runs a script under tsx to its end and resolves with the last JSON line it printed on stdout
 * (its result); `nodeOptions` are added to the child's NODE_OPTIONS.
 */
export function runTsxChild(script: string, argv: string[], nodeOptions = ""): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, nodeOptions].filter(Boolean).join(" "),
    };
    const p = spawn(path.resolve("node_modules/.bin/tsx"), [script, ...argv], {
      stdio: ["ignore", "pipe", "inherit"],
      env,
    });
    let buf = "";
    p.stdout!.on("data", (d: Buffer) => (buf += d.toString()));
    p.once("exit", (code) => {
      const line = buf.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) reject(new Error(`${script} exited with ${code}: ${buf.slice(-500)}`));
      else resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}

/** Starts a simulator script in a process of its own and resolves with the URL it prints first. */
export async function startSimChild(script: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const { child, first } = await startTsxChild(script, args);
  return { url: first.url as string, child };
}

/** The AWS settings the benches sync with against a simulator child, in one process or several. */
export async function benchAwsSettings(endpoint: string) {
  return { endpoint, region: "us-east-1", baseCredentials: await simulatorPrincipal(endpoint), maxInFlight: 192 };
}
