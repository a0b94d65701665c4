// Templates as versioned data: built-ins are seeded from code (a new built-in version is a new
// row), a tenant's custom templates are clones with changes, every change is a new revision, and
// each mutation writes its audit row in the same transaction.
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Conn, Db } from "@/db";
import { recordAudit } from "@/db/audit";
import { complianceTemplates, complianceTenantTemplates, type ComplianceTemplateRow } from "@/db/schema";
import { conflict, invalid, isUniqueViolation, notFound } from "@/lib/errors";
import { stableStringify } from "@/lib/compliance/engine/evaluate";
import { BUILTIN_TEMPLATES } from "./builtin-templates";
import { cloneTemplate, parseTemplate, reviseTemplate, type Template, type TemplateChanges } from "./template-schema";

export interface Actor {
  userId: string | null;
  email: string;
  ip: string | null;
}

export interface StoredTemplate {
  templateId: string;
  slug: string;
  revision: number;
  version: string;
  name: string;
  framework: string;
  builtin: boolean;
  selected: boolean;
  template: Template;
  createdAt: Date;
  createdByEmail: string | null;
}

const BUILTIN_SLUGS = new Set(BUILTIN_TEMPLATES.map((t) => t.id));

/** Inserts each built-in template version that is not stored yet (idempotent, race-safe). */
export async function seedBuiltinTemplates(db: Conn): Promise<void> {
  const stored = await db
    .select({
      slug: complianceTemplates.slug,
      version: complianceTemplates.version,
      revision: complianceTemplates.revision,
    })
    .from(complianceTemplates)
    .where(isNull(complianceTemplates.tenantId));
  for (const t of BUILTIN_TEMPLATES) {
    const mine = stored.filter((s) => s.slug === t.id);
    if (mine.some((s) => s.version === t.version)) continue;
    const revision = Math.max(0, ...mine.map((s) => s.revision)) + 1;
    await db
      .insert(complianceTemplates)
      .values({
        tenantId: null,
        slug: t.id,
        revision,
        version: t.version,
        name: t.name,
        framework: t.framework,
        definition: t as unknown as Record<string, unknown>,
      })
      .onConflictDoNothing();
  }
}

function toStored(row: ComplianceTemplateRow, selected: ReadonlySet<string>): StoredTemplate {
  const parsed = parseTemplate(row.definition);
  if (!parsed.ok)
    throw new Error(`stored template ${row.slug} r${row.revision} is invalid: ${parsed.errors.join("; ")}`);
  return {
    templateId: row.id,
    slug: row.slug,
    revision: row.revision,
    version: row.version,
    name: row.name,
    framework: row.framework,
    builtin: row.tenantId === null,
    selected: selected.has(row.slug),
    template: parsed.template,
    createdAt: row.createdAt,
    createdByEmail: row.createdByEmail,
  };
}

async function selectedSlugs(db: Conn, tenantId: string): Promise<Set<string>> {
  const rows = await db
    .select({ slug: complianceTenantTemplates.slug })
    .from(complianceTenantTemplates)
    .where(eq(complianceTenantTemplates.tenantId, tenantId));
  // Until someone chooses, a tenant is evaluated against the three built-ins.
  return rows.length ? new Set(rows.map((r) => r.slug)) : new Set(BUILTIN_SLUGS);
}

/** Built-in and the tenant's custom templates, latest revision of each, with the tenant's choice. */
export async function listTemplates(db: Conn, p: { tenantId: string }): Promise<StoredTemplate[]> {
  await seedBuiltinTemplates(db);
  const rows = await db
    .select()
    .from(complianceTemplates)
    .where(or(isNull(complianceTemplates.tenantId), eq(complianceTemplates.tenantId, p.tenantId)))
    .orderBy(asc(complianceTemplates.slug), asc(complianceTemplates.revision));
  const latest = new Map<string, ComplianceTemplateRow>();
  for (const r of rows) latest.set(`${r.tenantId ?? ""}|${r.slug}`, r);
  const selected = await selectedSlugs(db, p.tenantId);
  return [...latest.values()]
    .map((r) => toStored(r, selected))
    .sort((a, b) => Number(b.builtin) - Number(a.builtin) || a.name.localeCompare(b.name));
}

