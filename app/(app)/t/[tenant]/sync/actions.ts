"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf, defineAction } from "@/lib/actions";
import { conflict, notFound } from "@/lib/errors";
import { getPushDeps } from "@/lib/policies/push-deps";
import { startSync } from "@/lib/sync/start";

const syncNowInput = z.object({ tenantId: z.uuid() });

/** "Sync now": queues a run (a worker picks it up within a second); one run per organization at a time. */
export const syncNowAction = defineAction(
  { name: "sync.run", capability: "sync:run", input: syncNowInput },
  async (ctx, input) => {
    // A tenant's first sync tests the connection first and is refused if the entry role is shut.
    const { run: result } = await startSync(ctx.db, (await getPushDeps()).factory.settings, {
      tenantId: input.tenantId,
      trigger: "manual",
      actor: actorOf(ctx),
    });
    if (!result) throw notFound("That organization");
    if (!result.created)
      throw conflict("A sync of this organization is already queued or running; its progress is shown above.");
    revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/sync`);
    return { runId: result.runId };
  },
);
