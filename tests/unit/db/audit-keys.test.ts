import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { auditKeyId, loadAuditKeys, loadSigningKey } from "@/db/audit-keys";
import { readEnv } from "@/lib/env";

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "audit-keys-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("audit keys", () => {
  it("generates the HMAC key once under DATA_DIR, readable by its owner only, and reads it back", () => {
    const env = readEnv({ DATA_DIR: dataDir() });
    const first = loadAuditKeys(env);
    const file = path.join(env.DATA_DIR, "audit-hmac.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.hmac.length).toBe(32);
    expect(loadAuditKeys(env)).toEqual(first);
    // The id names the key without revealing it.
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(readFileSync(file, "utf8")).not.toContain(first.keyId);
  });

  it("takes AUDIT_HMAC_KEY over the file, and refuses a short one", () => {
    const key = randomBytes(32);
    const env = readEnv({ DATA_DIR: dataDir(), AUDIT_HMAC_KEY: key.toString("base64") });
    expect(loadAuditKeys(env)).toEqual({ hmac: key, keyId: auditKeyId(key) });
    expect(() => readEnv({ AUDIT_HMAC_KEY: randomBytes(16).toString("base64") })).toThrow(
      /AUDIT_HMAC_KEY must be base64 of at least 32 bytes/,
    );
  });

  it("generates the Ed25519 signing key once, mode 0600, or takes AUDIT_SIGNING_KEY", () => {
    const env = readEnv({ DATA_DIR: dataDir() });
    const { privateKey, publicKey } = loadSigningKey(env);
    expect(privateKey.asymmetricKeyType).toBe("ed25519");
    expect(statSync(path.join(env.DATA_DIR, "audit-signing.key")).mode & 0o777).toBe(0o600);
    expect(loadSigningKey(env).publicKey.export({ format: "jwk" })).toEqual(publicKey.export({ format: "jwk" }));
    const der = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    const fromSetting = loadSigningKey(readEnv({ DATA_DIR: dataDir(), AUDIT_SIGNING_KEY: der }));
    expect(fromSetting.publicKey.export({ format: "jwk" })).toEqual(publicKey.export({ format: "jwk" }));
  });
});
