import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { auditLog, authzDenialBudgets } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";
import { DENIAL_AUDIT_BURST, DENIAL_AUDIT_REFILL_SECONDS } from "@/lib/auth/authorize";
import { isTenantCapability, ROLE_CAPABILITIES, type Capability } from "@/lib/auth/permissions";
import { requireGlobalPage, requireTenantPage } from "@/lib/auth/session";
import { openSession } from "@/lib/auth/sign-in";
import { ROLES, type Role } from "@/db/schema/enums";
import { testDb } from "@/tests/helpers/db";
import { makeTenant, makeUser } from "@/tests/helpers/fixtures";

// Finds every server action, route handler and page guard in app/ by scanning the code, so a new
// one is covered without anyone remembering to add it, and proves each refuses a caller without a
// session, without the capability, and (for tenant-scoped ones) without membership of the tenant,
// and that every refusal of a signed-in user is in the audit log.

// The caller is a real server-side session; only Auth.js's reading of the cookie is replaced.
let caller: SessionUser | null = null;
vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  auth: async () => (caller ? { user: { sid: caller.sessionId }, expires: "" } : null),
}));
vi.mock("next/headers", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/headers")>()),
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.7" }),
}));

const ROOT = path.resolve(import.meta.dirname, "../../..");
const PUBLIC_ACTIONS = new Set(["auth.sign_in", "auth.sign_in_sso", "auth.sign_out"]);
// Auth.js's own endpoints: sign-in callbacks and CSRF; they cannot require a session.
const UNWRAPPED_ROUTES = new Set(["app/api/auth/[...nextauth]/route.ts"]);
// Routes anyone may call: only what the product publishes on purpose (evidence-signing public keys),
// or what carries its own credential (an alert feed's bearer token, tested in tests/integration/alerts).
const PUBLIC_ROUTES = new Set(["evidence.keys", "alerts.feed"]);
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
const pageFiles = files.filter((f) => /\/(page|layout)\.tsx$/.test(f));
const rel = (f: string) => path.relative(ROOT, f);

type Meta = { name: string; capability?: Capability; scope: "tenant" | "global" | "public" };
type Callable = ((...args: unknown[]) => Promise<unknown>) & { meta?: Meta };

const handle = testDb();
const db = handle.db;
let tenant: Awaited<ReturnType<typeof makeTenant>>;
let otherTenant: Awaited<ReturnType<typeof makeTenant>>;
const members = {} as Record<Role, SessionUser>;
const outsiders = {} as Record<Role, SessionUser>;

/** A user with a live server-side session, as the server sees them. */
async function signedIn(role: Role, memberOf: Array<{ tenantId: string }>): Promise<SessionUser> {
  const user = await makeUser(db, role, memberOf);
  return { ...user, sessionId: await openSession(db, user.userId, { ip: "203.0.113.7", userAgent: null }, "password") };
}

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  tenant = await makeTenant(db);
  otherTenant = await makeTenant(db);
  for (const role of ROLES) {
    members[role] = await signedIn(role, [{ tenantId: tenant.id }]);
    outsiders[role] = await signedIn(role, [{ tenantId: otherTenant.id }]);
  }
});

/** The user's authz.denied rows whose details name `what` (action, route or page) as `name`. */
const denialsOf = (user: SessionUser, what: "action" | "route" | "page", name: string) =>
  db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, "authz.denied"),
        eq(auditLog.actorId, user.userId),
        sql`${auditLog.details}->>${what} = ${name}`,
      ),
    );
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
        const denials = await denialsOf(caller, "action", meta!.name);
        expect(denials.length, `the refusal of ${meta!.name} is audited`).toBeGreaterThan(0);
        expect(denials[0]).toMatchObject({
          outcome: "denied",
          details: { capability: meta!.capability, reason: "capability" },
        });
      }
      if (meta!.scope === "tenant") {
        const role = nonAdminWith(meta!.capability!);
        if (role) {
          caller = outsiders[role];
          expect(await fn(input), `${meta!.name} as a ${role} of another tenant`).toMatchObject({
            ok: false,
            error: { code: "FORBIDDEN" },
          });
          expect(await denialsOf(caller, "action", meta!.name), `${meta!.name}: the outsider is audited`).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ details: expect.objectContaining({ requestedTenantId: tenant.id }) }),
            ]),
          );
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
      if (meta!.scope === "public") {
        expect(PUBLIC_ROUTES.has(meta!.name), `${meta!.name} is public but not on the list`).toBe(true);
        continue;
      }
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
        expect(await denialsOf(caller, "route", meta!.name), `the refusal of ${meta!.name} is audited`).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ details: expect.objectContaining({ capability: meta!.capability }) }),
          ]),
        );
      }
      if (meta!.scope === "tenant") {
        const role = nonAdminWith(meta!.capability!);
        if (role) {
          caller = outsiders[role];
          expect((await call()).status, `${method} ${name} as a ${role} of another tenant`).toBe(403);
          expect(await denialsOf(caller, "route", meta!.name), `${meta!.name}: the outsider is audited`).toEqual(
            expect.arrayContaining([
              expect.objectContaining({
                details: expect.objectContaining({ requestedTenantSlug: tenant.slug, reason: "tenant" }),
              }),
            ]),
          );
        }
      }
    }
  });
});

