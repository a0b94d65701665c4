import { verifyAuditChain } from "@/db/audit";
import { log, openRuntime } from "./runtime";

// Exit 0 when every row links to the one before and hashes to what it says; 1 otherwise.
const runtime = await openRuntime({ migrate: false });
const report = await verifyAuditChain(runtime.handle.db);
await runtime.shutdown();
if (report.ok) {
  log(`audit log verified: ${report.rows} rows, chain intact`);
} else {
  log(
    `AUDIT LOG TAMPERED: row ${report.firstBad!.id} ${report.firstBad!.problem} (${report.rows} rows verified before it)`,
  );
  process.exit(1);
}
