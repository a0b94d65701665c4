import { z } from "zod";
import { ROLES } from "@/db/schema/enums";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";
import { parsePeriod } from "@/lib/reports/period";
import { trimmed, uuid } from "./common";

export const emailField = z
  .string({ error: "Email is required." })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

export const roleField = z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}.` });

export const passwordField = z
  .string({ error: "Password is required." })
  .min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters.`);

export const createUserInput = z.object({
  email: emailField,
  name: trimmed(100, "Name"),
  role: roleField,
  /** Empty: generate one and show it once. */
  password: z.preprocess((v) => (v === "" ? undefined : v), passwordField.optional()),
});

export const setRoleInput = z.object({ userId: uuid("User"), role: roleField });
export const setDisabledInput = z.object({
  userId: uuid("User"),
  disabled: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
});
export const resetPasswordInput = z.object({
  userId: uuid("User"),
  password: z.preprocess((v) => (v === "" ? undefined : v), passwordField.optional()),
});
const optionalDay = (name: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() || undefined : v),
    z
      .string({ error: `${name} must be a date like 2026-03-31.` })
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date like 2026-03-31.`)
      .refine(
        (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
        `${name} is not a day of the calendar.`,
      )
      .optional(),
  );

export const membershipInput = z
  .object({
    userId: uuid("User"),
    tenantId: uuid("Organization"),
    /** Optional narrower role within this tenant. */
    role: z.preprocess((v) => (v === "" ? undefined : v), roleField.optional()),
    /** An audit grant: the period (first and last day) everything is shown as of. */
    periodFrom: optionalDay("The period's first day"),
    periodTo: optionalDay("The period's last day"),
    /** The last day the membership gives access. */
    expiresOn: optionalDay("The access end date"),
  })
  .superRefine((v, ctx) => {
    if (!v.periodFrom !== !v.periodTo)
      ctx.addIssue({
        code: "custom",
        path: [v.periodFrom ? "periodTo" : "periodFrom"],
        message: "An audit period needs both its first and its last day.",
      });
    if (v.periodFrom && v.periodTo) {
      try {
        parsePeriod(v.periodFrom, v.periodTo);
      } catch (e) {
        ctx.addIssue({ code: "custom", path: ["periodTo"], message: `${(e as Error).message}.` });
      }
      if (!v.expiresOn)
        ctx.addIssue({
          code: "custom",
          path: ["expiresOn"],
          message: "An audit grant needs the date its access ends.",
        });
    }
  });
export const removeMembershipInput = z.object({ userId: uuid("User"), tenantId: uuid("Organization") });

export const signInInput = z.object({
  email: emailField,
  password: z
    .string({ error: "Password is required." })
    .min(1, "Password is required.")
    .max(PASSWORD_MAX_LENGTH, "Password is too long."),
});
