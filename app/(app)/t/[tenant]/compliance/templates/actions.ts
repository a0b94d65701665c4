"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actorOf, defineAction, type ActionContext } from "@/lib/actions";
import { invalid, notFound } from "@/lib/errors";
import { CONTROL_IDS, type ControlId } from "@/lib/compliance/model/finding";
import { formFieldOf, parseTemplateForm } from "@/lib/compliance/templates/parameter-form";
import {
  cloneTenantTemplate,
  listTemplates,
  setTenantTemplates,
  updateTenantTemplate,
  type TemplateEdit,
} from "@/lib/compliance/templates/template-store";
import { AppError } from "@/lib/errors";

// Thin adapters: the wrapper checks session, capability (template:manage in this tenant) and the
// input's shape; lib/compliance/templates validates the template itself and writes it with its
// audit row in one transaction.

const tenantId = z.uuid({ error: "Organization is not a valid id." });
const slugField = z
  .string({ error: "Template id is required." })
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Use 2-63 lowercase letters, digits and dashes.");
const many = (label: string) =>
  z.preprocess(
    (v) => (v === undefined ? [] : [v].flat()),
    z.array(z.string().trim().min(1)).min(1, `Choose at least one ${label}.`),
  );

const refresh = (ctx: ActionContext) => revalidatePath(`/t/${ctx.tenant?.slug ?? ""}/compliance/templates`);

/** Re-keys template validation errors by the form field they belong to. */
function rekey(error: unknown): never {
  if (error instanceof AppError && error.fieldErrors) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(error.fieldErrors)) fields[formFieldOf(k)] ??= v;
    throw new AppError(error.code, error.message, fields);
  }
  throw error;
}

async function edit(ctx: ActionContext, p: { tenantId: string; slug: string; changes: TemplateEdit }) {
  try {
    const t = await updateTenantTemplate(ctx.db, actorOf(ctx), p);
    refresh(ctx);
    return { slug: t.slug, revision: t.revision };
  } catch (error) {
    rekey(error);
  }
}

export const cloneTemplateAction = defineAction(
  {
    name: "compliance.template.clone",
    capability: "template:manage",
    input: z.object({
      tenantId,
      fromSlug: slugField,
      slug: slugField,
      name: z
        .string({ error: "Name is required." })
        .trim()
        .min(1, "Name is required.")
        .max(200, "Name must be at most 200 characters."),
    }),
  },
  async (ctx, input) => {
    try {
      const t = await cloneTenantTemplate(ctx.db, actorOf(ctx), input);
      refresh(ctx);
      return { slug: t.slug, revision: t.revision };
    } catch (error) {
      rekey(error);
    }
  },
);

export const updateTemplateParametersAction = defineAction(
  {
    name: "compliance.template.update",
    capability: "template:manage",
    input: z.looseObject({
      tenantId,
      slug: slugField,
      name: z.string().trim().max(200, "Name must be at most 200 characters.").optional(),
    }),
  },
  async (ctx, input) => {
    const current = (await listTemplates(ctx.db, { tenantId: input.tenantId })).find(
      (t) => t.slug === input.slug && !t.builtin,
    );
    if (!current) throw notFound("That custom template");
    const controls = [...new Set(current.template.requirements.flatMap((r) => r.controls as ControlId[]))];
    const parsed = parseTemplateForm(input, controls);
    if (Object.keys(parsed.errors).length) throw invalid("Some fields need attention.", parsed.errors);
    return edit(ctx, {
      tenantId: input.tenantId,
      slug: input.slug,
      changes: {
        ...(input.name ? { name: input.name } : {}),
        parameters: parsed.parameters,
        ...(parsed.scope ? { scope: parsed.scope } : {}),
      },
    });
  },
);

export const addRequirementAction = defineAction(
  {
    name: "compliance.template.add_requirement",
    capability: "template:manage",
    input: z.object({
      tenantId,
      slug: slugField,
      id: z
        .string({ error: "Requirement id is required." })
        .trim()
        .min(1, "Requirement id is required.")
        .max(64, "Requirement id must be at most 64 characters."),
      title: z
        .string({ error: "Title is required." })
        .trim()
        .min(1, "Title is required.")
        .max(200, "Title must be at most 200 characters."),
      description: z.string().trim().max(2000, "Description must be at most 2000 characters.").optional(),
      controls: many("control").pipe(z.array(z.enum(CONTROL_IDS, { error: "Unknown control (BK-01 to BK-21)." }))),
    }),
  },
  async (ctx, input) =>
    edit(ctx, {
      tenantId: input.tenantId,
      slug: input.slug,
      changes: {
        addRequirements: [
          { id: input.id, title: input.title, description: input.description ?? "", controls: input.controls },
        ],
      },
    }),
);

export const removeRequirementAction = defineAction(
  {
    name: "compliance.template.remove_requirement",
    capability: "template:manage",
    input: z.object({
      tenantId,
      slug: slugField,
      requirementId: z.string().trim().min(1, "Requirement id is required."),
    }),
  },
  async (ctx, input) =>
    edit(ctx, { tenantId: input.tenantId, slug: input.slug, changes: { removeRequirementIds: [input.requirementId] } }),
);

export const setTenantTemplatesAction = defineAction(
  {
    name: "compliance.templates.select",
    capability: "template:manage",
    input: z.object({ tenantId, slugs: many("template") }),
  },
  async (ctx, input) => {
    const slugs = await setTenantTemplates(ctx.db, actorOf(ctx), input);
    refresh(ctx);
    return { slugs };
  },
);
