import { listEvidenceKeys, rotateEvidenceKey } from "@/lib/reports/evidence/evidence-keys";
import { printJson, systemActor, usage } from "./admin-command";
import { openRuntime } from "./runtime";

// `npm run evidence:keys -- list`: the keys that sign evidence bundles, oldest first, the current
// one with retiredAt null (public parts only). `rotate`: a new current key; the old one is retired
// but stays published, so the bundles it signed still verify. The rotation is in the audit log
// (actor "cli:evidence-keys"). Each command prints ONE JSON line.

const USAGE = `usage:
  npm run evidence:keys -- list
  npm run evidence:keys -- rotate`;

const [command, ...rest] = process.argv.slice(2);
if (!["list", "rotate"].includes(command ?? "") || rest.length > 0) usage(USAGE);

if (command === "list") {
  printJson({ keys: listEvidenceKeys() });
} else {
  const runtime = await openRuntime();
  try {
    const actor = systemActor("evidence-keys");
    printJson(await rotateEvidenceKey(runtime.handle.db, { email: actor.email, ip: null }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await runtime.shutdown();
  }
}
