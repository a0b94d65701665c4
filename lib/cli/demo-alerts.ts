import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users, type AlertEventKind } from "@/db/schema";
import { createChannel, listChannels, type AlertActor } from "@/lib/alerts/channels";
import { createRule, listRules } from "@/lib/alerts/rules";
import { DEMO_USERS } from "./demo-users";

// The demo organization's alerts, set up as the compliance officer would on the Alerts page and
// through the same functions (each change its own audit row under her name): a JSON-lines feed
// (it delivers without any network, a SIEM pulls it) and a rule for each of the three events the
// demo's second day brings (lib/cli/demo-days.ts). Run again on the same data it adds nothing.

export const DEMO_FEED_CHANNEL = "SIEM feed";

export const DEMO_ALERT_RULES: ReadonlyArray<{ name: string; kind: AlertEventKind; params: Record<string, unknown> }> =
  [
    // Not every control: each new recovery point is a subject of BK-05, and the demo world's
    // short-lived plans make a hundred new "retention below 35 days" points a day.
    {
      name: "Unprotected, unencrypted or failing backups",
      kind: "control_failed",
      params: { controlIds: ["BK-01", "BK-04", "BK-09", "BK-14"] },
    },
    // The default 5 points would hardly ever fire in a day's change of a whole framework.
    { name: "Framework score drops 1 point", kind: "score_dropped", params: { source: "compliance", dropPoints: 1 } },
    { name: "Account-region fails to sync twice", kind: "sync_unit_failed_twice", params: {} },
  ];

export interface DemoAlerts {
  channelId: string;
  /** The feed's bearer token, only when the channel was made now (it is stored as a hash). */
  feedToken: string | null;
  rulesCreated: number;
}

export async function ensureDemoAlerts(db: Db, tenantId: string): Promise<DemoAlerts> {
  const officer = DEMO_USERS.find((u) => u.role === "compliance")!;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, officer.email));
  if (!user) throw new Error(`the demo user ${officer.email} is missing (seedDemoUsers first)`);
  const actor: AlertActor = { userId: user.id, email: officer.email, ip: null, role: officer.role };

  let channelId = (await listChannels(db, { tenantId })).find((c) => c.name === DEMO_FEED_CHANNEL)?.id;
  let feedToken: string | null = null;
  if (!channelId) {
    const made = await createChannel(db, actor, { kind: "feed", tenantId, name: DEMO_FEED_CHANNEL });
    channelId = made.id;
    feedToken = made.secret;
  }
  const existing = new Set((await listRules(db, { tenantId })).map((r) => r.name));
  let rulesCreated = 0;
  for (const rule of DEMO_ALERT_RULES) {
    if (existing.has(rule.name)) continue;
    await createRule(db, actor, { tenantId, ...rule, channelIds: [channelId] });
    rulesCreated++;
  }
  return { channelId, feedToken, rulesCreated };
}
