import { z } from "zod";
import { ALERT_CHANNEL_KINDS, ALERT_DIGEST_FREQUENCIES, ALERT_EVENT_KINDS, type AlertEventKind } from "@/db/schema";

// What a rule of each kind takes, validated on every write and on every read by detection (a row
// edited by hand is skipped, not fatal). Defaults make `{}` a working rule of every kind.

const controlId = z.string().regex(/^BK-\d{2}$/, "a control id such as BK-01");

export const ruleParamsByKind = {
  /** A finding of these controls (all when empty) turns FAIL: it was PASS, N/A, ERROR or absent before. */
  control_failed: z
    .object({
      controlIds: z.array(controlId).max(50).default([]),
      accountIds: z.array(z.string().regex(/^\d{12}$/, "a 12-digit account id")).max(500).default([]),
    })
    .strict(),
  /**
   * A score falls below `below` (it was at or above it in the previous evaluation), or by at least
   * `dropPoints` points from the previous evaluation. Scores are percentages 0–100. `source`:
   * a framework's compliance score (`templateSlug`, or every framework when null) or the tenant's
   * resilience score.
   */
  score_dropped: z
    .object({
      source: z.enum(["compliance", "resilience"]).default("compliance"),
      templateSlug: z.string().min(1).max(100).nullable().default(null),
      below: z.number().min(0).max(100).nullable().default(null),
      dropPoints: z.number().gt(0).max(100).nullable().default(5),
    })
    .strict()
    .refine((p) => p.below !== null || p.dropPoints !== null, {
      message: "Give a threshold (below) or a drop in points (dropPoints), or both.",
    }),
  /** A sync unit (account, region) failed in the tenant's two latest runs that read it. */
  sync_unit_failed_twice: z.object({}).strict(),
  /**
   * A resource's failed backup jobs in the last `windowHours` reach
   * max(`minFailures`, `factor` × its mean failures per window over the `historyDays` before).
   */
  job_failure_spike: z
    .object({
      factor: z.number().min(1).max(100).default(3),
      minFailures: z.number().int().min(1).max(1000).default(3),
      windowHours: z.number().int().min(1).max(168).default(24),
      historyDays: z.number().int().min(1).max(90).default(30),
    })
    .strict(),
  /** An exception on a failing finding expired (the finding is FAIL again unless fixed). */
  exception_expired: z.object({}).strict(),
  /** A managed backup policy drifted from its pushed version (a new drift each time AWS's content changes). */
  policy_drift: z.object({}).strict(),
} satisfies Record<AlertEventKind, z.ZodType>;

export type RuleParams<K extends AlertEventKind> = z.output<(typeof ruleParamsByKind)[K]>;

/** Parses a rule's params for its kind; throws a ZodError with field messages. */
export function parseRuleParams<K extends AlertEventKind>(kind: K, params: unknown): RuleParams<K> {
  return ruleParamsByKind[kind].parse(params ?? {}) as RuleParams<K>;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time such as 22:00");
export const muteScheduleSchema = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1, "at least one day").max(7),
    from: hhmm,
    to: hhmm,
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "an IANA time zone such as Europe/Berlin"),
  })
  .strict()
  .refine((m) => m.from !== m.to, { message: "The mute window must not start and end at the same time.", path: ["to"] });

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
  .array(z.email("a valid email address"))
  .min(1, "at least one recipient")
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
export const CHANNEL_KINDS = ALERT_CHANNEL_KINDS;

export const digestInput = z.object({
  tenantId: z.uuid(),
  /** null: unsubscribe. */
  frequency: z.enum(ALERT_DIGEST_FREQUENCIES).nullable(),
});
