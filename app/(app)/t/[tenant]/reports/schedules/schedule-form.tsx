"use client";

import { useState } from "react";
import { ActionForm } from "@/app/_components/form/action-form";
import { SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import { createReportScheduleAction, updateReportScheduleAction } from "./actions";
import type { ScheduleFormValues } from "./form-values";

/** Create (no id) or edit a schedule; the destination's fields follow the chosen kind. */
export function ScheduleForm({
  tenantId,
  values,
  frameworks,
  auditManagerTemplates,
}: {
  tenantId: string;
  values: ScheduleFormValues;
  /** The frameworks the organization is evaluated against. */
  frameworks: Array<{ slug: string; name: string }>;
  auditManagerTemplates: readonly string[];
}) {
  const [kind, setKind] = useState(values.destinationKind);
  const [report, setReport] = useState(values.kind);
  const editing = Boolean(values.id);
  return (
    <ActionForm
      action={editing ? updateReportScheduleAction : createReportScheduleAction}
      success={() => (editing ? "Saved." : "Schedule created.")}
      resetOnSuccess={!editing}
      className="grid max-w-3xl grid-cols-1 gap-4 sm:grid-cols-2"
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      {values.id && <input type="hidden" name="id" value={values.id} />}
      <TextField name="name" label="Name" defaultValue={values.name} maxLength={100} required />
      <TextField
        name="cron"
        label="Schedule (cron, UTC)"
        defaultValue={values.cron}
        hint="minute hour day month weekday, e.g. 0 6 * * 1 is Mondays at 06:00 UTC"
        required
      />
      <SelectField
        name="kind"
        label="Report"
        value={report}
        onChange={(e) => setReport(e.target.value)}
        options={[
          { value: "framework", label: "Framework report (PDF or HTML)" },
          { value: "audit-manager", label: "AWS Backup Audit Manager layout (CSV or JSON)" },
          { value: "bundle", label: "All reports with the signed evidence bundle (ZIP)" },
        ]}
      />
      {report !== "audit-manager" ? (
        <SelectField
          name="templateSlug"
          label="Framework"
          defaultValue={values.templateSlug}
          options={[
            { value: "", label: frameworks.length ? "Choose a framework" : "No framework evaluated yet" },
            ...frameworks.map((f) => ({ value: f.slug, label: f.name })),
          ]}
        />
      ) : (
        <SelectField
          name="amTemplate"
          label="Audit Manager template"
          defaultValue={values.amTemplate}
          options={auditManagerTemplates.map((t) => ({ value: t, label: t }))}
        />
      )}
      {report !== "bundle" && (
        <SelectField
          key={report}
          name="format"
          label="Format"
          defaultValue={
            report === "framework"
              ? values.format === "html"
                ? "html"
                : "pdf"
              : values.format === "json"
                ? "json"
                : "csv"
          }
          options={(report === "framework" ? ["pdf", "html"] : ["csv", "json"]).map((f) => ({
            value: f,
            label: f.toUpperCase(),
          }))}
        />
      )}
      <TextField
        name="periodDays"
        label="Period (days)"
        type="number"
        min={1}
        max={731}
        defaultValue={String(values.periodDays)}
        hint="the days up to the day before each delivery"
      />
      <label className="flex items-center gap-2 self-end text-sm text-slate-800">
        <input type="checkbox" name="enabled" defaultChecked={values.enabled} /> Enabled
      </label>
      <SelectField
        name="destinationKind"
        label="Deliver to"
        value={kind}
        onChange={(e) => setKind(e.target.value as ScheduleFormValues["destinationKind"])}
        options={[
          { value: "email", label: "Email" },
          { value: "s3", label: "S3 bucket" },
          { value: "folder", label: "Folder on the server" },
        ]}
      />
      <div className="sm:col-span-2 grid grid-cols-1 gap-4 sm:grid-cols-2">
        {kind === "folder" && (
          <TextField
            name="folderPath"
            label="Folder"
            defaultValue={values.folderPath}
            hint="an absolute path inside the server's report folder root"
          />
        )}
        {kind === "s3" && (
          <>
            <TextField name="s3Bucket" label="Bucket" defaultValue={values.s3Bucket} />
            <TextField name="s3Region" label="Region" defaultValue={values.s3Region} />
            <TextField
              name="s3Prefix"
              label="Key prefix"
              defaultValue={values.s3Prefix}
              hint="keys are prefix/organization/date/file; written as the organization's management role"
            />
          </>
        )}
        {kind === "email" && (
          <TextField
            name="emailRecipients"
            label="Recipients"
            defaultValue={values.emailRecipients}
            hint="email addresses, separated by commas"
          />
        )}
      </div>
      <div className="sm:col-span-2">
        <SubmitButton>{editing ? "Save schedule" : "Create schedule"}</SubmitButton>
      </div>
    </ActionForm>
  );
}
