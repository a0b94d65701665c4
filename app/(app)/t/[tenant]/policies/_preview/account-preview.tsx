import { Badge, type BadgeTone } from "@/app/_components/ui/badge";
import { Table, Td, Th } from "@/app/_components/ui/table";
import type { AccountPreview, EffectiveChange } from "@/lib/policies/preview-account";
import type { CheckStatus } from "@/lib/policies/preview-preflight";
import { VersionDiff } from "../[policyId]/diff-view";

const CHANGE: Record<EffectiveChange, { tone: BadgeTone; label: string }> = {
  added: { tone: "green", label: "gains a backup policy" },
  removed: { tone: "red", label: "loses its backup policy" },
  changed: { tone: "blue", label: "effective policy changes" },
  unchanged: { tone: "gray", label: "no change" },
};
const CHECK: Record<CheckStatus, BadgeTone> = { pass: "green", fail: "red", unverified: "amber", info: "gray" };
const CHECK_LABEL: Record<string, string> = {
  region: "Region",
  vault: "Vault",
  "air-gapped-vault": "Air-gapped vault",
  "copy-vault": "Copy destination",
  "iam-role": "IAM role",
  selection: "Selects",
  "opt-in": "Opt-in",
};

/** One account: its effective policy before and after (paths, then the text), and the pre-flight of each Region. */
export function AccountPreviewCard({
  a,
  names,
  open,
}: {
  a: AccountPreview;
  names: ReadonlyMap<string, string>;
  open: boolean;
}) {
  const path = (ids: readonly string[]) => ids.map((id) => names.get(id) ?? id).join(" / ");
  const fails = a.preflight.reduce((n, u) => n + u.checks.filter((c) => c.status === "fail").length, 0);
  const change = CHANGE[a.change];
  return (
    <details open={open} className="group rounded-lg border border-slate-200 bg-white shadow-xs">
      <summary className="flex cursor-pointer list-none flex-wrap items-center gap-2 px-4 py-3 hover:bg-slate-50">
        <span className="inline-block transition-transform group-open:rotate-90" aria-hidden>
          ▸
        </span>
        <span className="font-medium text-slate-900">{a.name}</span>
        <span className="font-mono text-xs text-slate-500">{a.accountId}</span>
        <Badge tone={change.tone}>{change.label}</Badge>
        {a.state !== "ACTIVE" && <Badge tone="gray">{a.state.toLowerCase()}: AWS Backup does not act here</Badge>}
        {fails > 0 && (
          <Badge tone="red">
            {fails} pre-flight failure{fails === 1 ? "" : "s"}
          </Badge>
        )}
        {a.validation.length > 0 && <Badge tone="red">effective policy invalid</Badge>}
      </summary>
      <div className="space-y-4 border-t border-slate-100 px-4 py-4">
        <p className="text-xs text-slate-600">
          {path(a.ouPathBefore)}
          {a.ouPathAfter.join("/") !== a.ouPathBefore.join("/") && <> → {path(a.ouPathAfter)}</>}
        </p>
        {a.awsAgrees === false && (
          <p className="text-xs text-amber-800">
            Our &quot;before&quot; differs from what AWS reported at the last sync ({a.awsDifference}); sync again
            before relying on this diff.
          </p>
        )}
        {!a.orderKnown && (
          <p className="text-xs text-amber-800">
            A target here holds several backup policies whose order the last sync did not read: the merge assumes an
            order.
          </p>
        )}
        {(a.before.error ?? a.after.error) && (
          <p className="text-xs text-red-700">
            The policies do not merge: {(a.after.error ?? a.before.error)!.message}
          </p>
        )}
        {a.validation.length > 0 && (
          <div>
            <h4 className="text-xs font-semibold text-red-800">
              AWS would list these validation errors for the new effective policy
            </h4>
            <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-red-800">
              {a.validation.map((e) => (
                <li key={`${e.path}|${e.reason}`}>
                  <span className="font-mono">{e.path}</span>: {e.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div>
          <h4 className="text-xs font-semibold text-slate-700">Effective policy: what changes</h4>
          {a.change === "unchanged" ? (
            <p className="mt-1 text-xs text-slate-500">
              Same effective policy before and after; AWS leaves this account&apos;s plans alone.
            </p>
          ) : (
            <ul className="mt-1 space-y-0.5 text-xs">
              {(["added", "removed", "changed"] as const).flatMap((kind) =>
                a.diff[kind].map((d) => (
                  <li key={`${kind}|${d.path}`} className="break-all">
                    <Badge tone={kind === "added" ? "green" : kind === "removed" ? "red" : "blue"}>{kind}</Badge>{" "}
                    <span className="font-mono">{d.path}</span>
                    {kind === "changed" && (
                      <span className="text-slate-600">
                        {" "}
                        {d.intended} → {d.aws}
                      </span>
                    )}
                  </li>
                )),
              )}
              {a.diff.truncated && <li className="text-slate-500">… more differences in the text below.</li>}
            </ul>
          )}
        </div>
        {a.change !== "unchanged" && (
          <VersionDiff
            before={a.before.text ?? ""}
            after={a.after.text ?? ""}
            beforeLabel="the effective policy now"
            open={false}
          />
        )}
        {a.preflight.length > 0 && (
          <Table caption={`Pre-flight of ${a.name}`}>
            <thead>
              <tr>
                <Th>Region</Th>
                <Th>Check</Th>
                <Th>Result</Th>
                <Th>What the inventory says</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {a.preflight.flatMap((u) =>
                u.checks.map((c, i) => (
                  <tr key={`${u.region}|${c.kind}|${c.subject}`}>
                    <Td className="font-mono text-xs whitespace-nowrap">{i === 0 ? u.region : ""}</Td>
                    <Td className="text-xs whitespace-nowrap">{CHECK_LABEL[c.kind] ?? c.kind}</Td>
                    <Td>
                      <Badge tone={CHECK[c.status]}>
                        {c.status === "unverified" ? "not verified" : c.status === "info" ? "today" : c.status}
                      </Badge>
                    </Td>
                    <Td className="text-xs break-all">{c.message}</Td>
                  </tr>
                )),
              )}
            </tbody>
          </Table>
        )}
      </div>
    </details>
  );
}
