import { Badge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Table, Td, Th } from "@/app/_components/ui/table";
import type { ReportDeliveryRow } from "@/db/schema";
import { formatBytes, formatDateTime } from "@/lib/format";

const TONE = { delivered: "green", failed: "red", pending: "amber" } as const;

/** The delivery log: one row per slot (or "run now"), with its attempts, files and last error. */
export function DeliveryLog({
  rows,
  showSchedule,
}: {
  rows: Array<ReportDeliveryRow & { scheduleName: string }>;
  showSchedule: boolean;
}) {
  if (rows.length === 0) return <EmptyState title="No deliveries yet" />;
  return (
    <Table caption="Delivery log">
      <thead>
        <tr>
          <Th>Slot</Th>
          {showSchedule && <Th>Schedule</Th>}
          <Th>Status</Th>
          <Th>Attempts</Th>
          <Th>Files</Th>
          <Th>Finished</Th>
          <Th>Error</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((d) => (
          <tr key={d.id}>
            <Td className="text-xs whitespace-nowrap">
              {formatDateTime(d.slot)}
              {d.trigger === "manual" && <div className="text-slate-500">run now</div>}
            </Td>
            {showSchedule && <Td className="text-xs">{d.scheduleName}</Td>}
            <Td>
              <Badge tone={TONE[d.status]}>{d.status}</Badge>
            </Td>
            <Td className="text-xs">{d.attempts}</Td>
            <Td className="text-xs">
              {d.files.join(", ") || "—"}
              {d.bytes > 0 && <div className="text-slate-500">{formatBytes(d.bytes)}</div>}
            </Td>
            <Td className="text-xs whitespace-nowrap">{d.finishedAt ? formatDateTime(d.finishedAt) : "—"}</Td>
            <Td className="max-w-md text-xs text-red-700">{d.error ?? ""}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
