import { z } from "zod";

// No compiled parsers: zod probes for them with `new Function`, which the Content-Security-Policy
// refuses (and reports) in the browser, where forms import these schemas. Forms are small; the
// interpreted parser is fast enough on the server too. The schemas forms load import this module.
z.config({ jitless: true });

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
