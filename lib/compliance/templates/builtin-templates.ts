// The three built-in templates, validated once at load: a broken built-in fails loudly.
import { parseTemplate, type Template, type TemplateInput } from "./template-schema";
import { iso27001Template } from "./iso-27001-2022";
import { soc2Template } from "./soc2-2017";
import { gdprTemplate } from "./gdpr";

function load(input: TemplateInput): Template {
  const r = parseTemplate(input);
  if (!r.ok) throw new Error(`built-in template ${input.id} is invalid: ${r.errors.join("; ")}`);
  return r.template;
}

export const BUILTIN_TEMPLATES: readonly Template[] = [load(iso27001Template), load(soc2Template), load(gdprTemplate)];

export function getBuiltinTemplate(id: string): Template | undefined {
  return BUILTIN_TEMPLATES.find((t) => t.id === id);
}
