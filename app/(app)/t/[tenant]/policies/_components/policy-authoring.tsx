"use client";

import { useCallback, useId, useMemo, useState } from "react";
import type { Diagnostic } from "@codemirror/lint";
import { buttonClass } from "@/app/_components/ui/button";
import { formatPolicy, generatePolicy } from "@/lib/policies/generate";
import { errorRange } from "@/lib/policies/locate";
import { parsePolicyText } from "@/lib/policies/parse";
import {
  applyFormFields,
  readFormFields,
  toFormValues,
  type FormField,
  type FormReading,
  type PolicyFormValues,
} from "@/lib/policies/policy-form";
import type { TargetOption, TemplateStart } from "@/lib/policies/screens";
import { countPolicyChars } from "@/lib/policies/size";
import { checkPolicyText } from "@/lib/policies/validate";
import { JsonEditor } from "./json-editor";
import { Panel } from "./panel";
import { PolicyFields } from "./policy-fields";
import { Problems } from "./problems";
import { SaveDraftForm, type SaveMode } from "./save-draft-form";

const TEMPLATE_HELP =
  "Fills the form and the JSON with a plan that meets the template's backup parameters: frequency and retention (BK-02, BK-05), copies (BK-06, BK-07), the tag it selects by.";

function reading(text: string): FormReading | null {
  const parsed = parsePolicyText(text);
  return parsed.ok ? readFormFields(parsed.value) : null;
}

/**
 * Authoring a version: a framework template's parameters generate a document, then the form (its
 * common fields) and the JSON editor edit the same document. Typing in the JSON re-reads the form;
 * changing a field rewrites its part of the JSON. Validation runs in the browser as the user types
 * (the same checkPolicyText the server runs again on save).
 */
