import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { AwsFactory } from "@/lib/aws/client-factory";
import { fetchOwnPrincipal } from "@/lib/aws/own-principal";
import { awsSettingsFromEnv } from "@/lib/aws/settings";
import { getTenantRoleTemplates } from "@/lib/onboarding/tenant-role-templates";
import { describeRefusal, printJson, usage } from "./admin-command";
import { openRuntime, parseArgs } from "./runtime";

// `npm run onboarding -- templates --tenant NAME --out DIR`: the files that create a client
// organization's roles (lib/onboarding/), for an MSP to hand over or apply. The trust names the
// product's own principal, asked of STS; where STS cannot be reached (a build machine, no
// credentials), --principal gives it. Ends with ONE JSON line on stdout; exit 1 refused, 2 usage.

const USAGE = `usage:
  npm run onboarding -- templates --tenant NAME --out DIR [--principal ARN] [--targets r-xxxx,ou-xxxx-xxxxxxxx]`;

const [command, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
const known = new Set(["tenant", "out", "principal", "targets"]);
const unknown = Object.keys(args).filter((k) => !known.has(k));
if (command !== "templates" || unknown.length || typeof args.tenant !== "string" || typeof args.out !== "string")
  usage(unknown.length ? `unknown flag: --${unknown.join(", --")}\n${USAGE}` : USAGE);
for (const k of ["principal", "targets"] as const) if (args[k] === true) usage(`--${k} needs a value\n${USAGE}`);

/** The product's principal: the flag, else STS's answer; undefined (refused by validation) when neither. */
async function productPrincipal(env: Parameters<typeof awsSettingsFromEnv>[0]): Promise<string | undefined> {
  if (typeof args.principal === "string") return args.principal;
  let factory: AwsFactory | null = null;
  try {
    factory = new AwsFactory(await awsSettingsFromEnv(env));
    return (await fetchOwnPrincipal(factory)).arn;
  } catch (error) {
    process.stderr.write(`STS could not say who this product is (${(error as Error).message}).\n`);
    return undefined;
  } finally {
    factory?.destroy();
  }
}

const runtime = await openRuntime();
let code = 0;
try {
  const found = await findTenantByNameOrSlug(runtime.handle.db, args.tenant as string);
  if (!found) throw Object.assign(new Error(`no organization named "${args.tenant as string}"`), { refusal: true });
  const targets = typeof args.targets === "string" ? args.targets.split(",").map((t) => t.trim()) : undefined;
  const result = await getTenantRoleTemplates(runtime.handle.db, found.id, {
    principalArn: await productPrincipal(runtime.env),
    ...(targets ? { deploymentTargets: targets } : {}),
  });
  if (!result) throw Object.assign(new Error(`no organization named "${args.tenant as string}"`), { refusal: true });
  const out = path.resolve(args.out as string);
  for (const file of result.files) {
    mkdirSync(path.dirname(path.join(out, file.path)), { recursive: true });
    writeFileSync(path.join(out, file.path), file.content);
  }
  printJson({
    action: "templates",
    tenant: result.tenant,
    out,
    files: result.files.map((f) => ({ path: f.path, optional: f.optional, instructions: f.instructions })),
  });
} catch (error) {
  const refusal =
    describeRefusal(error) ?? ((error as { refusal?: boolean }).refusal ? `error: ${(error as Error).message}` : null);
  process.stderr.write(`${refusal ?? `error: ${error instanceof Error ? error.message : String(error)}`}\n`);
  code = 1;
}
await runtime.shutdown();
process.exit(code);
