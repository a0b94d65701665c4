import { z } from "zod";

// What an evidence bundle holds, in one place for the writer, the verifier and the README:
//
//   MANIFEST.json          canonical JSON: format, meta, keyId, signedAt, and path, size and SHA-256
//                          of every file below but the four control files
//   MANIFEST.sig           Ed25519 signature of MANIFEST.json's exact bytes (64 raw bytes, as openssl wants)
//   SHA256SUMS             sha256sum's format: every file but itself and SHA256SUMS.sig
//                          (MANIFEST.json and MANIFEST.sig included)
//   SHA256SUMS.sig         Ed25519 signature of SHA256SUMS (64 raw bytes)
//   README.txt             how to verify with unzip, openssl and sha256sum alone
//   public-keys/<id>.pem   the public key that made both signatures
//   audit-log.jsonl        the audit-log extract, when the caller adds one (audit-extract.ts)
//   …                      the caller's files, at their own relative paths
//
// SHA256SUMS is signed as well as the manifest, so someone holding only openssl and sha256sum is
// covered for every file: the two signatures cover MANIFEST.json and SHA256SUMS, `sha256sum -c`
// the rest, and listing the archive against SHA256SUMS finds a file added.

export const MANIFEST = "MANIFEST.json";
export const MANIFEST_SIG = "MANIFEST.sig";
export const SUMS = "SHA256SUMS";
export const SUMS_SIG = "SHA256SUMS.sig";
export const README = "README.txt";
export const KEY_DIR = "public-keys";
export const AUDIT_EXTRACT = "audit-log.jsonl";
export const BUNDLE_FORMAT = "backup-governance-evidence/1";
export const WELL_KNOWN_KEYS_PATH = "/.well-known/backup-governance-evidence-keys";

/** Files only the writer makes; a caller's file may not take one of these names. */
export const CONTROL_FILES = [MANIFEST, MANIFEST_SIG, SUMS, SUMS_SIG] as const;

export const keyPemPath = (keyId: string) => `${KEY_DIR}/${keyId}.pem`;

/**
 * Why a path cannot be a file of the bundle, or null. Paths are relative with "/" separators and
 * no "." or ".." segment (unzip would write them elsewhere), and hold no backslash or line break
 * (sha256sum escapes those, and the README's file-list check compares plain names).
 */
export function badBundlePath(p: string): string | null {
  if (p === "") return "is empty";
  if (/[\\\n\r\0]/.test(p)) return "holds a backslash, a line break or NUL";
  if (p.startsWith("/")) return "is absolute";
  if (p.split("/").some((s) => s === "" || s === "." || s === "..")) return 'has an empty, "." or ".." segment';
  if (p.length > 1_000) return "is longer than 1000 characters";
  return null;
}

export const manifestFile = z.object({
  path: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  algorithm: z.literal("Ed25519"),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signedAt: z.string(),
  meta: z.record(z.string(), z.unknown()),
  files: z.array(manifestFile),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFile>;

/** sha256sum's text-mode line: the hash, two spaces, the name. */
export function sumsText(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join("");
}

/** path → hash of every line, or the first line that is not in sha256sum's format. */
export function parseSums(text: string): { sums: Map<string, string>; problem: string | null } {
  const sums = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) return { sums, problem: `line ${i + 1} is not in sha256sum's format` };
    if (sums.has(m[2]!)) return { sums, problem: `line ${i + 1} names ${m[2]} a second time` };
    sums.set(m[2]!, m[1]!);
  }
  return { sums, problem: null };
}

/**
 * A meta value as one README line. A tenant's name is chosen by people: a line break in it must
 * not start a line of its own, which could pass for one of the README's commands.
 */
const oneLine = (v: unknown) => {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
};

function metaLines(meta: Record<string, unknown>): string[] {
  return Object.entries(meta).map(([k, v]) => `  ${oneLine(k)}: ${oneLine(v)}`);
}

/** The README's commands name the ZIP unquoted, so its name is kept to characters no shell reads. */
export const SAFE_ZIP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The README. Its commands are lines starting with "  $ ", run in order in one bash shell from the
 * folder holding the ZIP (tests/integration/reports/evidence-bundle.test.ts runs them exactly).
 */
