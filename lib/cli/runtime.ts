import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDb, type DbHandle } from "@/db";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { embeddedDatabaseUrl, readEnv, type Env } from "@/lib/env";

// Shared set-up for the product's commands: the database (DATABASE_URL or the embedded server),
// migrations, and a stable AUTH_SECRET for local runs.

export interface Runtime {
  env: Env;
  databaseUrl: string;
  handle: DbHandle;
  embedded: EmbeddedServer | null;
  shutdown(): Promise<void>;
}

export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

export async function openRuntime(options: { migrate?: boolean; env?: Env } = {}): Promise<Runtime> {
  const env = options.env ?? readEnv();
  let embedded: EmbeddedServer | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: env.DATA_DIR,
      port: env.EMBEDDED_PG_PORT,
      database: "backup_governance",
      log,
    });
    databaseUrl = embeddedDatabaseUrl(env);
  }
  const handle = createDb(databaseUrl, { max: 10, applicationName: "backup-governance-cli" });
  if (options.migrate !== false) await runMigrations(handle.pool);
  return {
    env,
    databaseUrl,
    handle,
    embedded,
    async shutdown() {
      await handle.close().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

/** AUTH_SECRET from the environment, or one generated once and kept under DATA_DIR (local runs only). */
export function ensureAuthSecret(env: Env): string {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const file = path.resolve(env.DATA_DIR, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Parses `--key value` and `--flag` arguments. */
export function parseArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) continue;
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    const next = argv[i + 1];
    if (inline !== undefined) out[key] = inline;
    else if (next !== undefined && !next.startsWith("--")) {
      out[key] = next;
      i++;
    } else out[key] = true;
  }
  return out;
}

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
