import { verifyAuditLog, writeCheckpoint } from "@/db/audit-checkpoint";
import { log, openRuntime, parseArgs } from "./runtime";

// `npm run audit:verify [-- --checkpoint]`: exit 0 when every row links to the one before and
// carries its MAC (its plain hash, for rows written before the log was keyed), and every signed
// checkpoint still matches the log; 1 otherwise. --checkpoint then anchors the verified head in a
// new checkpoint (never a head that failed verification).
const args = parseArgs(process.argv.slice(2));
const runtime = await openRuntime({ migrate: false });
const db = runtime.handle.db;
const result = await verifyAuditLog(db);
const { chain, problems } = result;
let written: string | undefined;
if (chain.ok && problems.length === 0 && args.checkpoint === true) written = (await writeCheckpoint(db)).file;
await runtime.shutdown();

if (!chain.ok) {
  log(
    `AUDIT LOG TAMPERED: row ${chain.firstBad!.id} ${chain.firstBad!.problem} (${chain.rows} rows verified before it)`,
  );
  process.exit(1);
}
for (const p of problems) log(`AUDIT LOG TAMPERED: checkpoint ${p.file}: ${p.problem}`);
if (problems.length > 0) process.exit(1);
log(
  `audit log verified: ${chain.rows} rows, chain intact, ${result.checkpoints} checkpoint${result.checkpoints === 1 ? "" : "s"} match`,
);
if (result.checkpoints === 0)
  log("no checkpoint yet: deleting the newest rows would go unnoticed until one is written");
if (written) log(`checkpoint written: ${written}`);