export function readmeText(p: { zipName: string; keyId: string; meta: Record<string, unknown> }): string {
  const zip = p.zipName;
  const pem = keyPemPath(p.keyId);
  return `EVIDENCE BUNDLE FROM BACKUP GOVERNANCE

${metaLines(p.meta).join("\n")}
  signing key: ${p.keyId} (Ed25519)

WHAT IS IN IT

  ${MANIFEST}          what the bundle is (the lines above) and the path, size and SHA-256
                         of every file but these four
  ${MANIFEST_SIG}           Ed25519 signature of ${MANIFEST} (64 raw bytes)
  ${SUMS}             SHA-256 of every file but itself and ${SUMS_SIG}
  ${SUMS_SIG}         Ed25519 signature of ${SUMS} (64 raw bytes)
  ${pem}  the public key that made both signatures
  ${AUDIT_EXTRACT}        (when present) the audit log's rows for the period, one JSON object
                         a line, with the hash chain that links them (see below)
  every other file       the evidence: reports, findings and the inventory facts behind them

HOW TO VERIFY IT WITH unzip, openssl (3.0 or later) AND sha256sum ALONE

Run these commands in bash, in the folder that holds ${zip} (if you renamed the
file, use its new name). Each step must succeed; if one fails, the bundle was altered.

1. Unpack the bundle into a new folder and go into it.

  $ unzip -q ${zip} -d ${zip}.files
  $ cd ${zip}.files

2. Check the two signatures. Each command prints "Signature Verified Successfully".

  $ openssl pkeyutl -verify -pubin -inkey ${pem} -rawin -in ${MANIFEST} -sigfile ${MANIFEST_SIG}
  $ openssl pkeyutl -verify -pubin -inkey ${pem} -rawin -in ${SUMS} -sigfile ${SUMS_SIG}

3. Check every file against its signed SHA-256. Every line ends in "OK".

  $ sha256sum -c ${SUMS}

4. Check that the bundle holds no file besides those. This prints nothing.

  $ diff <(unzip -Z1 ../${zip} | grep -v '/$' | LC_ALL=C sort) <({ cut -c67- ${SUMS}; echo ${SUMS}; echo ${SUMS_SIG}; } | LC_ALL=C sort)

5. Check that the key is the product's. Its fingerprint is the key id, ${p.keyId}:

  $ openssl pkey -pubin -in ${pem} -outform DER | sha256sum | cut -c1-16

   The product publishes every key it has signed with, current and retired, at
   https://<the product's address>${WELL_KNOWN_KEYS_PATH}
   (JSON: keys[].keyId, publicKeyPem, createdAt, retiredAt). The key id must be listed
   there with the same publicKeyPem as ${pem}, and a retired key must have been
   retired after the "signedAt" time in ${MANIFEST}. A key that is not listed is not
   the product's: anyone can sign a bundle with a key of their own.

With the product's command line, steps 1 to 4, the audit extract's chain, and (with
--keys, the JSON saved from the address above) step 5 are one command, offline:

    npm run evidence:verify -- ${zip} --keys keys.json

THE AUDIT-LOG EXTRACT

${AUDIT_EXTRACT}'s first line describes the extract: the period, the organization (if
one), and "previous", the id and hash of the row just before the first row (null when the
extract starts at the log's beginning, whose rows link to 64 zeros). Then one line per row,
in order, and a last line with the count, the last hash and "next", the row just after.
Every row's prevHash is the hash of the row before it, so the rows are one unbroken piece
of the log: none removed, none inserted. Rows of other organizations (and rows of no
organization, such as sign-ins) keep only their id, prevHash, hash and keyId, so the chain
still links without showing them. A row's hash is an HMAC under the product's audit key
(keyId names that key); only the product (npm run audit:verify) can recompute it. Rows
written before the log was keyed carry a plain SHA-256 instead, which npm run
evidence:verify recomputes. The signatures prove the rows are those the product exported.
`;
}
