import { spawn } from "node:child_process";
import path from "node:path";
import { count, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants, users } from "@/db/schema";
import { DEMO_USERS, demoSeedRefusal, seedDemoUsers } from "@/lib/cli/demo-users";
import { isolatedDb } from "@/tests/helpers/db";
import { makeTenant } from "@/tests/helpers/fixtures";

// `npm run demo` seeds sign-ins with published passwords (admin@demo.example / admin-demo-pass).
// Pointed at a database in use, it would hand out that database's admin.

const root = path.resolve(import.meta.dirname, "../../..");
const demoEmails = DEMO_USERS.map((u) => u.email);
let fresh: Awaited<ReturnType<typeof isolatedDb>>;
let inUse: Awaited<ReturnType<typeof isolatedDb>>;

beforeAll(async () => {
  [fresh, inUse] = await Promise.all([isolatedDb(), isolatedDb()]);
  await inUse.db.insert(users).values({ email: "real-admin@corp.example", name: "Real Admin", role: "admin" });
});
afterAll(async () => {
  await fresh?.drop();
  await inUse?.drop();
});

const demoUsersIn = async (db: typeof fresh.db) =>
  (await db.select({ n: count() }).from(users).where(inArray(users.email, demoEmails)))[0]!.n;

describe("where the demo may seed its users", () => {
  it("into the embedded database, an empty one, or one only a previous demo filled", async () => {
    expect(await demoSeedRefusal(inUse.db, { embedded: true })).toBeNull();
    expect(await demoSeedRefusal(fresh.db, { embedded: false })).toBeNull();
    await seedDemoUsers(fresh.db);
    expect(await demoSeedRefusal(fresh.db, { embedded: false })).toBeNull();
  });

  it("never into a database with users or organizations of its own", async () => {
    expect(await demoSeedRefusal(inUse.db, { embedded: false })).toMatch(/in use \(1 users and 0 organizations/);
    await makeTenant(fresh.db, "Acme Corp");
    expect(await demoSeedRefusal(fresh.db, { embedded: false })).toMatch(/0 users and 1 organizations/);
  });

  it("npm run demo against a database in use exits with the reason and adds no user and no organization", async () => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/demo.ts"], {
      cwd: root,
      // The ports are never opened: the demo must stop before it starts anything.
      env: { ...process.env, DATABASE_URL: inUse.url, SIM_PORT: "1", PORT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("DATABASE_URL points at a database in use");
    expect(await demoUsersIn(inUse.db)).toBe(0);
    expect((await inUse.db.select({ n: count() }).from(tenants))[0]!.n).toBe(0);
  });
});
