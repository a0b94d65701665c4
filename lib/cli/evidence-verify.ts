import { readFileSync } from "node:fs";
import { z } from "zod";
import { verifyEvidenceBundle } from "@/lib/reports/evidence/bundle-verify";
import { evidenceKeyRecord } from "@/lib/reports/evidence/evidence-keys";
import { usage } from "./admin-command";
import { log, parseArgs } from "./runtime";

// `npm run evidence:verify -- BUNDLE.zip [--keys KEYS.json]`: checks an evidence bundle offline (no
// database, no network): both signatures, every file's size and SHA-256, no file added or removed,
// SHA256SUMS against the manifest, the audit extract's chain. --keys takes the JSON the product
// publishes at /.well-known/backup-governance-evidence-keys, saved to a file: the bundle's key must
// then be one of them. Exit 0 verified, 1 not, 2 usage.

const USAGE = "usage: npm run evidence:verify -- BUNDLE.zip [--keys KEYS.json]";
const argv = process.argv.slice(2);
const zipFile = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--keys");
const args = parseArgs(argv);
if (!zipFile || args.keys === true) usage(USAGE);

function readKeys(file: string) {
  try {
    return z.object({ keys: z.array(evidenceKeyRecord) }).parse(JSON.parse(readFileSync(file, "utf8"))).keys;
  } catch (err) {
    const why = err instanceof z.ZodError ? "it is not the product's published key list" : (err as Error).message;
    usage(`error: cannot use ${file} as trusted keys: ${why}`);
  }
}
const trustedKeys = typeof args.keys === "string" ? readKeys(args.keys) : undefined;

const v = await verifyEvidenceBundle(zipFile, { trustedKeys });
if (!v.ok) {
  log(`NOT VERIFIED: ${zipFile}`);
  for (const p of v.problems) log(`  - ${p}`);
  process.exit(1);
}
log(
  `VERIFIED: ${zipFile}: ${v.files} files match the manifest signed with key ${v.keyId}` +
    (v.auditRows !== null ? `; the audit-log extract's ${v.auditRows} rows link into one chain` : ""),
);
if (v.trusted) log(`key ${v.keyId} is one of the trusted keys`);
else
  log(
    `key ${v.keyId} was not checked against the product's keys: pass --keys with the JSON from /.well-known/backup-governance-evidence-keys`,
  );