/** The templates the tenant is evaluated against (latest revisions). */
export async function listEvaluationTemplates(db: Conn, p: { tenantId: string }): Promise<StoredTemplate[]> {
  return (await listTemplates(db, p)).filter((t) => t.selected);
}

async function latestOwned(db: Conn, tenantId: string, slug: string): Promise<ComplianceTemplateRow | undefined> {
  const rows = await db
    .select()
    .from(complianceTemplates)
    .where(
      and(
        eq(complianceTemplates.slug, slug),
        or(isNull(complianceTemplates.tenantId), eq(complianceTemplates.tenantId, tenantId)),
      ),
    )
    .orderBy(sql`${complianceTemplates.revision} desc`)
    .limit(1);
  return rows[0];
}

/** zod-path messages ("parameters.BK-02.frequencyValue: …") as field errors keyed by that path. */
export function templateFieldErrors(errors: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const i = e.indexOf(": ");
    const key = i > 0 ? e.slice(0, i) : "_form";
    out[key] ??= i > 0 ? e.slice(i + 2) : e;
  }
  return out;
}

/**
 * Stores a template revision with its audit row in one transaction. `taken` is the error to give
 * when (tenant, slug, revision) already exists: a duplicate id, or someone else's concurrent edit.
 */
async function insertRevision(
  db: Db,
  actor: Actor,
  r: { tenantId: string; slug: string; revision: number; template: Template },
  audit: { action: string; details: Record<string, unknown>; taken: Error },
): Promise<StoredTemplate> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(complianceTemplates)
        .values({
          tenantId: r.tenantId,
          slug: r.slug,
          revision: r.revision,
          version: r.template.version,
          name: r.template.name,
          framework: r.template.framework,
          definition: r.template as unknown as Record<string, unknown>,
          createdById: actor.userId,
          createdByEmail: actor.email,
        })
        .returning();
      await recordAudit(tx, {
        actorId: actor.userId,
        actorEmail: actor.email,
        ip: actor.ip,
        tenantId: r.tenantId,
        action: audit.action,
        targetType: "compliance_template",
        targetId: row!.id,
        details: audit.details,
      });
      return toStored(row!, await selectedSlugs(tx, r.tenantId));
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw audit.taken;
    throw error;
  }
}

export async function cloneTenantTemplate(
  db: Db,
  actor: Actor,
  p: { tenantId: string; fromSlug: string; slug: string; name: string },
): Promise<StoredTemplate> {
  await seedBuiltinTemplates(db);
  const base = await latestOwned(db, p.tenantId, p.fromSlug);
  if (!base) throw notFound("That template");
  if (BUILTIN_SLUGS.has(p.slug) || (await latestOwned(db, p.tenantId, p.slug)))
    throw conflict("A template with this id already exists.", { slug: "A template with this id already exists." });
  const cloned = cloneTemplate(toStored(base, new Set()).template, { id: p.slug, name: p.name });
  if (!cloned.ok) throw invalid("The template is not valid.", templateFieldErrors(cloned.errors));
  return insertRevision(
    db,
    actor,
    { tenantId: p.tenantId, slug: p.slug, revision: 1, template: cloned.template },
    {
      action: "compliance.template.clone",
      details: {
        slug: p.slug,
        name: p.name,
        from: { slug: base.slug, revision: base.revision, version: base.version },
      },
      taken: conflict("A template with this id already exists.", { slug: "A template with this id already exists." }),
    },
  );
}

export type TemplateEdit = Omit<TemplateChanges, "id">;

/** A new revision of a custom template (built-ins are changed by cloning them). */
export async function updateTenantTemplate(
  db: Db,
  actor: Actor,
  p: { tenantId: string; slug: string; changes: TemplateEdit },
): Promise<StoredTemplate> {
  const current = await latestOwned(db, p.tenantId, p.slug);
  if (!current) throw notFound("That template");
  if (current.tenantId === null)
    throw invalid("Built-in templates cannot be changed; clone one and change the clone.", {
      slug: "Built-in templates cannot be changed; clone one first.",
    });
  const revision = current.revision + 1;
  const revised = reviseTemplate(toStored(current, new Set()).template, p.changes, String(revision));
  if (!revised.ok) throw invalid("Some fields need attention.", templateFieldErrors(revised.errors));
  return insertRevision(
    db,
    actor,
    { tenantId: p.tenantId, slug: p.slug, revision, template: revised.template },
    {
      action: "compliance.template.update",
      details: {
        slug: p.slug,
        revision,
        previousRevision: current.revision,
        changes: p.changes as Record<string, unknown>,
      },
      taken: conflict("Someone changed this template at the same time; reload and try again."),
    },
  );
}

