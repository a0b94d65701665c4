"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction } from "@/lib/actions";
import { setPriceOverride } from "@/lib/cost/price-overrides";
import { setPriceOverrideInput } from "@/lib/validation/price-overrides";

export const setPriceOverrideAction = defineAction(
  { name: "cost.price_override.set", capability: "tenant:manage", input: setPriceOverrideInput },
  async (ctx, input) => {
    await setPriceOverride(ctx.db, actorOf(ctx), input);
    revalidatePath("/t/[tenant]/cost", "page");
    return {};
  },
);
