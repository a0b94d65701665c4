import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog } from "@/db/schema";
import { readEnv } from "@/lib/env";
import { WELL_KNOWN_KEYS_PATH } from "@/lib/reports/evidence/bundle-layout";
import { verifyEvidenceBundle } from "@/lib/reports/evidence/bundle-verify";
import { writeEvidenceBundle } from "@/lib/reports/evidence/bundle-write";
import {
  evidenceKeyDir,
  listEvidenceKeys,
  loadEvidenceSigningKey,
  rotateEvidenceKey,
} from "@/lib/reports/evidence/evidence-keys";
import { isolatedDb } from "@/tests/helpers/db";

// Rotation of the evidence-signing key, its audit row, the bundles signed before it, the public
// route that publishes the keys, and the two commands. DATA_DIR is this file's own before any
// module reads the environment: the route reads the process's settings, as in production.

const { dataDir, previousDataDir } = await vi.hoisted(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const previousDataDir = process.env.DATA_DIR;
  const dataDir = mkdtempSync(join(tmpdir(), "evidence-keys-"));
  process.env.DATA_DIR = dataDir;
  return { dataDir, previousDataDir };
});

const env = readEnv();
const ROOT = path.resolve(import.meta.dirname, "../../..");
const source = path.join(dataDir, "source");
let handle: Awaited<ReturnType<typeof isolatedDb>>;

beforeAll(async () => {
  handle = await isolatedDb();
  mkdirSync(source, { recursive: true });
  writeFileSync(path.join(source, "report.csv"), '"a"\n"1"\n');
});
afterAll(async () => {
  await handle.drop();
  if (previousDataDir === undefined) delete process.env.DATA_DIR;
  else process.env.DATA_DIR = previousDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});

const bundleWith = async (name: string) => {
  const outFile = path.join(dataDir, name);
  const r = await writeEvidenceBundle({ sourceDir: source, files: ["report.csv"], outFile, meta: { tenant: "Acme" } });
  return { ...r, outFile };
};

function cli(script: string, args: string[], extra: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, ...extra },
    encoding: "utf8",
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

let before: Awaited<ReturnType<typeof bundleWith>>;

describe("evidence signing keys", () => {
  it("are generated on first use under DATA_DIR, readable by their owner only", () => {
    expect(env.DATA_DIR).toBe(dataDir);
    const key = loadEvidenceSigningKey();
    const dir = evidenceKeyDir();
    expect(statSync(path.join(dir, "signing.key")).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, "public", `${key.keyId}.json`)).mode & 0o777).toBe(0o600);
    expect(listEvidenceKeys()).toEqual([
      expect.objectContaining({ keyId: key.keyId, algorithm: "Ed25519", retiredAt: null }),
    ]);
  });

  it("rotate: a new current key, the old one retired but published, the rotation audited", async () => {
    before = await bundleWith("before.zip");
    const rotated = await rotateEvidenceKey(handle.db, { email: "cli:evidence-keys" });
    expect(rotated).toEqual({ previousKeyId: before.keyId, keyId: expect.not.stringMatching(before.keyId) });
    const keys = listEvidenceKeys();
    expect(keys).toEqual([
      expect.objectContaining({ keyId: before.keyId, retiredAt: expect.any(String) }),
      expect.objectContaining({ keyId: rotated.keyId, retiredAt: null }),
    ]);
    const [row] = await handle.db.select().from(auditLog).where(eq(auditLog.action, "evidence_key.rotate"));
    expect(row).toMatchObject({
      actorEmail: "cli:evidence-keys",
      targetType: "evidence_key",
      targetId: rotated.keyId,
      details: { previousKeyId: before.keyId, keyId: rotated.keyId },
    });

    // The bundle signed before still verifies, and its key is among those the product publishes.
    expect(await verifyEvidenceBundle(before.outFile, { trustedKeys: keys })).toMatchObject({
      ok: true,
      keyId: before.keyId,
      trusted: true,
    });
    const after = await bundleWith("after.zip");
    expect(after.keyId).toBe(rotated.keyId);
    expect(await verifyEvidenceBundle(after.outFile, { trustedKeys: keys })).toMatchObject({ ok: true, trusted: true });
  });

  it("a bundle whose key the product never published is not trusted", async () => {
    const other = readEnv({ ...process.env, DATA_DIR: path.join(dataDir, "elsewhere") });
    const v = await verifyEvidenceBundle(before.outFile, { trustedKeys: listEvidenceKeys(other) });
    expect(v).toMatchObject({ ok: false, trusted: false });
    expect(v.problems).toEqual([`the bundle is signed with key ${before.keyId}, which is not among the trusted keys`]);
  });

  it("EVIDENCE_SIGNING_KEY replaces the ring's key, retires it, and cannot be rotated from the command", async () => {
    const dir = path.join(dataDir, "setting");
    const der = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    const fileKey = loadEvidenceSigningKey(readEnv({ ...process.env, DATA_DIR: dir }));
    const withSetting = readEnv({ ...process.env, DATA_DIR: dir, EVIDENCE_SIGNING_KEY: der });
    const settingKey = loadEvidenceSigningKey(withSetting);
    expect(settingKey.keyId).not.toBe(fileKey.keyId);
    expect(listEvidenceKeys(withSetting).map((k) => [k.keyId, k.retiredAt === null])).toEqual([
      [fileKey.keyId, false],
      [settingKey.keyId, true],
    ]);
    await expect(rotateEvidenceKey(handle.db, { email: "cli:evidence-keys" }, withSetting)).rejects.toThrow(
      /EVIDENCE_SIGNING_KEY is set/,
    );
    const x25519 = generateKeyPairSync("x25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    expect(() => loadEvidenceSigningKey(readEnv({ DATA_DIR: dir, EVIDENCE_SIGNING_KEY: "bm90IGEga2V5" }))).toThrow(
      "EVIDENCE_SIGNING_KEY is not a base64 PKCS#8 DER private key",
    );
    expect(() => loadEvidenceSigningKey(readEnv({ DATA_DIR: dir, EVIDENCE_SIGNING_KEY: x25519 }))).toThrow(
      /must be an Ed25519 key/,
    );
  });
});

