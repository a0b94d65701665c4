import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import yauzl from "yauzl";
import { AuditExtractCheck } from "./audit-extract";
import {
  AUDIT_EXTRACT,
  badBundlePath,
  CONTROL_FILES,
  keyPemPath,
  MANIFEST,
  MANIFEST_SIG,
  manifestSchema,
  parseSums,
  SUMS,
  SUMS_SIG,
  type Manifest,
} from "./bundle-layout";
import { evidenceKeyId, type EvidenceKeyRecord } from "./evidence-keys";

// Verifies a bundle offline: no database, no network, no setting. Every check runs even after one
// fails, so the report names every file that was touched, not just the first.

export interface BundleVerdict {
  ok: boolean;
  /** One line per thing wrong, naming the file. */
  problems: string[];
  /** The key the manifest names ("" when there is no readable manifest). */
  keyId: string;
  /** Files the manifest lists. */
  files: number;
  /** Whether the key is among the trusted keys; null when none were given. */
  trusted: boolean | null;
  /** Rows in the audit-log extract, when there is one. */
  auditRows: number | null;
}

/** Control files are small; a larger one is not ours and is not read into memory. */
const MAX_CONTROL_BYTES = 64 * 1024 * 1024;
/** A longer line in the audit extract is not one the product wrote. */
const MAX_AUDIT_LINE = 16 * 1024 * 1024;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer | string> {
  if (entry.uncompressedSize > max) return `is larger than ${max} bytes`;
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Streams an entry, hashing it and (for the audit extract) checking its chain line by line. */
async function digestEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  expectedSize: number,
  audit: AuditExtractCheck | null,
): Promise<{ sha256: string; size: number } | string> {
  const hash = createHash("sha256");
  const decoder = new StringDecoder("utf8");
  let size = 0;
  let pending = "";
  const stream = await zip.openReadStreamPromise(entry);
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    // A file longer than the manifest says is wrong already; do not inflate the rest of it.
    if (size > expectedSize) {
      stream.destroy();
      return `is longer than the ${expectedSize} bytes the manifest says`;
    }
    hash.update(bytes);
    if (audit) {
      const lines = (pending + decoder.write(bytes)).split("\n");
      pending = lines.pop()!;
      if (pending.length > MAX_AUDIT_LINE) return "has a line longer than any the product writes";
      for (const line of lines) audit.add(line);
    }
  }
  if (audit) {
    pending += decoder.end();
    if (pending !== "") audit.add(pending);
  }
  return { sha256: hash.digest("hex"), size };
}

function checkTrust(
  manifest: Manifest,
  publicKey: KeyObject,
  trustedKeys: readonly EvidenceKeyRecord[],
  problems: string[],
): boolean {
  const record = trustedKeys.find((k) => k.keyId === manifest.keyId);
  if (!record) {
    problems.push(`the bundle is signed with key ${manifest.keyId}, which is not among the trusted keys`);
    return false;
  }
  const der = (k: KeyObject) => k.export({ format: "der", type: "spki" });
  let same = false;
  try {
    same = der(createPublicKey(record.publicKeyPem)).equals(der(publicKey));
  } catch {
    same = false;
  }
  if (!same) {
    problems.push(`${keyPemPath(manifest.keyId)} is not the trusted key of that id`);
    return false;
  }
  if (record.retiredAt !== null && manifest.signedAt > record.retiredAt) {
    problems.push(
      `the bundle says it was signed at ${manifest.signedAt}, after key ${manifest.keyId} was retired (${record.retiredAt})`,
    );
    return false;
  }
  return true;
}

