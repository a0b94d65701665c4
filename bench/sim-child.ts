import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { simulatorPrincipal } from "@/lib/aws/settings";

/** Starts a simulator script in a process of its own and resolves with the URL it prints first. */
export function startSimChild(script: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(path.resolve("node_modules/.bin/tsx"), [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const line = buf.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/** The AWS settings the benches sync with against a simulator child, in one process or several. */
export async function benchAwsSettings(endpoint: string) {
  return { endpoint, region: "us-east-1", baseCredentials: await simulatorPrincipal(endpoint), maxInFlight: 192 };
}
