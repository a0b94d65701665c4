import "server-only";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { getOrgTree } from "./accounts";

/** Account names by ID from the synced organization, read once per request for every AccountCell. */
export const getAccountNames = cache(async (tenantId: string): Promise<ReadonlyMap<string, string>> => {
  const tree = await getOrgTree(getDb(), tenantId);
  return new Map(tree.accounts.map((a) => [a.accountId, a.name]));
});
