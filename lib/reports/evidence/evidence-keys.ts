import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { recordAudit } from "@/db/audit";
import { readOrCreate } from "@/db/audit-keys";
import type { Db } from "@/db";
import { clock } from "@/lib/clock";
import { env as processEnv, type Env } from "@/lib/env";

// The key ring that signs evidence bundles. Like the audit log's keys it lives outside the
// database (a database dump must not carry it): EVIDENCE_SIGNING_KEY, or DATA_DIR/evidence-keys/
// with the current private key (signing.key) and a public record of every key that has ever
// signed (public/<keyId>.json). Rotation replaces the private key and keeps the public records,
// so bundles signed before still verify; every key but the current one is marked retired.

export const EVIDENCE_KEY_ALGORITHM = "Ed25519";

export const evidenceKeyRecord = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  algorithm: z.literal(EVIDENCE_KEY_ALGORITHM),
  publicKeyPem: z.string().startsWith("-----BEGIN PUBLIC KEY-----"),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
});
/** What the product publishes of one signing key: never any private material. */
export type EvidenceKeyRecord = z.infer<typeof evidenceKeyRecord>;

export interface EvidenceSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/**
 * The key's public name: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo DER,
 * so anyone can recompute it with `openssl pkey -pubin -outform DER | sha256sum`.
 */
export function evidenceKeyId(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ format: "der", type: "spki" }))
    .digest("hex")
    .slice(0, 16);
}

export function evidenceKeyDir(e: Env = processEnv): string {
  return path.resolve(e.DATA_DIR, "evidence-keys");
}

const publicDir = (e: Env) => path.join(evidenceKeyDir(e), "public");
const publicPem = (k: KeyObject) => k.export({ format: "pem", type: "spki" }).toString();
const newPrivatePem = () =>
  generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();

/** Writes a whole file under a temporary name and renames it into place: no reader sees half of it. */
function replaceFile(file: string, content: string): void {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(temp, content, { mode: 0o600 });
  renameSync(temp, file);
}

function readRecords(e: Env): EvidenceKeyRecord[] {
  let names: string[];
  try {
    names = readdirSync(publicDir(e)).filter((n) => /^[0-9a-f]{16}\.json$/.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names
    .map((n) => evidenceKeyRecord.parse(JSON.parse(readFileSync(path.join(publicDir(e), n), "utf8"))))
    .sort((a, b) =>
      a.createdAt !== b.createdAt
        ? a.createdAt < b.createdAt
          ? -1
          : 1
        : Number(a.retiredAt === null) - Number(b.retiredAt === null),
    );
}

/** Marks every recorded key but the current one retired, once (the first time another key is seen current). */
function retireOthers(e: Env, currentKeyId: string): void {
  const at = clock.now().toISOString();
  for (const r of readRecords(e))
    if (r.keyId !== currentKeyId && r.retiredAt === null)
      replaceFile(path.join(publicDir(e), `${r.keyId}.json`), `${JSON.stringify({ ...r, retiredAt: at }, null, 2)}\n`);
}

function keyFromSetting(base64: string): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(base64, "base64"), format: "der", type: "pkcs8" });
  } catch {
    // The key's bytes and the parser's message stay out of the error: it may quote them.
    throw new Error("EVIDENCE_SIGNING_KEY is not a base64 PKCS#8 DER private key");
  }
}

/** The current signing key, generated on first use; its public record is written the first time it is seen. */
export function loadEvidenceSigningKey(e: Env = processEnv): EvidenceSigningKey {
  const privateKey = e.EVIDENCE_SIGNING_KEY
    ? keyFromSetting(e.EVIDENCE_SIGNING_KEY)
    : createPrivateKey(readOrCreate(path.join(evidenceKeyDir(e), "signing.key"), newPrivatePem));
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the evidence signing key must be an Ed25519 key");
  const publicKey = createPublicKey(privateKey);
  const keyId = evidenceKeyId(publicKey);
  readOrCreate(
    path.join(publicDir(e), `${keyId}.json`),
    () =>
      `${JSON.stringify(
        {
          keyId,
          algorithm: EVIDENCE_KEY_ALGORITHM,
          publicKeyPem: publicPem(publicKey),
          createdAt: clock.now().toISOString(),
          retiredAt: null,
        } satisfies EvidenceKeyRecord,
        null,
        2,
      )}\n`,
  );
  retireOthers(e, keyId);
  return { privateKey, publicKey, keyId };
}

/** Every key that has signed bundles, oldest first, the current one last (retiredAt null). */
export function listEvidenceKeys(e: Env = processEnv): EvidenceKeyRecord[] {
  loadEvidenceSigningKey(e);
  return readRecords(e);
}

/**
 * Makes a new current key and retires the old one (its public record stays, so the bundles it
 * signed still verify; its private key is gone, so it signs nothing more). The audit row is written
 * first in the transaction, and the files change before it commits: a failed rotation leaves no row.
 */
export async function rotateEvidenceKey(
  db: Db,
  actor: { email: string; ip?: string | null },
  e: Env = processEnv,
): Promise<{ previousKeyId: string; keyId: string }> {
  if (e.EVIDENCE_SIGNING_KEY)
    throw new Error(
      "EVIDENCE_SIGNING_KEY is set: rotate by setting it to a new key; the old key is marked retired when the new one is first used",
    );
  const previous = loadEvidenceSigningKey(e);
  const lock = path.join(evidenceKeyDir(e), "rotate.lock");
  let fd: number;
  try {
    fd = openSync(lock, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      throw new Error(`another rotation is under way (if none is, one stopped half-way: remove ${lock})`);
    throw err;
  }
  try {
    const privatePem = newPrivatePem();
    const privateKey = createPrivateKey(privatePem);
    const keyId = evidenceKeyId(createPublicKey(privateKey));
    await db.transaction(async (tx) => {
      await recordAudit(tx, {
        actorEmail: actor.email,
        ip: actor.ip ?? null,
        action: "evidence_key.rotate",
        targetType: "evidence_key",
        targetId: keyId,
        details: { previousKeyId: previous.keyId, keyId },
      });
      mkdirSync(publicDir(e), { recursive: true });
      replaceFile(path.join(evidenceKeyDir(e), "signing.key"), privatePem);
      loadEvidenceSigningKey(e);
    });
    return { previousKeyId: previous.keyId, keyId };
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
