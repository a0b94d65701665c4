import { ensureBuild, startNext } from "./next-server";
import { DEMO_USERS, seedDemoUsers } from "./demo-users";
import { ensureAuthSecret, log, openRuntime } from "./runtime";

// `npm run demo`: the whole product on one machine with nothing installed but Node: the embedded
// PostgreSQL (unless DATABASE_URL is set), migrations, demo users, and the web app on PORT.
const runtime = await openRuntime();
const { env } = runtime;
await seedDemoUsers(runtime.handle.db);

const childEnv = {
  ...process.env,
  DATABASE_URL: runtime.databaseUrl,
  AUTH_SECRET: ensureAuthSecret(env),
  DEMO_MODE: "1",
  NODE_ENV: "production" as const,
};
await ensureBuild({ force: process.argv.includes("--rebuild"), env: childEnv });
const web = await startNext({ mode: "start", port: env.PORT, env: childEnv });

const url = `http://127.0.0.1:${env.PORT}`;
log("");
log(`Backup Governance demo is running at ${url}`);
log("Sign in as:");
for (const u of DEMO_USERS) log(`  ${u.role.padEnd(10)} ${u.email.padEnd(26)} ${u.password}`);
log("Press Ctrl+C to stop (the embedded PostgreSQL stops with it).");

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  web.kill("SIGTERM");
  await runtime.shutdown();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
web.on("exit", () => void stop());
