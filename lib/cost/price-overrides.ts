import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { backupPriceOverrides, tenants, type StorageTier } from "@/db/schema";
import type { Actor } from "@/lib/admin/users";
import { clock } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import type { SetPriceOverrideInput } from "@/lib/validation/price-overrides";
import { overrideKey, type PriceOverrides } from "./backup-prices";

export interface PriceOverrideView {
  resourceType: string;
  tier: StorageTier;
  usdPerGbMonth: number;
  updatedAt: Date;
}

export async function listPriceOverrides(
  db: Db,
  { tenantId }: { tenantId: string },
): Promise<{ rows: PriceOverrideView[]; prices: PriceOverrides }> {
  const rows = await db
    .select({
      resourceType: backupPriceOverrides.resourceType,
      tier: backupPriceOverrides.tier,
      usdPerGbMonth: backupPriceOverrides.usdPerGbMonth,
      updatedAt: backupPriceOverrides.updatedAt,
    })
    .from(backupPriceOverrides)
    .where(eq(backupPriceOverrides.tenantId, tenantId))
    .orderBy(backupPriceOverrides.resourceType, backupPriceOverrides.tier);
  return { rows, prices: new Map(rows.map((r) => [overrideKey(r.resourceType, r.tier), Number(r.usdPerGbMonth)])) };
}

/** Sets (or, with a null price, removes) a tenant's own price, with its audit row in the same transaction. */
export async function setPriceOverride(db: Db, actor: Actor, input: SetPriceOverrideInput): Promise<void> {
  // tenant:manage is held across tenants, so the wrapper checked no tenant: this one must exist.
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, input.tenantId));
  if (!tenant) throw notFound("That organization");
  await db.transaction(async (tx) => {
    const key = and(
      eq(backupPriceOverrides.tenantId, input.tenantId),
      eq(backupPriceOverrides.resourceType, input.resourceType),
      eq(backupPriceOverrides.tier, input.tier),
    );
    const [before] = await tx
      .select({ usdPerGbMonth: backupPriceOverrides.usdPerGbMonth })
      .from(backupPriceOverrides)
      .where(key);
    if (input.usdPerGbMonth === null) {
      await tx.delete(backupPriceOverrides).where(key);
    } else {
      await tx
        .insert(backupPriceOverrides)
        .values({
          tenantId: input.tenantId,
          resourceType: input.resourceType,
          tier: input.tier,
          usdPerGbMonth: input.usdPerGbMonth,
          updatedAt: clock.now(),
        })
        .onConflictDoUpdate({
          target: [backupPriceOverrides.tenantId, backupPriceOverrides.resourceType, backupPriceOverrides.tier],
          set: { usdPerGbMonth: input.usdPerGbMonth, updatedAt: clock.now() },
        });
    }
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: input.tenantId,
      action: input.usdPerGbMonth === null ? "cost.price_override.remove" : "cost.price_override.set",
      targetType: "price_override",
      targetId: overrideKey(input.resourceType, input.tier),
      details: { from: before ? Number(before.usdPerGbMonth) : null, to: input.usdPerGbMonth },
    });
  });
}
