import type { z } from "zod";
import type { Actor } from "@/lib/admin/users";
import { AppError, invalid } from "@/lib/errors";
import { fieldErrorsOf } from "@/lib/validation/common";

// Shared by the admin commands (`npm run tenant`, `npm run template`): the audit log's named
// system actor, ONE JSON line on stdout for a result, and refusals on stderr naming the flag at
// fault in the words the forms use. Exit codes: 0 done, 1 refused (invalid, conflict, not
// found), 2 usage.

export const systemActor = (command: string): Actor => ({ userId: null, email: `cli:${command}`, ip: null });

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function usage(text: string): never {
  process.stderr.write(`${text}\n`);
  process.exit(2);
}

/** An error a person can act on: the message, then one line per field (named as its flag). */
export function describeRefusal(error: unknown, flagOf: Record<string, string> = {}): string | null {
  if (!(error instanceof AppError)) return null;
  const fields = Object.entries(error.fieldErrors ?? {}).map(([k, v]) => `  ${flagOf[k] ?? k}: ${v}`);
  return [`error: ${error.message}`, ...fields].join("\n");
}

/** The form schema's verdict: the parsed input, or the same refusal the form would show. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid("Some fields need attention.", fieldErrorsOf(r.error));
  return r.data;
}
