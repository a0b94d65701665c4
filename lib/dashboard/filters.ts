import { z } from "zod";

// Building blocks for table filters parsed from the URL. Empty strings mean "no filter"; a value
// that cannot be a real filter (a malformed account ID) is refused with a message, not ignored.

export const optionalText = (max = 200) =>
  z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : Array.isArray(v) ? v[0] : v),
    z.string().trim().max(max).optional(),
  );

export const optionalAccount = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^\d{12}$/, "Account must be a 12-digit account ID.")
    .optional(),
);

export const optionalRegion = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "Not a region code.")
    .optional(),
);

export const optionalDate = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z.iso.date({ error: "Use a date like 2026-11-27." }).optional(),
);

export const sortDir = z.preprocess((v) => (v === "asc" ? "asc" : "desc"), z.enum(["asc", "desc"]));

/** A case-insensitive "contains" pattern for ILIKE, with the wildcards in the input escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, "\\$&")}%`;
}

/** Capped count: exact up to the cap, "cap+" beyond it, so a count never scans a million rows twice. */
export const COUNT_CAP = 100_000;
