import type { Metadata } from "next";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { requireTenantPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { CONTROLS } from "@/lib/compliance/controls/registry";
import type { ControlId } from "@/lib/compliance/model/finding";
import { formatParam, PARAM_FIELDS } from "@/lib/compliance/templates/parameter-form";
import { listTemplates, type StoredTemplate } from "@/lib/compliance/templates/template-store";
import {
  AddRequirementForm,
  CloneTemplateForm,
  ParametersForm,
  RemoveRequirementButton,
  SelectTemplatesForm,
  type TemplateFormView,
} from "./template-forms";

export const metadata: Metadata = { title: "Framework templates" };

/** The parameters a template fixes for a control, defaults filled in, as one line. */
function paramsLine(t: StoredTemplate, control: ControlId): string {
  const fields = PARAM_FIELDS[control];
  if (fields.length === 0) return "no parameters";
  const parsed = CONTROLS[control].params.safeParse(t.template.parameters[control] ?? {});
  const values = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  return fields.map((f) => `${f.label.toLowerCase()}: ${formatParam(f.kind, values[f.name]) || "any"}`).join(" · ");
}

function scopeLine(t: StoredTemplate): string {
  const s = t.template.scope;
  const parts = [
    s.ouIds.length ? `OUs ${s.ouIds.join(", ")}` : "",
    s.accountIds.length ? `accounts ${s.accountIds.join(", ")}` : "",
    s.regions.length ? `regions ${s.regions.join(", ")}` : "",
    s.resourceTypes.length ? `types ${s.resourceTypes.join(", ")}` : "",
    s.tags.length
      ? `tags ${s.tags.map((x) => (x.value === undefined ? x.key : `${x.key}=${x.value}`)).join(", ")}`
      : "",
  ].filter(Boolean);
  return parts.length ? parts.join("; ") : "the whole organization";
}

function formView(t: StoredTemplate): TemplateFormView {
  const controls = [...new Set(t.template.requirements.flatMap((r) => r.controls as ControlId[]))].sort();
  const parameters: TemplateFormView["parameters"] = {};
  for (const c of controls) {
    const parsed = CONTROLS[c].params.safeParse(t.template.parameters[c] ?? {});
    parameters[c] = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  }
  return { slug: t.slug, name: t.name, builtin: t.builtin, controls, parameters, scope: t.template.scope };
}

export default async function TemplatesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { tenant } = await requireTenantPage(slug);
  const templates = await listTemplates(getDb(), { tenantId: tenant.tenantId });
  const canManage = tenant.capabilities.includes("template:manage");
  return (
    <div className="space-y-5">
      <PageHeader
        title="Framework templates"
        description="Each template maps a framework's requirements to controls and fixes the controls' parameters and scope. Built-in templates change only by cloning; every change is a new revision, recorded in the audit log."
      />
      <Card
        title="Templates evaluated"
        description="The next evaluation (after each sync) scores the organization against these."
      >
        {canManage ? (
          <SelectTemplatesForm
            tenantId={tenant.tenantId}
            options={templates.map((t) => ({ slug: t.slug, name: t.name }))}
            selected={templates.filter((t) => t.selected).map((t) => t.slug)}
          />
        ) : (
          <p className="text-sm text-slate-700">
            {templates
              .filter((t) => t.selected)
              .map((t) => t.name)
              .join(", ")}
          </p>
        )}
      </Card>
      {templates.map((t) => (
        <Card
          key={t.slug}
          title={
            <span className="flex flex-wrap items-center gap-2">
              {t.name}
              <Badge tone={t.builtin ? "gray" : "violet"}>{t.builtin ? "built-in" : "custom"}</Badge>
              {t.selected && <Badge tone="green">evaluated</Badge>}
            </span>
          }
          description={`${t.slug} · version ${t.version} · revision ${t.revision}${t.template.basedOn ? ` · based on ${t.template.basedOn.id} ${t.template.basedOn.version}` : ""}${t.createdByEmail ? ` · by ${t.createdByEmail}, ${formatDateTime(t.createdAt)}` : ""} · scope: ${scopeLine(t)}`}
        >
          {t.template.description && <p className="mb-3 text-sm text-slate-600">{t.template.description}</p>}
          <Table caption={`Requirements of ${t.name}`}>
            <thead>
              <tr>
                <Th>Requirement</Th>
                <Th>Controls and their parameters</Th>
                {canManage && !t.builtin && (
                  <Th>
                    <span className="sr-only">Remove</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {t.template.requirements.map((r) => (
                <tr key={r.id}>
                  <Td className="w-1/3">
                    <div className="font-medium">
                      {r.id} {r.title}
                    </div>
                    {r.description && <div className="mt-0.5 text-xs text-slate-500">{r.description}</div>}
                  </Td>
                  <Td>
                    <ul className="space-y-1">
                      {(r.controls as ControlId[]).map((c) => (
                        <li key={c} className="text-xs">
                          <span className="font-mono font-medium text-slate-900">{c}</span>{" "}
                          <span className="text-slate-700">{CONTROLS[c].title}</span>
                          <span className="text-slate-500"> — {paramsLine(t, c)}</span>
                        </li>
                      ))}
                    </ul>
                  </Td>
                  {canManage && !t.builtin && (
                    <Td className="text-right">
                      {t.template.requirements.length > 1 && (
                        <RemoveRequirementButton tenantId={tenant.tenantId} slug={t.slug} requirementId={r.id} />
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
          {canManage && (
            <div className="mt-5 space-y-5 border-t border-slate-100 pt-4">
              {!t.builtin && (
                <>
                  <ParametersForm tenantId={tenant.tenantId} template={formView(t)} />
                  <div className="border-t border-slate-100 pt-4">
                    <h3 className="mb-2 text-sm font-semibold text-slate-900">Add a requirement</h3>
                    <AddRequirementForm tenantId={tenant.tenantId} slug={t.slug} />
                  </div>
                </>
              )}
              <div className={t.builtin ? "" : "border-t border-slate-100 pt-4"}>
                <h3 className="mb-2 text-sm font-semibold text-slate-900">
                  Clone {t.builtin ? "to change parameters, scope or requirements" : "this template"}
                </h3>
                <CloneTemplateForm tenantId={tenant.tenantId} from={{ slug: t.slug, name: t.name }} />
              </div>
            </div>
          )}
        </Card>
      ))}
    </div>
  );
}