// Page guards: every capability a page or layout asks for, found in the code.
const guardCalls = pageFiles.flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(/require(Tenant|Global)Page\(([^)]*)\)/g)].map((m) => ({
    file: rel(file),
    scope: m[1] === "Tenant" ? ("tenant" as const) : ("global" as const),
    capability: (/["']([a-z:]+)["']/.exec(m[2]!)?.[1] ?? "tenant:read") as Capability,
  })),
);
const guardCases = [...new Map(guardCalls.map((g) => [`${g.scope} ${g.capability}`, g])).values()];

/** What a guard threw: Next's redirect and notFound are errors with a digest. */
async function outcomeOf(guard: () => Promise<unknown>): Promise<string> {
  try {
    await guard();
    return "allowed";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return `redirect ${digest.split(";")[2]}`;
    if (digest.includes("404")) return "not found";
    throw error;
  }
}

describe("page guards", () => {
  it("are found in the pages", () => {
    expect(guardCases.map((g) => `${g.scope} ${g.capability}`)).toEqual(
      expect.arrayContaining(["tenant tenant:read", "tenant policy:draft", "global user:manage"]),
    );
  });

  it.each(guardCases.map((g) => [`${g.scope} ${g.capability}`, g]))(
    "%s refuses callers who may not, and audits it",
    async (_label, { scope, capability }) => {
      const guard = () =>
        scope === "tenant" ? requireTenantPage(tenant.slug, capability) : requireGlobalPage(capability);
      expect(isTenantCapability(capability)).toBe(scope === "tenant");
      caller = null;
      expect(await outcomeOf(guard)).toBe("redirect /sign-in");
      caller = members.admin;
      expect(await outcomeOf(guard)).toBe("allowed");

      const lacking = roleWithout(capability);
      if (lacking) {
        caller = members[lacking];
        expect(await outcomeOf(guard)).toBe(
          scope === "tenant"
            ? `redirect /t/${tenant.slug}/overview?denied=${encodeURIComponent(capability)}`
            : `redirect /?denied=${encodeURIComponent(capability)}`,
        );
        const page = scope === "tenant" ? "/t/[tenant]" : "/settings";
        expect(await denialsOf(caller, "page", page)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ outcome: "denied", details: expect.objectContaining({ capability }) }),
          ]),
        );
      }
      if (scope === "tenant") {
        const role = nonAdminWith(capability)!;
        caller = outsiders[role];
        // A tenant the user may not see is not found, whether or not it exists.
        expect(await outcomeOf(guard)).toBe("not found");
        expect(await denialsOf(caller, "page", "/t/[tenant]")).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              details: expect.objectContaining({ capability, requestedTenantSlug: tenant.slug, reason: "tenant" }),
            }),
          ]),
        );
      }
    },
  );
});

describe("a flood of refused requests", () => {
  it("writes a bounded number of audit rows, and the next row says how many were left out", async () => {
    const flooder = await signedIn("auditor", [{ tenantId: tenant.id }]);
    caller = flooder;
    const attempts = DENIAL_AUDIT_BURST + 60;
    // A tenant page the auditor may not open (policy drafting), asked for over and over.
    for (let i = 0; i < attempts; i++) {
      expect(await outcomeOf(() => requireTenantPage(tenant.slug, "policy:draft"))).toMatch(/^redirect /);
    }
    const rows = () =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "authz.denied"), eq(auditLog.actorId, flooder.userId)));
    const recorded = (await rows()).length;
    // The burst, plus whatever refilled while the loop ran (one per DENIAL_AUDIT_REFILL_SECONDS).
    expect(recorded).toBeGreaterThanOrEqual(DENIAL_AUDIT_BURST);
    expect(recorded).toBeLessThan(DENIAL_AUDIT_BURST + 10);

    // One refill period later (the bucket's clock moved back instead of waiting), one more row,
    // carrying the count of those left out.
    await db
      .update(authzDenialBudgets)
      .set({ updatedAt: sql`clock_timestamp() - make_interval(secs => ${DENIAL_AUDIT_REFILL_SECONDS})` })
      .where(eq(authzDenialBudgets.userId, flooder.userId));
    expect(await outcomeOf(() => requireTenantPage(tenant.slug, "policy:draft"))).toMatch(/^redirect /);
    const after = await rows();
    expect(after.length).toBe(recorded + 1);
    const last = after.sort((a, b) => b.id - a.id)[0]!;
    expect(last.details).toMatchObject({ suppressedBefore: attempts - recorded });
  });
});
