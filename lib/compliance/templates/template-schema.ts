// A framework template: requirements mapped to controls, each control's parameters, a scope.
// Built-in templates are versioned data; a custom template is a clone with changes, validated
// here so that bad input is refused with a message naming the field.
import { z } from "zod";
import { CONTROL_IDS, type ControlId } from "@/lib/compliance/model/finding";
import { scopeSchema, type Scope } from "@/lib/compliance/model/scope";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import { makeControlRun, type ControlRun } from "@/lib/compliance/engine/evaluate";

const controlIdSchema = z.string().refine((s): s is ControlId => (CONTROL_IDS as readonly string[]).includes(s), {
  message: "unknown control id (BK-01 to BK-21)",
});

export const requirementSchema = z
  .object({
    id: z.string().min(1, "requirement id must not be empty").max(64),
    title: z.string().min(1, "requirement title must not be empty").max(200),
    description: z.string().max(2000).default(""),
    controls: z.array(controlIdSchema).min(1, "a requirement needs at least one control"),
    /** Its weight in the framework's headline score (the requirements' scores averaged). */
    weight: z.number().positive("weight must be above 0").max(100, "weight is at most 100").default(1),
  })
  .strict();

export const templateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "template id is lowercase letters, digits and dashes"),
    name: z.string().min(1, "template name must not be empty").max(200),
    framework: z.string().min(1).max(100),
    version: z.string().regex(/^\d+(\.\d+)*$/, "version is dotted numbers, e.g. 2026.1"),
    basedOn: z.object({ id: z.string(), version: z.string() }).strict().nullable().default(null),
    description: z.string().max(2000).default(""),
    parameters: z.record(z.string(), z.unknown()).default({}),
    scope: scopeSchema.default({ ouIds: [], accountIds: [], regions: [], resourceTypes: [], tags: [] }),
    requirements: z.array(requirementSchema).min(1, "a template needs at least one requirement"),
  })
  .strict()
  .superRefine((t, c) => {
    for (const [id, raw] of Object.entries(t.parameters)) {
      if (!(CONTROL_IDS as readonly string[]).includes(id)) {
        c.addIssue({ code: "custom", path: ["parameters", id], message: `unknown control id ${id}` });
        continue;
      }
      const parsed = CONTROLS[id as ControlId].params.safeParse(raw ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          c.addIssue({ code: "custom", path: ["parameters", id, ...issue.path.map(String)], message: issue.message });
        }
      }
    }
    const seen = new Set<string>();
    t.requirements.forEach((r, i) => {
      if (seen.has(r.id))
        c.addIssue({ code: "custom", path: ["requirements", i, "id"], message: `duplicate requirement id ${r.id}` });
      seen.add(r.id);
    });
  });

export type TemplateInput = z.input<typeof templateSchema>;
export type Template = z.output<typeof templateSchema>;

/** Parse untrusted template input; issues carry paths like parameters.BK-02.frequencyValue. */
export function parseTemplate(input: unknown): { ok: true; template: Template } | { ok: false; errors: string[] } {
  const r = templateSchema.safeParse(input);
  if (r.success) return { ok: true, template: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.join(".") || "(template)"}: ${i.message}`) };
}

export interface TemplateChanges {
  id: string;
  name?: string;
  parameters?: Record<string, unknown>;
  scope?: Partial<Scope>;
  addRequirements?: z.input<typeof requirementSchema>[];
  removeRequirementIds?: string[];
}

/** Clone a template with changes; the clone records what it was based on. */
export function cloneTemplate(base: Template, changes: TemplateChanges): ReturnType<typeof parseTemplate> {
  return applyTemplateChanges(base, changes, {
    id: changes.id,
    name: changes.name ?? `${base.name} (custom)`,
    version: "1",
    basedOn: { id: base.id, version: base.version },
  });
}

/** A new version of a custom template: same id and origin, changes applied, validated again. */
export function reviseTemplate(
  current: Template,
  changes: Omit<TemplateChanges, "id">,
  version: string,
): ReturnType<typeof parseTemplate> {
  return applyTemplateChanges(
    current,
    { ...changes, id: current.id },
    { id: current.id, name: changes.name ?? current.name, version, basedOn: current.basedOn },
  );
}

function applyTemplateChanges(
  base: Template,
  changes: TemplateChanges,
  identity: Pick<Template, "id" | "name" | "version" | "basedOn">,
): ReturnType<typeof parseTemplate> {
  const removed = new Set(changes.removeRequirementIds ?? []);
  const unknown = [...removed].filter((id) => !base.requirements.some((r) => r.id === id));
  if (unknown.length)
    return { ok: false, errors: unknown.map((id) => `removeRequirementIds: no requirement ${id} in ${base.id}`) };
  const parameters: Record<string, unknown> = { ...base.parameters };
  for (const [id, p] of Object.entries(changes.parameters ?? {})) {
    const prev = parameters[id];
    parameters[id] = prev && typeof prev === "object" && p && typeof p === "object" ? { ...prev, ...p } : p;
  }
  return parseTemplate({
    ...base,
    ...identity,
    parameters,
    scope: { ...base.scope, ...changes.scope },
    requirements: [...base.requirements.filter((r) => !removed.has(r.id)), ...(changes.addRequirements ?? [])],
  });
}

/** The control runs a template needs, and which run each requirement reads. */
export function templateRuns(t: Template): { runs: ControlRun[]; requirementRuns: Map<string, string[]> } {
  const byControl = new Map<ControlId, ControlRun>();
  const requirementRuns = new Map<string, string[]>();
  for (const req of t.requirements) {
    const keys: string[] = [];
    for (const id of req.controls as ControlId[]) {
      let run = byControl.get(id);
      if (!run) byControl.set(id, (run = makeControlRun(id, t.parameters[id], t.scope)));
      keys.push(run.key);
    }
    requirementRuns.set(req.id, keys);
  }
  return { runs: [...byControl.values()], requirementRuns };
}
