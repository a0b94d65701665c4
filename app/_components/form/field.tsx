"use client";

import { useId } from "react";
import { useFieldError } from "./action-form";
import { DateInput } from "./date-input";

const inputClass =
  "block w-full rounded-md border-0 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-xs ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 disabled:bg-slate-50 aria-[invalid=true]:ring-red-400";

interface FieldProps {
  name: string;
  label: string;
  hint?: React.ReactNode;
  className?: string;
}

/** A field's label, the control, and its error or hint below it (ids as aria-describedby expects). */
export function FieldShell({
  id,
  label,
  hint,
  error,
  className = "",
  children,
}: {
  id: string;
  label: string;
  hint?: React.ReactNode;
  error?: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({
  name,
  label,
  hint,
  className,
  ...input
}: FieldProps & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const error = useFieldError(name);
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  if (input.type === "date")
    return (
      <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
        <DateInput
          id={id}
          name={name}
          defaultValue={typeof input.defaultValue === "string" ? input.defaultValue : undefined}
          min={typeof input.min === "string" ? input.min : undefined}
          max={typeof input.max === "string" ? input.max : undefined}
          required={input.required}
          describedBy={describedBy}
          className={inputClass}
        />
      </FieldShell>
    );
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <input
        id={id}
        name={name}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy}
        className={inputClass}
        {...input}
      />
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  hint,
  className,
  options,
  ...select
}: FieldProps & React.SelectHTMLAttributes<HTMLSelectElement> & { options: Array<{ value: string; label: string }> }) {
  const id = useId();
  const error = useFieldError(name);
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      <select
        id={id}
        name={name}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
        className={inputClass}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxGroupField({
  name,
  label,
  hint,
  options,
  defaultValues = [],
  className,
}: FieldProps & { options: string[]; defaultValues?: string[] }) {
  const id = useId();
  const error = useFieldError(name);
  return (
    <fieldset className={className} aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-1 block text-sm font-medium text-slate-800">{label}</legend>
      <div className="grid max-h-40 grid-cols-2 gap-x-4 gap-y-1 overflow-y-auto rounded-md p-2 ring-1 ring-slate-200 ring-inset sm:grid-cols-3">
        {options.map((o) => (
          <label key={o} className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name={name}
              value={o}
              defaultChecked={defaultValues.includes(o)}
              className="rounded border-slate-300"
            />
            <span className="font-mono text-xs">{o}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-slate-500">{hint}</p>
      ) : null}
    </fieldset>
  );
}
