import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { ROLE_CAPABILITIES, type Capability } from "@/lib/auth/permissions";
import { ROLES, type Role } from "@/db/schema/enums";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// Finds every server action and route handler in app/ by scanning the code, so a new one is covered
// without anyone remembering to add it, and proves each refuses a caller without a session, without
// the capability, and (for tenant-scoped ones) without membership of the tenant.

let caller: SessionUser | null = null;
vi.mock("@/lib/auth/session", () => ({
  getSession: async () => caller,
  getClientIp: async () => "203.0.113.7",
  requireSession: async () => caller,
  getAccessibleTenants: async () => [],
}));

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PUBLIC_ACTIONS = new Set(["auth.sign_in", "auth.sign_in_sso", "auth.sign_out"]);
// Auth.js's own endpoints: sign-in callbacks and CSRF; they cannot require a session.
const UNWRAPPED_ROUTES = new Set(["app/api/auth/[...nextauth]/route.ts"]);
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
const files = walk(path.join(ROOT, "app")).filter((f) => /\.(ts|tsx)$/.test(f));
const actionFiles = files.filter((f) => /^\s*["']use server["']/.test(readFileSync(f, "utf8")));
const routeFiles = files.filter((f) => /\/route\.ts$/.test(f));
const rel = (f: string) => path.relative(ROOT, f);

type Meta = { name: string; capability?: Capability; scope: "tenant" | "global" | "public" };
type Callable = ((...args: unknown[]) => Promise<unknown>) & { meta?: Meta };

const handle = testDb();
const db = handle.db;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let otherTenant: Awaited<ReturnType<typeof makeTenant>>;
const members = {} as Record<Role, SessionUser>;
const outsiders = {} as Record<Role, SessionUser>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenant = await makeTenant(db);
  otherTenant = await makeTenant(db);
  for (const role of ROLES) {
    members[role] = await makeUser(db, role, [{ tenantId: tenant.id }]);
    outsiders[role] = await makeUser(db, role, [{ tenantId: otherTenant.id }]);
  }
});
afterAll(() => handle.close());

/** A non-admin role that lacks the capability, if any (admins hold everything). */
const roleWithout = (c: Capability) => ROLES.find((r) => !ROLE_CAPABILITIES[r].includes(c));
/** A non-admin role that holds a tenant capability (to prove membership is checked, not just role). */
const nonAdminWith = (c: Capability) => ROLES.find((r) => r !== "admin" && ROLE_CAPABILITIES[r].includes(c));

describe("the scan finds the app's endpoints", () => {
  it("finds action files and route handlers", () => {
    expect(actionFiles.length).toBeGreaterThanOrEqual(4);
    expect(routeFiles.map(rel)).toContain("app/api/auth/[...nextauth]/route.ts");
  });
});

describe.each(actionFiles.map((f) => [rel(f), f]))("server actions in %s", (_name, file) => {
  it("are all made by defineAction (or are the named public sign-in/out actions) and refuse callers who may not", async () => {
    const mod = (await import(file)) as Record<string, Callable>;
    const exports = Object.entries(mod);
    expect(exports.length).toBeGreaterThan(0);
    for (const [exportName, fn] of exports) {
      expect(typeof fn, `${exportName} must be a function`).toBe("function");
      const meta = fn.meta;
      expect(meta, `${exportName} in ${rel(file)} must be made by defineAction`).toBeDefined();
      if (meta!.scope === "public") {
        expect(PUBLIC_ACTIONS.has(meta!.name), `${meta!.name} is public but not on the list`).toBe(true);
        continue;
      }
      const input = { tenantId: tenant.id };
      caller = null;
      expect(await fn(input), `${meta!.name} without a session`).toMatchObject({
        ok: false,
        error: { code: "UNAUTHENTICATED" },
      });

      const lacking = roleWithout(meta!.capability!);
      if (lacking) {
        caller = members[lacking];
        expect(await fn(input), `${meta!.name} as ${lacking}`).toMatchObject({
          ok: false,
          error: { code: "FORBIDDEN" },
        });
        const denials = await db
          .select()
          .from(auditLog)
          .where(
            and(
              eq(auditLog.action, "authz.denied"),
              eq(auditLog.actorId, caller.userId),
              sql`${auditLog.details}->>'action' = ${meta!.name}`,
            ),
          );
        expect(denials.length, `the refusal of ${meta!.name} is audited`).toBeGreaterThan(0);
      }
      if (meta!.scope === "tenant") {
        const role = nonAdminWith(meta!.capability!);
        if (role) {
          caller = outsiders[role];
          expect(await fn(input), `${meta!.name} as a ${role} of another tenant`).toMatchObject({
            ok: false,
            error: { code: "FORBIDDEN" },
          });
        }
      }
    }
  });
});

describe.each(routeFiles.map((f) => [rel(f), f]))("route handlers in %s", (name, file) => {
  it("are all made by defineRoute and refuse callers who may not", async () => {
    const mod = (await import(file)) as Record<string, Callable>;
    const handlers = Object.entries(mod).filter(([k]) => HTTP_METHODS.includes(k));
    expect(handlers.length).toBeGreaterThan(0);
    if (UNWRAPPED_ROUTES.has(name)) return;
    for (const [method, fn] of handlers) {
      const meta = fn.meta;
      expect(meta, `${method} ${name} must be made by defineRoute`).toBeDefined();
      const call = () =>
        fn(new Request(`http://localhost/${name}`, { method }), {
          params: Promise.resolve({ tenant: tenant.slug }),
        }) as Promise<Response>;
      caller = null;
      expect((await call()).status, `${method} ${name} without a session`).toBe(401);
      const lacking = roleWithout(meta!.capability!);
      if (lacking) {
        caller = members[lacking];
        expect((await call()).status, `${method} ${name} as ${lacking}`).toBe(403);
      }
      if (meta!.scope === "tenant") {
        const role = nonAdminWith(meta!.capability!);
        if (role) {
          caller = outsiders[role];
          expect((await call()).status, `${method} ${name} as a ${role} of another tenant`).toBe(403);
        }
      }
    }
  });
});
