import { spawn } from "node:child_process";

// Syncs and evaluations allocate a lot of short-lived objects (every SDK response and page, every
// finding), and with V8's default 16 MB semi-space much of their CPU goes to scavenges; a larger
// young generation keeps them in the nursery. V8 takes the size only at start-up, so the worker, sync and evaluate commands
// re-launch themselves once with the flag, and bench:evaluate runs its evaluations with it too.

export const YOUNG_GENERATION_FLAG = "--max-semi-space-size=64";

/** Resolves when this process already runs with the flag; otherwise runs a copy with it and exits with its code. */
export async function ensureYoungGeneration(): Promise<void> {
  if (process.execArgv.includes(YOUNG_GENERATION_FLAG)) return;
  const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  const code = await new Promise<number>((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 128 + 15 : 1))));
  process.exit(code);
}