/**
 * Imports a template as exported (`npm run template -- export`): validated by the same schema as
 * every template, stored as the tenant's custom template of that id (revision 1, or the next
 * revision when it differs from the latest; unchanged when it is the same), with its audit row.
 * Built-in ids are refused: a built-in is changed by cloning it under another id.
 */
export async function importTenantTemplate(
  db: Db,
  actor: Actor,
  p: { tenantId: string; definition: unknown },
): Promise<{ template: StoredTemplate; outcome: "created" | "revised" | "unchanged" }> {
  await seedBuiltinTemplates(db);
  const parsed = parseTemplate(p.definition);
  if (!parsed.ok) throw invalid("The template is not valid.", templateFieldErrors(parsed.errors));
  const t = parsed.template;
  if (BUILTIN_SLUGS.has(t.id))
    throw conflict(`${t.id} is a built-in template's id; import the template under another id.`, {
      id: "A built-in template has this id.",
    });
  const latest = await latestOwned(db, p.tenantId, t.id);
  if (latest) {
    const current = toStored(latest, await selectedSlugs(db, p.tenantId));
    // jsonb keeps its own key order: compare the parsed templates, keys sorted.
    if (stableStringify(current.template) === stableStringify(t)) return { template: current, outcome: "unchanged" };
  }
  const revision = (latest?.revision ?? 0) + 1;
  const template = await insertRevision(
    db,
    actor,
    { tenantId: p.tenantId, slug: t.id, revision, template: t },
    {
      action: "compliance.template.import",
      details: {
        slug: t.id,
        revision,
        version: t.version,
        name: t.name,
        framework: t.framework,
        requirements: t.requirements.length,
        basedOn: t.basedOn,
        previousRevision: latest?.revision ?? null,
      },
      taken: conflict("Someone changed this template at the same time; try again."),
    },
  );
  return { template, outcome: latest ? "revised" : "created" };
}

/** Chooses the templates the tenant is evaluated against (at least one). */
export async function setTenantTemplates(
  db: Db,
  actor: Actor,
  p: { tenantId: string; slugs: string[] },
): Promise<string[]> {
  const slugs = [...new Set(p.slugs)];
  if (slugs.length === 0) throw invalid("Choose at least one template.", { slugs: "Choose at least one template." });
  await seedBuiltinTemplates(db);
  const known = await db
    .selectDistinct({ slug: complianceTemplates.slug })
    .from(complianceTemplates)
    .where(
      and(
        inArray(complianceTemplates.slug, slugs),
        or(isNull(complianceTemplates.tenantId), eq(complianceTemplates.tenantId, p.tenantId)),
      ),
    );
  const missing = slugs.filter((s) => !known.some((k) => k.slug === s));
  if (missing.length)
    throw invalid("Unknown template.", { slugs: `No template ${missing.join(", ")} in this organization.` });
  return db.transaction(async (tx) => {
    const before = [...(await selectedSlugs(tx, p.tenantId))].sort();
    await tx.delete(complianceTenantTemplates).where(eq(complianceTenantTemplates.tenantId, p.tenantId));
    await tx
      .insert(complianceTenantTemplates)
      .values(slugs.map((slug) => ({ tenantId: p.tenantId, slug, addedByEmail: actor.email })));
    await recordAudit(tx, {
      actorId: actor.userId,
      actorEmail: actor.email,
      ip: actor.ip,
      tenantId: p.tenantId,
      action: "compliance.templates.select",
      targetType: "tenant",
      targetId: p.tenantId,
      details: { before, after: [...slugs].sort() },
    });
    return slugs;
  });
}
