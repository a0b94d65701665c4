import Link from "next/link";
import { DateInput } from "@/app/_components/form/date-input";
import { buttonClass } from "@/app/_components/ui/button";
import { clock } from "@/lib/clock";

/** The "as of" date: every number on the page is redrawn from the evaluation in force then. */
export function AsOfForm({
  pathname,
  value,
  keep,
  pinned = false,
}: {
  pathname: string;
  value: string | undefined;
  keep: Record<string, string | undefined>;
  /** Held to an audit period: there is no "latest" to go back to. */
  pinned?: boolean;
}) {
  return (
    <form method="get" action={pathname} className="flex items-start gap-2" aria-label="Show results as of a date">
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <label className="text-xs font-medium text-slate-700">
        As of
        <DateInput
          key={value ?? ""}
          name="asOf"
          defaultValue={value}
          max={clock.now().toISOString().slice(0, 10)}
          className="mt-1 block w-32 rounded-md border-0 px-2.5 py-1 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-brand-500"
        />
      </label>
      <button type="submit" className={`mt-5 ${buttonClass("secondary", "sm")}`}>
        Show
      </button>
      {value && !pinned && (
        <Link
          href={`${pathname}?${new URLSearchParams(Object.entries(keep).filter((e): e is [string, string] => Boolean(e[1])))}`}
          className={`mt-5 ${buttonClass("ghost", "sm")}`}
        >
          Latest
        </Link>
      )}
    </form>
  );
}
