import type { Db } from "@/db";
import type { AwsSettings } from "@/lib/aws/client-factory";
import type { Actor } from "@/lib/compliance/templates/template-store";
import { checkBeforeFirstSync, type StoredConnectionTest } from "@/lib/onboarding/connection-test-store";
import { requestSync, type SyncRequest, type SyncRequested } from "./request";

// Every way the product starts a sync ("Sync now", `npm run sync`, the scheduler, the demo) comes
// through here, so a tenant's first sync always follows a connection test that is kept and
// audited, and is refused (FirstSyncRefused) when the entry role cannot get in
// (lib/onboarding/connection-test-store.ts). requestSync stays the bare queue insert underneath.

export interface StartedSync {
  /** null: the tenant does not exist (any more). */
  run: SyncRequested | null;
  /** The connection test run before a first sync; null when the tenant had synced before. */
  test: StoredConnectionTest | null;
}

export async function startSync(db: Db, aws: AwsSettings, req: SyncRequest): Promise<StartedSync> {
  // A request without an actor (a schedule) keeps and audits its test under the trigger's name.
  const tester: Actor = req.actor ?? { userId: null, email: `system:${req.trigger}`, ip: null };
  // A scheduled attempt repeats every minute within its slot: a failure kept since the slot began is its answer.
  const test = await checkBeforeFirstSync(db, tester, req.tenantId, aws, { failedSince: req.scheduledFor });
  return { run: await requestSync(db, req), test };
}
