import { createInterface } from "node:readline/promises";
import { z } from "zod";
import { createUser } from "@/lib/admin/users";
import { AppError } from "@/lib/errors";
import { createUserInput } from "@/lib/validation/users";
import { fail, log, openRuntime, parseArgs } from "./runtime";

// npm run user:create -- --email E --role R [--name N]
// Prompts for a password on a terminal (empty = generate one); without a terminal, generates one.
const args = parseArgs(process.argv.slice(2));
if (typeof args.email !== "string" || typeof args.role !== "string")
  fail(
    'usage: npm run user:create -- --email you@example.com --role admin|operator|compliance|auditor [--name "Your Name"]',
  );

async function askPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const answer = await rl.question("Password (at least 12 characters; leave empty to generate one): ");
  rl.close();
  return answer === "" ? undefined : answer;
}

const parsed = createUserInput.safeParse({
  email: args.email,
  role: args.role,
  name: typeof args.name === "string" ? args.name : String(args.email).split("@")[0],
  password: await askPassword(),
});
if (!parsed.success) fail(z.prettifyError(parsed.error));

const runtime = await openRuntime();
try {
  const result = await createUser(runtime.handle.db, { userId: null, email: "cli:user:create", ip: null }, parsed.data);
  log(`created ${parsed.data.role} ${parsed.data.email}`);
  if (result.generatedPassword) log(`password (shown once): ${result.generatedPassword}`);
} catch (error) {
  await runtime.shutdown();
  fail(error instanceof AppError ? error.message : String(error));
}
await runtime.shutdown();
