import { readFileSync } from "node:fs";
import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { importTenantTemplate, listTemplates, setTenantTemplates } from "@/lib/compliance/templates/template-store";
import { describeRefusal, printJson, systemActor, usage } from "./admin-command";
import { openRuntime, parseArgs } from "./runtime";

// `npm run template -- import FILE --tenant NAME [--select]`: a framework template from a file,
// in the JSON `export` prints, validated by the schema every template passes
// (lib/compliance/templates/template-schema.ts) and stored as the organization's custom template
// of that id with its audit row (actor "cli:template"); --select adds it to the templates the
// organization is evaluated against. `export SLUG --tenant NAME` prints a template (built-in or
// custom, latest revision) as one JSON line; `list --tenant NAME` the templates and which are
// selected. Every command ends with ONE JSON line on stdout.

const USAGE = `usage:
  npm run template -- import FILE --tenant NAME [--select]
  npm run template -- export SLUG --tenant NAME
  npm run template -- list --tenant NAME`;

const [command, operand, ...rest] = process.argv.slice(2);
const args = parseArgs(command === "list" ? [operand ?? "", ...rest] : rest);
const tenantName = typeof args.tenant === "string" ? args.tenant : undefined;
if (!["import", "export", "list"].includes(command ?? "") || !tenantName) usage(USAGE);
if (command !== "list" && (!operand || operand.startsWith("--"))) usage(USAGE);

/** The file's template, or why it cannot be one (before anything is opened). */
function readDefinition(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    usage(`error: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    process.stderr.write(`error: ${file} is not JSON: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
const definition = command === "import" ? readDefinition(operand!) : undefined;

const runtime = await openRuntime();
const db = runtime.handle.db;
const actor = systemActor("template");
let code = 0;
try {
  const tenant = await findTenantByNameOrSlug(db, tenantName!);
  if (!tenant) throw Object.assign(new Error(`no organization named "${tenantName}"`), { refusal: true });
  if (command === "list") {
    const all = await listTemplates(db, { tenantId: tenant.id });
    printJson({
      tenant: tenant.name,
      templates: all.map((t) => ({
        slug: t.slug,
        name: t.name,
        framework: t.framework,
        revision: t.revision,
        version: t.version,
        builtin: t.builtin,
        selected: t.selected,
      })),
    });
  } else if (command === "export") {
    const t = (await listTemplates(db, { tenantId: tenant.id })).find((x) => x.slug === operand);
    if (!t) throw Object.assign(new Error(`no template ${operand} in ${tenant.name}`), { refusal: true });
    printJson(t.template);
  } else {
    const { template, outcome } = await importTenantTemplate(db, actor, { tenantId: tenant.id, definition });
    let selected = (await listTemplates(db, { tenantId: tenant.id })).filter((t) => t.selected).map((t) => t.slug);
    if (args.select === true && !selected.includes(template.slug))
      selected = await setTenantTemplates(db, actor, { tenantId: tenant.id, slugs: [...selected, template.slug] });
    printJson({
      action: "import",
      outcome,
      tenant: tenant.name,
      template: {
        slug: template.slug,
        name: template.name,
        framework: template.framework,
        revision: template.revision,
        version: template.version,
        requirements: template.template.requirements.length,
      },
      selected: [...selected].sort(),
    });
  }
} catch (error) {
  const refusal =
    describeRefusal(error) ?? ((error as { refusal?: boolean }).refusal ? `error: ${(error as Error).message}` : null);
  process.stderr.write(`${refusal ?? `error: ${error instanceof Error ? error.message : String(error)}`}\n`);
  code = 1;
}
await runtime.shutdown();
process.exit(code);
