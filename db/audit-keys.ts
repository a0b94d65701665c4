import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env as processEnv, type Env } from "@/lib/env";

// The audit log's two keys live outside the database, so that whoever can write to the database
// (an insider with superuser rights) can neither recompute the chain's MACs nor sign a checkpoint.
// Each comes from a setting or from a file under DATA_DIR generated on first use (mode 0600).
// Neither key is ever logged or put into an error message; only the HMAC key's id is shown.

export interface AuditKeys {
  /** HMAC-SHA256 key of the chain. */
  hmac: Buffer;
  /** A short public name of the HMAC key, stored on every keyed row: it reveals nothing of the key. */
  keyId: string;
}

export function auditKeyId(hmac: Buffer): string {
  return createHmac("sha256", hmac).update("backup-governance audit key id").digest("hex").slice(0, 16);
}

/**
 * Reads the file, or creates it with `make()` when absent. The new content is written to a file of
 * its own and then linked into place, so concurrent processes agree on one key and no reader sees
 * half a file. Mode 0600: every key file of the product is readable by its owner only.
 */
export function readOrCreate(file: string, make: () => string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}`;
  writeFileSync(temp, make(), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(file, "utf8");
}

export function loadAuditKeys(e: Env = processEnv): AuditKeys {
  const encoded =
    e.AUDIT_HMAC_KEY ??
    readOrCreate(path.resolve(e.DATA_DIR, "audit-hmac.key"), () => randomBytes(32).toString("base64")).trim();
  const hmac = Buffer.from(encoded, "base64");
  if (hmac.length < 32) throw new Error("the audit HMAC key must be at least 32 bytes (base64)");
  return { hmac, keyId: auditKeyId(hmac) };
}

/** The Ed25519 key that signs checkpoints. */
export function loadSigningKey(e: Env = processEnv): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = e.AUDIT_SIGNING_KEY
    ? createPrivateKey({ key: Buffer.from(e.AUDIT_SIGNING_KEY, "base64"), format: "der", type: "pkcs8" })
    : createPrivateKey(
        readOrCreate(path.resolve(e.DATA_DIR, "audit-signing.key"), () =>
          generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
        ),
      );
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the audit signing key must be an Ed25519 key");
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function checkpointDir(e: Env = processEnv): string {
  return path.resolve(e.AUDIT_CHECKPOINT_DIR ?? path.join(e.DATA_DIR, "audit-checkpoints"));
}

let cached: AuditKeys | undefined;
/** This process's HMAC key, read once. */
export function auditKeys(): AuditKeys {
  cached ??= loadAuditKeys();
  return cached;
}
