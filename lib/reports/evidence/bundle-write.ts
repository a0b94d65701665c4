import { createHash, randomBytes, sign } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import yazl from "yazl";
import { canonicalJson } from "@/db/audit";
import { clock } from "@/lib/clock";
import type { Env } from "@/lib/env";
import {
  badBundlePath,
  BUNDLE_FORMAT,
  CONTROL_FILES,
  KEY_DIR,
  keyPemPath,
  MANIFEST,
  MANIFEST_SIG,
  README,
  readmeText,
  SAFE_ZIP_NAME,
  SUMS,
  SUMS_SIG,
  sumsText,
  type Manifest,
  type ManifestFile,
} from "./bundle-layout";
import { EVIDENCE_KEY_ALGORITHM, loadEvidenceSigningKey } from "./evidence-keys";

// Writes an evidence bundle (layout in bundle-layout.ts). Each file is streamed once, from disk
// into the ZIP, hashed on the way through, so memory stays flat whatever the files' size; the
// manifest, the sums and their signatures are added last, once every hash is known.

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

export async function writeEvidenceBundle(
  p: { sourceDir: string; files: string[]; outFile: string; meta: Record<string, unknown> },
  e?: Env,
): Promise<{ manifestSha256: string; keyId: string; files: number }> {
  const seen = new Set<string>();
  for (const f of p.files) {
    const why = badBundlePath(f);
    if (why) throw new Error(`evidence file "${f}" ${why}`);
    if ((CONTROL_FILES as readonly string[]).includes(f) || f === README || f.startsWith(`${KEY_DIR}/`))
      throw new Error(`evidence file "${f}" takes a name the bundle keeps for itself`);
    if (seen.has(f)) throw new Error(`evidence file "${f}" is named twice`);
    seen.add(f);
  }
  const zipName = path.basename(p.outFile);
  if (!SAFE_ZIP_NAME.test(zipName))
    throw new Error(`the bundle's file name "${zipName}" may hold only letters, digits, ".", "_" and "-"`);
  const key = loadEvidenceSigningKey(e);
  const signedAt = clock.now();
  const temp = `${p.outFile}.${process.pid}.${randomBytes(6).toString("hex")}.part`;
  const zip = new yazl.ZipFile();
  const out = createWriteStream(temp, { mode: 0o600 });
  zip.outputStream.pipe(out);
  const written = once(out, "close");
  let sealed = false;
  const closedEarly = written.then(() => {
    if (!sealed) throw new Error("the bundle's file closed before every file was in it");
  });
  // Nothing waits on these until a file is read or the end: keep their rejections handled.
  written.catch(() => undefined);
  closedEarly.catch(() => undefined);
  const entries: ManifestFile[] = [];
  const addBuffer = (name: string, content: Buffer | string) => {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    zip.addBuffer(bytes, name, { mtime: signedAt, mode: 0o100644 });
    return { path: name, size: bytes.length, sha256: sha256(bytes) };
  };
  try {
    // One file at a time: the next is opened when the ZIP has taken the last, so at most one is
    // open and a failure stops the bundle at once.
    for (const name of p.files) {
      const hash = createHash("sha256");
      let size = 0;
      const through = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      const source = createReadStream(path.join(p.sourceDir, name));
      const readFailed = once(source, "error").then(([err]) => Promise.reject(err as Error));
      readFailed.catch(() => undefined);
      const finished = Promise.race([once(through, "end"), readFailed, closedEarly]);
      source.pipe(through);
      zip.addReadStream(through, name, { mtime: signedAt, mode: 0o100644 });
      await finished;
      entries.push({ path: name, size, sha256: hash.digest("hex") });
    }
    const pem = key.publicKey.export({ format: "pem", type: "spki" }).toString();
    entries.push(addBuffer(keyPemPath(key.keyId), pem));
    entries.push(addBuffer(README, readmeText({ zipName, keyId: key.keyId, meta: p.meta })));
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    const manifest: Manifest = {
      format: BUNDLE_FORMAT,
      algorithm: EVIDENCE_KEY_ALGORITHM,
      keyId: key.keyId,
      signedAt: signedAt.toISOString(),
      meta: p.meta,
      files: entries,
    };
    const manifestBytes = Buffer.from(`${canonicalJson(manifest)}\n`);
    const manifestSig = sign(null, manifestBytes, key.privateKey);
    const control = [addBuffer(MANIFEST, manifestBytes), addBuffer(MANIFEST_SIG, manifestSig)];
    const sums = Buffer.from(sumsText([...entries, ...control].sort((a, b) => (a.path < b.path ? -1 : 1))));
    addBuffer(SUMS, sums);
    addBuffer(SUMS_SIG, sign(null, sums, key.privateKey));
    sealed = true;
    zip.end();
    await written;
    renameSync(temp, p.outFile);
    return { manifestSha256: sha256(manifestBytes), keyId: key.keyId, files: entries.length };
  } catch (err) {
    out.destroy();
    rmSync(temp, { force: true });
    throw err;
  }
}