export function PolicyAuthoring({
  tenantId,
  slug,
  templates,
  targets,
  mode,
  initialText,
}: {
  tenantId: string;
  slug: string;
  templates: TemplateStart[];
  targets: TargetOption[];
  mode: SaveMode;
  initialText: string | null;
}) {
  const first = templates[0];
  const startText = initialText ?? (first ? generated(first) : '{\n  "plans": {}\n}\n');
  const [text, setText] = useState(startText);
  const [read, setRead] = useState<FormReading | null>(() => reading(startText));
  const [values, setValues] = useState<PolicyFormValues | null>(() => read?.values ?? null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string>>>({});
  const [template, setTemplate] = useState(first?.slug ?? "");
  const [focus, setFocus] = useState<{ from: number; to: number; seq: number } | null>(null);
  // Generating from another template also suggests that template's policy name.
  const [generation, setGeneration] = useState({ n: 0, name: mode.kind === "create" ? mode.suggestedName : "" });
  const templateId = useId();

  const check = useMemo(() => checkPolicyText(text, { mode: "document", channel: "api" }), [text]);
  const errors = useMemo(() => (check.ok ? [] : check.errors), [check]);
  const diagnostics = useMemo<Diagnostic[]>(
    () =>
      errors.map((e) => ({
        ...errorRange(text, e),
        severity: "error",
        message: `${e.message}\n${e.path} · ${e.reason} · ${e.code}`,
      })),
    [errors, text],
  );

  const onType = useCallback((next: string) => {
    setText(next);
    const r = reading(next);
    setRead(r);
    if (r) {
      setValues(r.values);
      setFieldErrors({});
    }
  }, []);

  const onField = (field: FormField, value: string) => {
    if (!values) return;
    const next = { ...values, [field]: value };
    setValues(next);
    const parsed = parsePolicyText(text);
    if (!parsed.ok) return;
    const written = applyFormFields(parsed.value, values, next);
    setFieldErrors(written.errors);
    if (written.doc !== parsed.value) setText(formatPolicy(written.doc));
  };

  const generate = () => {
    const t = templates.find((x) => x.slug === template);
    if (!t) return;
    const fresh = generated(t);
    setText(fresh);
    const r = reading(fresh);
    setRead(r);
    setValues(r?.values ?? toFormValues(t.params));
    setFieldErrors({});
    setGeneration((g) => ({ n: g.n + 1, name: t.params.planName }));
  };

  const jump = (i: number) => {
    const e = errors[i];
    if (e) setFocus({ ...errorRange(text, e), seq: (focus?.seq ?? 0) + 1 });
  };

  const picker = (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <div className="min-w-0 sm:w-96">
        <label htmlFor={templateId} className="mb-1 block text-sm font-medium text-slate-800">
          Framework template
        </label>
        <select
          id={templateId}
          value={template}
          onChange={(e) => setTemplate(e.target.value)}
          className="block w-full rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500"
        >
          {templates.map((t) => (
            <option key={t.slug} value={t.slug}>
              {t.name}
              {t.selected ? " (evaluated here)" : ""}
            </option>
          ))}
        </select>
      </div>
      <button type="button" onClick={generate} className={buttonClass("secondary")}>
        Generate from template
      </button>
    </div>
  );

  return (
    <div className="space-y-5">
      {templates.length > 0 &&
        (mode.kind === "create" ? (
          <Panel title="Start from a framework template" description={TEMPLATE_HELP}>
            {picker}
          </Panel>
        ) : (
          // Editing starts from a version: regenerating is there, but out of the way.
          <details className="group rounded-lg border border-slate-200 bg-white shadow-xs">
            <summary className="cursor-pointer list-none px-3 py-3 text-sm font-semibold text-slate-900 sm:px-5">
              <span className="mr-1 inline-block text-slate-400 transition-transform group-open:rotate-90" aria-hidden>
                ▸
              </span>
              Regenerate from a framework template
            </summary>
            <div className="space-y-2 border-t border-slate-100 p-3 sm:p-5">
              <p className="text-xs text-slate-500">
                {TEMPLATE_HELP} Generating replaces the document below, which starts as version {mode.fromVersion}.
              </p>
              {picker}
            </div>
          </details>
        ))}
      <div className="grid gap-5 xl:grid-cols-[minmax(0,26rem)_minmax(0,1fr)]">
        <Panel
          title="Common fields"
          description="The first plan, rule and tag selection. A change here rewrites its part of the JSON."
        >
          {read && read.notes.length > 0 && (
            <ul className="mb-3 space-y-1 rounded-md bg-slate-50 p-2.5 text-xs text-slate-600">
              {read.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          {!read && (
            <p className="mb-3 rounded-md bg-amber-50 p-2.5 text-xs text-amber-900">
              The JSON does not parse: fix it (see the problems) to edit through the form again.
            </p>
          )}
          {values && (
            <PolicyFields
              values={values}
              errors={read ? fieldErrors : {}}
              onChange={onField}
              disabled={!read}
              tagsApply={read?.selection !== "resources"}
            />
          )}
        </Panel>
        <Panel
          title="Policy document (JSON)"
          description="Checked as you type, as AWS Organizations checks a BACKUP_POLICY: syntax, keys, operators, values and limits."
        >
          <div className="space-y-3">
            <JsonEditor
              value={text}
              onChange={onType}
              diagnostics={diagnostics}
              focus={focus}
              label="Policy document JSON"
            />
            <Problems errors={errors} characters={countPolicyChars(text, "api")} onJump={jump} />
          </div>
        </Panel>
      </div>
      <Panel title={mode.kind === "create" ? "Save as a draft" : "Save the new version as a draft"}>
        <SaveDraftForm
          tenantId={tenantId}
          slug={slug}
          mode={mode.kind === "create" ? { ...mode, suggestedName: generation.name } : mode}
          nameKey={generation.n}
          content={text}
          problems={errors.length}
          targets={targets}
        />
      </Panel>
    </div>
  );
}

function generated(t: TemplateStart): string {
  const r = generatePolicy(t.params);
  // A template whose parameters the generator can't honour still gives the user a start to edit.
  return r.ok ? r.text : formatPolicy({ plans: {} });
}
