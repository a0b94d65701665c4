import Link from "next/link";
import { DateInput } from "./form/date-input";
import { buttonClass } from "./ui/button";

export type FilterField =
  | { kind: "select"; name: string; label: string; options: Array<{ value: string; label: string }>; value?: string }
  | { kind: "text"; name: string; label: string; placeholder?: string; value?: string }
  | { kind: "date"; name: string; label: string; value?: string };

const inputClass =
  "mt-1 block w-full rounded-md border-0 px-2.5 py-1.5 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500";

/** A GET form: filters go into the URL, so the view can be shared and exported as shown. */
export function FilterBar({
  fields,
  pathname,
  keep = {},
  label,
}: {
  fields: FilterField[];
  pathname: string;
  keep?: Record<string, string | undefined>;
  label: string;
}) {
  return (
    <form
      method="get"
      action={pathname}
      aria-label={label}
      className="flex flex-wrap items-start gap-3 rounded-lg border border-slate-200 bg-white p-3"
    >
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      {fields.map((f) => (
        <label key={f.name} className="min-w-36 flex-1 text-xs font-medium text-slate-700 sm:flex-none">
          {f.label}
          {f.kind === "select" ? (
            <select name={f.name} defaultValue={f.value ?? ""} className={inputClass}>
              <option value="">All</option>
              {f.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          ) : f.kind === "date" ? (
            // Keyed by its value: a client-side navigation to other filters starts it afresh.
            <DateInput key={f.value ?? ""} name={f.name} defaultValue={f.value} className={inputClass} />
          ) : (
            <input
              name={f.name}
              type="search"
              defaultValue={f.value}
              placeholder={f.placeholder}
              className={inputClass}
            />
          )}
        </label>
      ))}
      <div className="flex gap-2 self-end">
        <button type="submit" className={buttonClass("primary", "sm")}>
          Apply
        </button>
        <Link href={pathname} className={buttonClass("ghost", "sm")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
