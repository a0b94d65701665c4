import path from "node:path";
import { defineConfig } from "vitest/config";

// One pinned clock for the whole run: this process, its workers and every process a test starts
// (the app server, the CLI commands) inherit CLOCK_AT, so nothing in the suite depends on the date
// it runs on. Set CLOCK_AT to run the whole suite at another time. See tests/helpers/clock.ts.
process.env.CLOCK_AT ||= "2026-06-15T12:00:00Z";

const root = path.resolve(import.meta.dirname);

// Inline projects inherit this config (vitest 5), aliases included; as none changes the Vite
// config itself, they share one Vite server and its transform cache.
export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; tests import server modules directly.
      "server-only": path.join(root, "tests/helpers/server-only.ts"),
    },
  },
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/helpers/global-db.ts"],
          // next-auth imports "next/server" without an extension; let Vite resolve it.
          server: { deps: { inline: ["next-auth"] } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.spec.ts"],
          environment: "node",
          globalSetup: ["tests/helpers/global-db.ts", "tests/e2e/global-app.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One browser and one app server; the specs share them, so run the files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
