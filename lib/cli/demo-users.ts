import { count, eq, ne, notInArray } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import type { Role } from "@/db/schema/enums";
import { tenantMemberships, tenants, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";

// One sign-in per role for the demo. Fixed, printed passwords: the demo runs on a laptop with a
// simulated AWS and an embedded database; a real install creates users with `npm run user:create`.
export const DEMO_USERS: Array<{ email: string; name: string; role: Role; password: string }> = [
  { email: "admin@demo.example", name: "Ada Admin", role: "admin", password: "admin-demo-pass" },
  { email: "operator@demo.example", name: "Omar Operator", role: "operator", password: "operator-demo-pass" },
  { email: "compliance@demo.example", name: "Chloe Compliance", role: "compliance", password: "compliance-demo-pass" },
  { email: "auditor@demo.example", name: "Aki Auditor", role: "auditor", password: "auditor-demo-pass" },
];

/** The organization `npm run demo` creates. */
export const DEMO_TENANT_SLUG = "demo";

/**
 * Why the demo users must not be seeded into this database, or null when they may. The demo's
 * sign-ins have published passwords, so they go only into the embedded database or one that holds
 * nothing but what the demo itself made (empty and just migrated, or a previous demo's): never
 * into a database someone is using, where they would hand out its admin.
 */
export async function demoSeedRefusal(db: Db, options: { embedded: boolean }): Promise<string | null> {
  if (options.embedded) return null;
  const demoEmails = DEMO_USERS.map((u) => u.email);
  const [others] = await db.select({ n: count() }).from(users).where(notInArray(users.email, demoEmails));
  const [orgs] = await db.select({ n: count() }).from(tenants).where(ne(tenants.slug, DEMO_TENANT_SLUG));
  if (!others?.n && !orgs?.n) return null;
  return (
    `DATABASE_URL points at a database in use (${others?.n ?? 0} users and ${orgs?.n ?? 0} organizations the demo did not create). ` +
    "The demo signs in with published passwords, so it seeds its users only into the embedded database " +
    "(unset DATABASE_URL) or an empty one (create a new database and point DATABASE_URL at it). Nothing was changed."
  );
}

/** Creates the demo users that are missing and gives the non-admins the listed tenants. Idempotent. */
export async function seedDemoUsers(db: Db, tenantIds: string[] = []): Promise<void> {
  for (const u of DEMO_USERS) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, u.email));
    const userId =
      existing?.id ??
      (await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ email: u.email, name: u.name, role: u.role, passwordHash: await hashPassword(u.password) })
          .returning({ id: users.id });
        await recordAudit(tx, {
          actorEmail: "demo:seed",
          action: "user.create",
          targetType: "user",
          targetId: row!.id,
          details: { email: u.email, role: u.role },
        });
        return row!.id;
      }));
    if (u.role === "admin") continue;
    for (const tenantId of tenantIds) {
      await db.insert(tenantMemberships).values({ userId, tenantId }).onConflictDoNothing();
    }
  }
}
