import { z } from "zod";
import type { AlertEventKind } from "@/db/schema";

// What a rule of each kind takes, validated on every write and on every read by detection (a row
// edited by hand is skipped, not fatal). Defaults make `{}` a working rule of every kind.

const controlId = z.string().regex(/^BK-\d{2}$/, "Each control must be a control id such as BK-01.");

export const ruleParamsByKind = {
  /** A finding of these controls (all when empty) turns FAIL: it was PASS, N/A, ERROR or absent before. */
  control_failed: z
    .object({
      controlIds: z.array(controlId).max(50).default([]),
      accountIds: z
        .array(z.string().regex(/^\d{12}$/, "Each account must be a 12-digit account id."))
        .max(500)
        .default([]),
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
