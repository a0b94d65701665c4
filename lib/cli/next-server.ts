import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "./runtime";

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

/** Newest modification time under the sources a build depends on. */
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["app", "lib", "db", "next.config.ts", "package-lock.json", "postcss.config.mjs"])
    if (existsSync(p)) visit(p);
  return newest;
}

/** Runs `next build` when there is no build, the sources changed since it, or `force` is set. */
export async function ensureBuild(options: { force?: boolean; env: NodeJS.ProcessEnv }): Promise<void> {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!options.force && existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource()) return;
  log("building the web app (next build)…");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit", env: options.env });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`)),
    );
  });
}

/**
 * Starts the production web server (lib/cli/web-server.ts: a process per core on one port) or
 * `next dev`, as a child with the given environment; resolves once it answers.
 */
export async function startNext(options: {
  mode: "start" | "dev";
  port: number;
  env: NodeJS.ProcessEnv;
  host?: string;
}): Promise<ChildProcess> {
  const host = options.host ?? "127.0.0.1";
  const argv =
    options.mode === "start"
      ? ["--import", "tsx", path.resolve("lib/cli/web-server.ts"), "--port", String(options.port), "--host", host]
      : [NEXT_BIN, "dev", "-p", String(options.port), "-H", host];
  const child = spawn(process.execPath, argv, {
    stdio: ["ignore", "pipe", "inherit"],
    env: options.mode === "start" ? { ...options.env, NODE_ENV: "production" } : options.env,
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (/Ready|started server|Local:/i.test(chunk.toString())) {
        child.stdout?.off("data", onData);
        child.stdout?.pipe(process.stdout);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`next ${options.mode} exited with code ${code}`)));
  });
  return child;
}
