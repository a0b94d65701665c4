import { diffHunks, diffLines, formatForDiff } from "@/lib/policies/version-diff";

const TONE = {
  same: "text-slate-600",
  added: "bg-emerald-50 text-emerald-900",
  removed: "bg-red-50 text-red-900",
} as const;
const SIGN = { same: " ", added: "+", removed: "−" } as const;

/** Version `after` against `before`, as formatted JSON, changed lines with three lines around them. */
export function VersionDiff({
  before,
  after,
  beforeLabel,
  open,
}: {
  before: string;
  after: string;
  beforeLabel: string;
  open: boolean;
}) {
  const lines = diffLines(formatForDiff(before), formatForDiff(after));
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;
  if (added + removed === 0) return <p className="text-xs text-slate-500">Same document as {beforeLabel}.</p>;
  return (
    <details open={open} className="group rounded-md border border-slate-200">
      <summary className="cursor-pointer list-none px-3 py-2 text-xs font-medium text-slate-700 hover:bg-slate-50">
        <span className="mr-1 inline-block transition-transform group-open:rotate-90" aria-hidden>
          ▸
        </span>
        Changes from {beforeLabel}: <span className="text-emerald-700">+{added}</span>{" "}
        <span className="text-red-700">−{removed}</span> lines
      </summary>
      <div className="overflow-x-auto border-t border-slate-200">
        <table className="min-w-full font-mono text-xs leading-5">
          <caption className="sr-only">Changes from {beforeLabel}</caption>
          <tbody>
            {diffHunks(lines).map((l, i) =>
              l.kind === "gap" ? (
                <tr key={i} className="bg-slate-50 text-slate-400">
                  <td colSpan={3} className="px-3 py-0.5 font-sans">
                    ⋯ {l.count} unchanged line{l.count === 1 ? "" : "s"}
                  </td>
                </tr>
              ) : (
                <tr key={i} className={TONE[l.kind]}>
                  <td className="w-8 pr-1.5 pl-2 text-right text-slate-400 select-none sm:w-10 sm:pl-3">
                    {l.oldLine ?? ""}
                  </td>
                  <td className="w-8 pr-1.5 text-right text-slate-400 select-none sm:w-10">{l.newLine ?? ""}</td>
                  {/* Not wrapped: JSON's indentation is the structure; the panel scrolls sideways instead. */}
                  <td className="pr-3 whitespace-pre">
                    <span className="select-none" aria-label={l.kind === "same" ? undefined : l.kind}>
                      {SIGN[l.kind]}{" "}
                    </span>
                    {l.text}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </details>
  );
}