describe("the published keys", () => {
  it("are served without a session, every key current and retired, no private part", async () => {
    type Route = ((request: Request) => Promise<Response>) & { meta: { scope: string } };
    const { GET } = (await import(path.join(ROOT, "app/api/evidence-keys/route.ts"))) as { GET: Route };
    expect(GET.meta.scope).toBe("public");
    const res = await GET(new Request("http://localhost/.well-known/backup-governance-evidence-keys"));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/PRIVATE/);
    const body = JSON.parse(text) as { keys: Array<Record<string, unknown>> };
    expect(body.keys).toEqual(listEvidenceKeys());
    expect(body.keys).toHaveLength(2);
    // The App Router does not route ".well-known"; next.config.ts serves the route at that address.
    const config = (await import(path.join(ROOT, "next.config.ts"))).default as {
      rewrites: () => Promise<Array<{ source: string; destination: string }>>;
    };
    expect(await config.rewrites()).toContainEqual({ source: WELL_KNOWN_KEYS_PATH, destination: "/api/evidence-keys" });
    for (const k of body.keys)
      expect(Object.keys(k).sort()).toEqual(["algorithm", "createdAt", "keyId", "publicKeyPem", "retiredAt"]);
  });
});

describe("the commands", () => {
  it("evidence:verify checks a bundle offline, against the published keys when given", () => {
    // No database reachable: the command must not need one.
    const offline = { DATABASE_URL: "postgres://nobody@127.0.0.1:9/none" };
    const plain = cli("lib/cli/evidence-verify.ts", [before.outFile], offline);
    expect(plain).toMatchObject({ code: 0, out: expect.stringContaining(`VERIFIED: ${before.outFile}: 3 files`) });
    expect(plain.out).toContain("was not checked against the product's keys");

    const keysFile = path.join(dataDir, "keys.json");
    writeFileSync(keysFile, JSON.stringify({ keys: listEvidenceKeys() }));
    const trusted = cli("lib/cli/evidence-verify.ts", [before.outFile, "--keys", keysFile], offline);
    expect(trusted).toMatchObject({
      code: 0,
      out: expect.stringContaining(`key ${before.keyId} is one of the trusted keys`),
    });

    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
    const untrusted = cli("lib/cli/evidence-verify.ts", ["--keys", keysFile, before.outFile], offline);
    expect(untrusted.code).toBe(1);
    expect(untrusted.out).toContain(`NOT VERIFIED: ${before.outFile}`);
    expect(untrusted.out).toContain("not among the trusted keys");

    writeFileSync(keysFile, "{}");
    expect(cli("lib/cli/evidence-verify.ts", [before.outFile, "--keys", keysFile], offline)).toMatchObject({
      code: 2,
      out: expect.stringContaining("it is not the product's published key list"),
    });
    expect(cli("lib/cli/evidence-verify.ts", [], offline)).toMatchObject({
      code: 2,
      out: expect.stringContaining("usage"),
    });
  });

  it("evidence:keys rotates and lists", () => {
    const count = () => readdirSync(path.join(evidenceKeyDir(), "public")).length;
    const n = count();
    const rotate = cli("lib/cli/evidence-keys.ts", ["rotate"], { DATABASE_URL: handle.url });
    expect(rotate.code, rotate.out).toBe(0);
    const { keyId } = JSON.parse(rotate.out.trim().split("\n").at(-1)!) as { keyId: string };
    expect(count()).toBe(n + 1);
    const list = cli("lib/cli/evidence-keys.ts", ["list"]);
    expect(list.code).toBe(0);
    const keys = (JSON.parse(list.out) as { keys: Array<{ keyId: string; retiredAt: string | null }> }).keys;
    expect(keys.filter((k) => k.retiredAt === null)).toEqual([expect.objectContaining({ keyId })]);
    expect(cli("lib/cli/evidence-keys.ts", ["shred"]).code).toBe(2);
  });
});
