import { log, openRuntime } from "./runtime";

const runtime = await openRuntime({ migrate: true });
log(`migrations applied to ${runtime.env.DATABASE_URL ? "DATABASE_URL" : "the embedded PostgreSQL"}`);
await runtime.shutdown();