export async function verifyEvidenceBundle(
  zipFile: string,
  opts: { trustedKeys?: readonly EvidenceKeyRecord[] } = {},
): Promise<BundleVerdict> {
  const problems: string[] = [];
  const verdict = (v: Partial<BundleVerdict>): BundleVerdict => ({
    keyId: "",
    files: 0,
    trusted: null,
    auditRows: null,
    ...v,
    problems,
    ok: problems.length === 0,
  });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipFile, { lazyEntries: true, autoClose: false, strictFileNames: true });
  } catch (err) {
    problems.push(`${path.basename(zipFile)} is not a ZIP that can be read: ${(err as Error).message}`);
    return verdict({});
  }
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith("/")) continue;
      if (entries.has(entry.fileName)) problems.push(`${entry.fileName} is in the ZIP twice`);
      else entries.set(entry.fileName, entry);
    }
    const read = async (name: string): Promise<Buffer | null> => {
      const entry = entries.get(name);
      if (!entry) {
        problems.push(`${name} is missing`);
        return null;
      }
      const content = await readEntry(zip, entry, MAX_CONTROL_BYTES);
      if (typeof content === "string") {
        problems.push(`${name} ${content}`);
        return null;
      }
      return content;
    };

    const manifestBytes = await read(MANIFEST);
    if (!manifestBytes) return verdict({});
    let manifest: Manifest;
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString("utf8")));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${issue.path.join(".") || "the whole"}: ${issue.message}`);
      }
      manifest = parsed.data;
    } catch (err) {
      problems.push(`${MANIFEST} is not a manifest of this format (${(err as Error).message})`);
      return verdict({});
    }
    const { keyId } = manifest;
    const files = manifest.files.length;

    // The signatures, with the key the bundle carries.
    let publicKey: KeyObject | null = null;
    const pem = await read(keyPemPath(keyId));
    if (pem) {
      try {
        publicKey = createPublicKey(pem);
        if (publicKey.asymmetricKeyType !== "ed25519") throw new Error("not an Ed25519 key");
        const actual = evidenceKeyId(publicKey);
        if (actual !== keyId) throw new Error(`its fingerprint is ${actual}`);
      } catch (err) {
        problems.push(`${keyPemPath(keyId)} is not the public key ${keyId} (${(err as Error).message})`);
        publicKey = null;
      }
    }
    const manifestSig = await read(MANIFEST_SIG);
    const sumsBytes = await read(SUMS);
    const sumsSig = await read(SUMS_SIG);
    if (publicKey) {
      for (const [signed, sig, name, sigName] of [
        [manifestBytes, manifestSig, MANIFEST, MANIFEST_SIG],
        [sumsBytes, sumsSig, SUMS, SUMS_SIG],
      ] as const) {
        if (signed && sig && !verify(null, signed, publicKey, sig))
          problems.push(`${sigName}: the signature of ${name} does not verify with key ${keyId}`);
      }
    }
    const trusted = opts.trustedKeys && publicKey ? checkTrust(manifest, publicKey, opts.trustedKeys, problems) : null;

    // SHA256SUMS names exactly the manifest's files and the manifest and its signature, with the same hashes.
    const listed = new Map(manifest.files.map((f) => [f.path, f]));
    for (const f of manifest.files) {
      const why = badBundlePath(f.path);
      if (why || (CONTROL_FILES as readonly string[]).includes(f.path))
        problems.push(`${MANIFEST} lists "${f.path}", which ${why ?? "is a control file"}`);
    }
    if (sumsBytes) {
      const { sums, problem } = parseSums(sumsBytes.toString("utf8"));
      if (problem) problems.push(`${SUMS}: ${problem}`);
      const expected = new Map<string, string | null>([...listed].map(([p, f]) => [p, f.sha256]));
      expected.set(MANIFEST, sha256(manifestBytes));
      expected.set(MANIFEST_SIG, manifestSig ? sha256(manifestSig) : null);
      for (const [p, h] of expected) {
        if (!sums.has(p)) problems.push(`${SUMS} does not list ${p}`);
        else if (h === null || sums.get(p) === h) continue;
        else if (listed.has(p)) problems.push(`${SUMS} and ${MANIFEST} give ${p} different SHA-256s`);
        else problems.push(`${p} does not match its SHA-256 in ${SUMS} (the file was altered)`);
      }
      for (const p of sums.keys())
        if (!expected.has(p)) problems.push(`${SUMS} lists ${p}, which the manifest does not`);
    }

    // Every file: present, of the size and hash the manifest says; nothing else in the ZIP.
    for (const name of entries.keys())
      if (!listed.has(name) && !(CONTROL_FILES as readonly string[]).includes(name))
        problems.push(`${name} is in the ZIP but not in the manifest (a file was added)`);
    let auditRows: number | null = null;
    for (const f of manifest.files) {
      const entry = entries.get(f.path);
      if (!entry) {
        // The key was already reported missing when it was read.
        if (f.path !== keyPemPath(keyId))
          problems.push(`${f.path} is in the manifest but not in the ZIP (it was removed)`);
        continue;
      }
      const audit = path.posix.basename(f.path) === AUDIT_EXTRACT ? new AuditExtractCheck(f.path) : null;
      const got = await digestEntry(zip, entry, f.size, audit);
      if (typeof got === "string") problems.push(`${f.path} ${got}`);
      else if (got.size !== f.size)
        problems.push(`${f.path} is ${got.size} bytes, the manifest says ${f.size} (the file was altered)`);
      else if (got.sha256 !== f.sha256)
        problems.push(`${f.path}: its SHA-256 does not match the manifest (the file was altered)`);
      if (audit && typeof got !== "string") {
        problems.push(...audit.finish());
        auditRows = audit.rows;
      }
    }
    return verdict({ keyId, files, trusted, auditRows });
  } finally {
    zip.close();
  }
}
