import { z } from "zod";
import { ROLES } from "@/db/schema/enums";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";
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
export const membershipInput = z.object({
  userId: uuid("User"),
  tenantId: uuid("Organization"),
  /** Optional narrower role within this tenant. */
  role: z.preprocess((v) => (v === "" ? undefined : v), roleField.optional()),
});
export const removeMembershipInput = z.object({ userId: uuid("User"), tenantId: uuid("Organization") });

export const signInInput = z.object({
  email: emailField,
  password: z
    .string({ error: "Password is required." })
    .min(1, "Password is required.")
    .max(PASSWORD_MAX_LENGTH, "Password is too long."),
});
