import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import type { Role } from "@/db/schema/enums";
import { tenantMemberships, tenants, users } from "@/db/schema";
import type { SessionUser } from "@/lib/auth/access";

const suffix = () => randomBytes(4).toString("hex");

/** A tenant with a unique name, for tests that share the run's database. */
export async function makeTenant(db: Db, name = `Test Org ${suffix()}`) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const [row] = await db
    .insert(tenants)
    .values({
      name,
      slug,
      managementAccountId: "111122223333",
      managementRoleArn: "arn:aws:iam::111122223333:role/BackupGovernance",
      externalId: `ext-${suffix()}`,
      memberRoleName: "BackupGovernanceReadOnly",
      regions: ["us-east-1"],
    })
    .returning();
  return row!;
}

/** A user (no password) and, when given, memberships; returned as the session the server would see. */
export async function makeUser(
  db: Db,
  role: Role,
  memberOf: Array<{ tenantId: string; role?: Role }> = [],
): Promise<SessionUser> {
  const email = `${role}-${suffix()}@test.example`;
  const [row] = await db
    .insert(users)
    .values({ email, name: `Test ${role}`, role })
    .returning();
  for (const m of memberOf)
    await db.insert(tenantMemberships).values({ userId: row!.id, tenantId: m.tenantId, role: m.role ?? null });
  return { sessionId: "00000000-0000-4000-8000-000000000000", userId: row!.id, email, name: row!.name, role };
}
