import { startNext } from "./next-server";
import { fail, log, openRuntime } from "./runtime";

// `npm start`: production server. Migrates first (never inside `next build`), then serves.
const runtime = await openRuntime();
if (!runtime.env.AUTH_SECRET && runtime.env.NODE_ENV === "production") fail("AUTH_SECRET must be set in production.");
const web = await startNext({
  mode: "start",
  port: runtime.env.PORT,
  env: { ...process.env, DATABASE_URL: runtime.databaseUrl },
});
log(`serving on http://127.0.0.1:${runtime.env.PORT}`);
const stop = async () => {
  web.kill("SIGTERM");
  await runtime.shutdown();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
web.on("exit", (code) => void runtime.shutdown().then(() => process.exit(code ?? 0)));
