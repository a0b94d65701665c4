import { z } from "zod";
import { STORAGE_TIERS } from "@/db/schema/cost";
import { RESOURCE_TYPES } from "@/lib/inventory/types";
import { uuid } from "./common";

/** Above any AWS storage list price a hundredfold: a larger figure is a typo, not a contract. */
const MAX_USD_PER_GB_MONTH = 10;

/** A tenant's own price for one resource type and tier; an empty price removes it (back to the published one). */
export const setPriceOverrideInput = z.object({
  tenantId: uuid("Organization"),
  resourceType: z.enum(RESOURCE_TYPES, { error: `Resource type must be one of ${RESOURCE_TYPES.join(", ")}.` }),
  tier: z.enum(STORAGE_TIERS, { error: "Tier must be warm or cold." }),
  usdPerGbMonth: z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? null : Number(v.trim())) : v),
    z
      .number({ error: "Price must be a number of US dollars per GB-month, such as 0.045." })
      .min(0, "Price cannot be negative.")
      .max(MAX_USD_PER_GB_MONTH, `Price cannot exceed $${MAX_USD_PER_GB_MONTH} per GB-month.`)
      .nullable(),
  ),
});
export type SetPriceOverrideInput = z.output<typeof setPriceOverrideInput>;
