"use server";

import { revalidatePath } from "next/cache";
import { actorOf, defineAction } from "@/lib/actions";
import {
  acknowledgeUnreadAccount,
  acknowledgeUnreadInput,
  withdrawAcknowledgement,
  withdrawAcknowledgementInput,
} from "@/lib/sync/unread-accounts";

// Acknowledging an account the sync cannot read is an operator's call (the same people who run
// syncs and fix member roles), so it needs sync:run; the lib function audits it.

export const acknowledgeUnreadAccountAction = defineAction(
  { name: "sync.unread_account.acknowledge", capability: "sync:run", input: acknowledgeUnreadInput },
  async (ctx, input) => {
    const ack = await acknowledgeUnreadAccount(ctx.db, actorOf(ctx), input);
    revalidatePath(`/t/${ctx.tenant?.slug ?? ""}`, "layout");
    return { accountId: ack.accountId };
  },
);

export const withdrawAcknowledgementAction = defineAction(
  { name: "sync.unread_account.withdraw", capability: "sync:run", input: withdrawAcknowledgementInput },
  async (ctx, input) => {
    await withdrawAcknowledgement(ctx.db, actorOf(ctx), input);
    revalidatePath(`/t/${ctx.tenant?.slug ?? ""}`, "layout");
    return { accountId: input.accountId };
  },
);
