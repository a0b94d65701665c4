import { demoSeedRefusal, seedDemoUsers } from "./demo-users";
import { startNext } from "./next-server";
import { ensureAuthSecret, fail, log, openRuntime } from "./runtime";

// `npm run dev`: next dev against the embedded (or DATABASE_URL) database, with the demo users.
const runtime = await openRuntime();
const refusal = await demoSeedRefusal(runtime.handle.db, { embedded: runtime.embedded !== null });
if (refusal) {
  await runtime.shutdown();
  fail(refusal);
}
await seedDemoUsers(runtime.handle.db);
const web = await startNext({
  mode: "dev",
  port: runtime.env.PORT,
  env: { ...process.env, DATABASE_URL: runtime.databaseUrl, AUTH_SECRET: ensureAuthSecret(runtime.env) },
});
log(`dev server on http://127.0.0.1:${runtime.env.PORT}`);
const stop = async () => {
  web.kill("SIGTERM");
  await runtime.shutdown();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
