import { z } from "zod";

/** Form values arrive as strings; trim them and treat "" as absent. */
export const trimmed = (max: number, label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`);

export const uuid = (label: string) => z.uuid({ error: `${label} is not a valid id.` });

/** Turns zod issues into one message per field, named by its path. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}
