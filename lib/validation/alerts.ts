import { z } from "zod";
import { ALERT_DIGEST_FREQUENCIES, ALERT_EVENT_KINDS } from "@/db/schema";

// Inputs of the alert settings (lib/alerts/channels.ts, rules.ts, digest.ts): what a form sends.
// A rule's params are checked per kind by lib/alerts/rule-params.ts.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Give a time such as 22:00.");
export const muteScheduleSchema = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1, "Choose at least one day.").max(7),
    from: hhmm,
    to: hhmm,
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "Give an IANA time zone such as Europe/Berlin."),
  })
  .strict()
  .refine((m) => m.from !== m.to, {
    message: "The mute window must not start and end at the same time.",
    path: ["to"],
  });

const name = z.string().trim().min(1, "Give it a name.").max(100);

export const ruleInput = z.object({
  tenantId: z.uuid(),
  name,
  kind: z.enum(ALERT_EVENT_KINDS),
  params: z.record(z.string(), z.unknown()).default({}),
  channelIds: z.array(z.uuid()).max(20).default([]),
  mute: muteScheduleSchema.nullable().default(null),
  enabled: z.boolean().default(true),
});
export type RuleInput = z.input<typeof ruleInput>;

const recipients = z
  .array(z.email("Each recipient must be an email address, like name@example.com."))
  .min(1, "Give at least one recipient.")
  .max(50);

export const channelInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("webhook"),
    tenantId: z.uuid(),
    name,
    url: z.string().trim().min(1, "Give the URL.").max(2000),
    allowPrivateAddress: z.boolean().default(false),
    enabled: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal("slack"),
    tenantId: z.uuid(),
    name,
    url: z.string().trim().min(1, "Give the URL.").max(2000),
    allowPrivateAddress: z.boolean().default(false),
    enabled: z.boolean().default(true),
  }),
  z.object({ kind: z.literal("email"), tenantId: z.uuid(), name, recipients, enabled: z.boolean().default(true) }),
  z.object({ kind: z.literal("feed"), tenantId: z.uuid(), name, enabled: z.boolean().default(true) }),
]);
export type ChannelInput = z.input<typeof channelInput>;

export const digestInput = z.object({
  tenantId: z.uuid(),
  /** null: unsubscribe. */
  frequency: z.enum(ALERT_DIGEST_FREQUENCIES).nullable(),
});
