import { spawn } from "node:child_process";
import path from "node:path";

// `npm run policy -- …` as a process of its own (tsx, as the npm script runs it).

const root = path.resolve(import.meta.dirname, "../../..");

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runPolicyCommand(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The simulator's principal comes from its /_sim/world when no keys are in the environment.
  for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) delete full[k];
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/policy.ts", ...args],
    { cwd: root, env: full, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
