import { Badge } from "@/app/_components/ui/badge";
import { CLEAN_WITHIN_DAYS } from "@/lib/dashboard/queries/recovery-readiness";
import { vaultWord, type RecoveryReadinessRow } from "@/lib/dashboard/tables/recovery-readiness";
import { clock } from "@/lib/clock";
import { formatAgo, formatDate, formatDateTime, shortArn } from "@/lib/format";
import { AccountCell } from "../../../_components/account-cell";

// The cells of the recovery readiness table: each says in words what a person acting on an
// incident needs, and the export carries the same facts as plain columns.

type Row = RecoveryReadinessRow;

/** "20 h ago" within two days, then whole days ("12 d ago"): hours stop mattering. */
function ago(at: Date): string {
  const days = (clock.nowMs() - at.getTime()) / 86_400_000;
  return days < 2 ? formatAgo(at) : `${Math.floor(days)} d ago`;
}

/** A point's time to the minute (what a restore would bring back), or a restore's day. */
function When({ at, day = false }: { at: Date; day?: boolean }) {
  return (
    <div className="text-xs whitespace-nowrap text-slate-600">
      {day ? formatDate(at) : formatDateTime(at)} · {ago(at)}
    </div>
  );
}

export function CleanPointCell({ row: r }: { row: Row }) {
  const recent = (at: Date) => clock.nowMs() - at.getTime() <= CLEAN_WITHIN_DAYS * 86_400_000;
  switch (r.readiness) {
    case "clean": {
      const at = r.clean!.createdAt;
      const newerUnscanned = r.newestPointAt && r.newestPointAt > at;
      return (
        <div data-readiness="clean">
          {recent(at) ? (
            <Badge tone="green">clean</Badge>
          ) : (
            <Badge tone="amber">{`clean, older than ${CLEAN_WITHIN_DAYS} days`}</Badge>
          )}
          <When at={at} />
          {newerUnscanned && <div className="text-xs text-slate-500">newer points not scanned yet</div>}
        </div>
      );
    }
    case "infected":
      return (
        <div data-readiness="infected">
          <Badge tone="red">infected</Badge>
          <div className="text-xs text-slate-700">
            threats in the point of {ago(r.newestInfectedAt!)}; newest clean:
          </div>
          <When at={r.clean!.createdAt} />
        </div>
      );
    case "none-clean":
      return (
        <div data-readiness="none-clean">
          <Badge tone="red">none scanned clean</Badge>
          <div className="text-xs text-slate-600">
            {r.newestInfectedAt ? `threats found (newest ${ago(r.newestInfectedAt)})` : "scans failed"}; newest point{" "}
            {ago(r.newestPointAt!)}
          </div>
        </div>
      );
    case "never-scanned":
      return (
        <div data-readiness="never-scanned">
          <Badge tone="amber">never scanned</Badge>
          <div className="text-xs text-slate-600">newest point {ago(r.newestPointAt!)}, not known clean</div>
        </div>
      );
    case "no-point":
      return (
        <div data-readiness="no-point">
          <Badge tone="red">no recovery point</Badge>
          <div className="text-xs text-slate-600">nothing to restore</div>
        </div>
      );
  }
}

function AirGappedLine({ row: r }: { row: Row }) {
  if (r.point?.airGapped) return null;
  return r.newestAirGappedAt ? (
    <div className="text-xs text-slate-600">newest air-gapped copy {ago(r.newestAirGappedAt)}</div>
  ) : (
    <div className="text-xs text-amber-800">no air-gapped copy</div>
  );
}

export function LocationCell({ row: r, tenantId, slug }: { row: Row; tenantId: string; slug: string }) {
  const p = r.point;
  if (!p)
    return (
      <div>
        <span className="text-xs text-slate-400">—</span>
        <AirGappedLine row={r} />
      </div>
    );
  return (
    <div className="max-w-64 space-y-0.5">
      {!p.clean && <div className="text-xs text-slate-500">newest point, not known clean:</div>}
      <div className="flex flex-wrap items-center gap-1">
        <span className="font-mono text-xs" title={p.vaultArn}>
          {p.vaultName}
        </span>
        <Badge tone={p.airGapped ? "violet" : "gray"}>{vaultWord(p.vaultType)}</Badge>
      </div>
      <div className="text-xs text-slate-600">
        <span className="font-mono">{p.region}</span> · {p.otherAccount ? "another account:" : "this account"}
      </div>
      {p.otherAccount && (
        <div className="flex flex-wrap items-center gap-1">
          <AccountCell tenantId={tenantId} slug={slug} accountId={p.accountId} />
          <Badge tone="blue">other account</Badge>
        </div>
      )}
      {p.deleteAfterCopy && (
        <Badge
          tone="amber"
          title="Lifecycle DeleteAfterEvent DELETE_AFTER_COPY: AWS deletes it once its copy completes"
        >
          deleted after copy
        </Badge>
      )}
      <AirGappedLine row={r} />
    </div>
  );
}

function Principal({ id, tenantId, slug }: { id: string; tenantId: string; slug: string }) {
  return /^\d{12}$/.test(id) ? (
    <AccountCell tenantId={tenantId} slug={slug} accountId={id} />
  ) : (
    <span className="font-mono text-xs" title={id}>
      {shortArn(id)}
    </span>
  );
}

export function ApprovalCell({ row: r, tenantId, slug }: { row: Row; tenantId: string; slug: string }) {
  const p = r.point;
  if (!p) return <span className="text-xs text-slate-400">—</span>;
  if (!p.mpaApprovalTeamArn && p.shares.length === 0)
    return (
      <div className="text-xs text-slate-700">
        The vault account&apos;s own IAM
        <div className="text-slate-500">no approval team, not shared</div>
      </div>
    );
  return (
    <div className="max-w-64 space-y-1 text-xs text-slate-700">
      {p.mpaApprovalTeamArn && (
        <div>
          Multi-party approval team{" "}
          <span className="font-mono" title={p.mpaApprovalTeamArn}>
            {shortArn(p.mpaApprovalTeamArn)}
          </span>
        </div>
      )}
      {p.shares.length > 0 && (
        <div>
          Shared through AWS RAM with:
          <ul className="mt-0.5 space-y-0.5">
            {p.shares.map((s) => (
              <li key={s.principal} className="flex flex-wrap items-center gap-1">
                <Principal id={s.principal} tenantId={tenantId} slug={slug} />
                {s.external && <Badge tone="red">external</Badge>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function RestoreCell({ row: r }: { row: Row }) {
  const failed = r.failedValidation;
  return (
    <div className="space-y-0.5">
      {r.validatedRestore ? (
        <>
          <Badge tone="green">validated</Badge>
          <When at={r.validatedRestore.at} day />
        </>
      ) : (
        <span className="text-xs text-slate-500">never validated</span>
      )}
      {failed && (
        <div>
          <Badge tone="red">
            {failed.status === "TIMED_OUT" ? "validation timed out" : "validation failed"}
            {r.validatedRestore ? " since" : ""}
          </Badge>
          <When at={failed.at} day />
        </div>
      )}
    </div>
  );
}
