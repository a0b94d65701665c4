import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import type { Role } from "@/db/schema/enums";
import { tenantMemberships, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";

// One sign-in per role for the demo. Fixed, printed passwords: the demo runs on a laptop with a
// simulated AWS and an embedded database; a real install creates users with `npm run user:create`.
export const DEMO_USERS: Array<{ email: string; name: string; role: Role; password: string }> = [
  { email: "admin@demo.example", name: "Ada Admin", role: "admin", password: "admin-demo-pass" },
  { email: "operator@demo.example", name: "Omar Operator", role: "operator", password: "operator-demo-pass" },
  { email: "compliance@demo.example", name: "Chloe Compliance", role: "compliance", password: "compliance-demo-pass" },
  { email: "auditor@demo.example", name: "Aki Auditor", role: "auditor", password: "auditor-demo-pass" },
];

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
