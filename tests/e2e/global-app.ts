import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDb } from "@/db";
import { DEMO_USERS, seedDemoUsers } from "@/lib/cli/demo-users";
import { tenants } from "@/db/schema";
import { evaluateTenant } from "@/lib/compliance/evaluate-tenant";
import { demoWorld } from "@/sim/world/demo";
import { syncWorld } from "@/tests/integration/compliance/sync-world";
import { TEST_WORLD_NOW } from "@/tests/helpers/clock";
import { startFakeIdp } from "./fake-idp";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer at ${url}`);
}

/**
 * The production build of the app on a free port, against this run's database, with the demo
 * users and two organizations: every non-admin demo user belongs to the first only.
 */
export default async function setup(project: TestProject) {
  const databaseUrl = process.env.TEST_DATABASE_URL!;
  const handle = createDb(databaseUrl, { max: 6 });
  // Northwind: the simulator's demo world, synced and evaluated by the product's own engines.
  // Contoso: an organization never synced, which the non-admin users may not see at all.
  const northwind = await syncWorld(handle, databaseUrl, demoWorld(1), { name: "Northwind" });
  // Kept running for the run: the app pushes backup policies to it (tests/e2e/policies.spec.ts).
  // At the simulated world's hour: each process's pinned clock starts at CLOCK_AT when it first
  // reads it, so the app server, started later, reads an earlier "now" than this process did after
  // the sync; an evaluation stamped with this process's clock could lie in the app's future.
  await evaluateTenant(handle.db, northwind.tenantId, { trigger: "e2e", now: new Date(TEST_WORLD_NOW * 1000) });
  await handle.db.insert(tenants).values({
    name: "Contoso",
    slug: "contoso",
    managementAccountId: "222222222222",
    managementRoleArn: "arn:aws:iam::222222222222:role/BackupGovernance",
    externalId: "e2e-external-id-2",
    memberRoleName: "BackupGovernanceReadOnly",
    regions: ["eu-west-1"],
  });
  await seedDemoUsers(handle.db, [northwind.tenantId]);
  await handle.close();

  const port = await freePort();
  // "localhost", not 127.0.0.1: Next rewrites loopback addresses to localhost in the URLs Auth.js
  // sees, and the OIDC redirect URI must be the same on the way out and back.
  const appUrl = `http://localhost:${port}`;
  // SSO against a real OIDC provider on loopback, so the OIDC sign-in path is tested too.
  const clientSecret = randomBytes(16).toString("hex");
  const idp = await startFakeIdp({
    port: await freePort(),
    redirectUri: `${appUrl}/api/auth/callback/oidc`,
    clientId: "backup-governance-e2e",
    clientSecret,
  });
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    NODE_ENV: "production" as const,
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: "backup-governance-e2e",
    OIDC_CLIENT_SECRET: clientSecret,
    OIDC_NAME: "Test IdP",
    AWS_ENDPOINT_URL: northwind.sim.url,
  };
  const nextBin = path.resolve("node_modules/next/dist/bin/next");
  if (!process.env.E2E_SKIP_BUILD) {
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
    if (build.status !== 0) throw new Error("next build failed");
  }
  // The product's own web server (what `npm start` and the demo run), one process: it is what
  // gives the app the client's socket address (lib/auth/client-ip.ts).
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve("lib/cli/web-server.ts"), "--port", String(port), "--host", "127.0.0.1"],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...env, WEB_CONCURRENCY: "1" } },
  );
  await waitFor(`${appUrl}/sign-in`, child);
  project.provide("appUrl", appUrl);
  process.env.E2E_DEMO_USERS = JSON.stringify(DEMO_USERS);
  return async () => {
    child.kill("SIGTERM");
    await idp.close();
    await northwind.sim.stop();
  };
}
