import { log, openRuntime } from "./runtime";

// Starts the embedded PostgreSQL and keeps it running until Ctrl+C (for `next dev` run by hand).
const runtime = await openRuntime();
log(`PostgreSQL ready: ${runtime.databaseUrl}`);
if (!runtime.embedded) {
  await runtime.shutdown();
} else {
  process.on("SIGINT", () => void runtime.shutdown().then(() => process.exit(0)));
  process.on("SIGTERM", () => void runtime.shutdown().then(() => process.exit(0)));
}
