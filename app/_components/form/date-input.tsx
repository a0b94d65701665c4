"use client";

import { useEffect, useId, useRef, useState } from "react";

// Dates are typed as yyyy-mm-dd, the form every URL, filter and export uses, and echoed below the
// field as the pages show dates ("6 Dec 2026", UTC). A native date input would show the browser's
// locale instead (12/06/2026 or 06.12.2026), which is ambiguous next to the pages' own dates.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The same form as formatDate in lib/format.ts, which a client component cannot import (it reads
// the product's clock and environment).
const shown = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** Why `value` is not an acceptable date, or null (an empty field is acceptable: no filter). */
export function dateProblem(value: string, min?: string, max?: string): string | null {
  if (value === "") return null;
  const m = ISO_DATE.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!d || d.toISOString().slice(0, 10) !== value) return "Use yyyy-mm-dd, e.g. 2026-12-06.";
  if (min && value < min) return `On or after ${min}.`;
  if (max && value > max) return `On or before ${max}.`;
  return null;
}

export function DateInput({
  name,
  defaultValue,
  min,
  max,
  id,
  required,
  className = "",
  describedBy,
}: {
  name: string;
  defaultValue?: string;
  min?: string;
  max?: string;
  id?: string;
  required?: boolean;
  className?: string;
  /** Another description of the field (a hint or a server error), read before the date check. */
  describedBy?: string;
}) {
  const ownId = useId();
  const inputId = id ?? ownId;
  const [value, setValue] = useState(defaultValue ?? "");
  const ref = useRef<HTMLInputElement>(null);
  const problem = dateProblem(value, min, max);
  // The browser refuses to submit the form while the date is not valid, and says why.
  useEffect(() => ref.current?.setCustomValidity(problem ?? ""), [problem]);
  return (
    <>
      <input
        ref={ref}
        id={inputId}
        name={name}
        type="text"
        autoComplete="off"
        spellCheck={false}
        placeholder="yyyy-mm-dd"
        maxLength={10}
        required={required}
        value={value}
        onChange={(e) => setValue(e.target.value.trim())}
        aria-invalid={problem ? true : undefined}
        aria-describedby={[describedBy, `${inputId}-date`].filter(Boolean).join(" ")}
        className={`tabular-nums ${className}`}
      />
      {/* Hidden as text (it sits inside the field's label) but read as the field's description. */}
      <span
        id={`${inputId}-date`}
        aria-hidden
        className={`mt-0.5 block text-[11px] font-normal ${problem ? "text-red-700" : "text-slate-500"}`}
      >
        {problem ?? (value ? shown.format(new Date(`${value}T00:00:00Z`)) : "yyyy-mm-dd, UTC")}
      </span>
    </>
  );
}
