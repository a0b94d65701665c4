import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import yauzl from "yauzl";
import yazl from "yazl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditHash, GENESIS_HASH, recordAudit } from "@/db/audit";
import { loadAuditKeys } from "@/db/audit-keys";
import { auditLog } from "@/db/schema";
import { pinClock } from "@/lib/clock";
import { readEnv } from "@/lib/env";
import { parsePeriod } from "@/lib/reports/period";
import { AuditExtractCheck, writeAuditLogExtract } from "@/lib/reports/evidence/audit-extract";
import { README } from "@/lib/reports/evidence/bundle-layout";
import { verifyEvidenceBundle } from "@/lib/reports/evidence/bundle-verify";
import { writeEvidenceBundle } from "@/lib/reports/evidence/bundle-write";
import { isolatedDb } from "@/tests/helpers/db";

// A bundle built from sample files and a real audit-log extract, verified by our verifier and by
// the README's own commands (unzip, openssl, sha256sum); then every file of it tampered with, one
// way after another, and each tampering caught by both.

const work = mkdtempSync(path.join(tmpdir(), "evidence-bundle-"));
const env = readEnv({ ...process.env, DATA_DIR: path.join(work, "data") });
const auditKeys = loadAuditKeys(env);
const source = path.join(work, "source");
const bundle = path.join(work, "evidence-2026-06-14.zip");
const tenantA = randomUUID();
const tenantB = randomUUID();
let handle: Awaited<ReturnType<typeof isolatedDb>>;

async function audit(at: string, tenantId: string | null, action: string) {
  const restore = pinClock(new Date(at), { frozen: true });
  try {
    await handle.db.transaction((tx) =>
      recordAudit(tx, { tenantId, action, actorEmail: "someone@example.com", details: { at } }, auditKeys),
    );
  } finally {
    restore();
  }
}

beforeAll(async () => {
  handle = await isolatedDb();
  // A row from before the log was keyed (plain SHA-256), then keyed rows before, in and after the period.
  const legacy = {
    at: new Date("2026-06-13T09:00:00.000Z"),
    actorId: null,
    actorEmail: "old@example.com",
    tenantId: tenantA,
    action: "legacy.write",
    targetType: null,
    targetId: null,
    outcome: "success",
    details: { a: 1 },
    ip: null,
    prevHash: GENESIS_HASH,
  };
  await handle.db.insert(auditLog).values({ ...legacy, hash: auditHash(legacy), keyId: null });
  await audit("2026-06-13T10:00:00Z", tenantA, "before.period");
  await audit("2026-06-14T00:00:00Z", tenantA, "in.first");
  await audit("2026-06-14T08:00:00Z", tenantB, "in.other-tenant");
  await audit("2026-06-14T09:00:00Z", null, "auth.sign_in");
  await audit("2026-06-14T23:59:59.999Z", tenantA, "in.last");
  await audit("2026-06-15T00:00:00Z", tenantA, "after.period");

  mkdirSync(path.join(source, "reports"), { recursive: true });
  mkdirSync(path.join(source, "findings"), { recursive: true });
  writeFileSync(path.join(source, "reports/summary.json"), JSON.stringify({ score: 0.82 }));
  writeFileSync(path.join(source, "findings/findings.csv"), '"control","verdict"\n"BK-01","PASS"\n');
  // Larger than any one read, so the file crosses the stream in many chunks.
  writeFileSync(path.join(source, "inventory.bin"), randomBytes(3 * 1024 * 1024 + 17));
  await writeAuditLogExtract(
    handle.db,
    { period: parsePeriod("2026-06-14", "2026-06-14"), tenantId: tenantA },
    path.join(source, "audit-log.jsonl"),
    2,
  );
});
afterAll(async () => {
  await handle.drop();
  rmSync(work, { recursive: true, force: true });
});

const meta = {
  tenant: "Acme",
  framework: "ISO/IEC 27001:2022",
  period: "2026-06-14 to 2026-06-14",
  generatedAt: "2026-06-15T12:00:00.000Z",
  generatedBy: "auditor@example.com",
};
const FILES = ["reports/summary.json", "findings/findings.csv", "inventory.bin", "audit-log.jsonl"];

/** Every entry of a ZIP, in order. */
async function entriesOf(file: string): Promise<Array<[string, Buffer]>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out: Array<[string, Buffer]> = [];
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const c of await zip.openReadStreamPromise(entry)) chunks.push(c as Buffer);
    out.push([entry.fileName, Buffer.concat(chunks)]);
  }
  return out;
}

async function writeZip(file: string, entries: Array<[string, Buffer]>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) zip.addBuffer(content, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
}

/** The README's commands ("  $ " lines), run in order in one bash from a folder holding only the ZIP. */
function runReadme(zipFile: string, readme: string) {
  const dir = mkdtempSync(path.join(work, "openssl-"));
  copyFileSync(zipFile, path.join(dir, path.basename(bundle)));
  const commands = readme
    .split("\n")
    .filter((l) => l.startsWith("  $ "))
    .map((l) => l.slice(4));
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", commands.join("\n")], {
    cwd: dir,
    encoding: "utf8",
    input: "",
  });
  rmSync(dir, { recursive: true, force: true });
  return { code: run.status, out: run.stdout + run.stderr, commands };
}

let good: Array<[string, Buffer]>;
let keyId: string;

describe("an evidence bundle", () => {
  it("is written with the layout the README describes, and verifies", async () => {
    const written = await writeEvidenceBundle({ sourceDir: source, files: FILES, outFile: bundle, meta }, env);
    keyId = written.keyId;
    expect(written).toMatchObject({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), files: FILES.length + 2 });
    good = await entriesOf(bundle);
    expect(good.map(([n]) => n).sort()).toEqual(
      [
        ...FILES,
        "MANIFEST.json",
        "MANIFEST.sig",
        "README.txt",
        "SHA256SUMS",
        "SHA256SUMS.sig",
        `public-keys/${keyId}.pem`,
      ].sort(),
    );
    const manifest = JSON.parse(good.find(([n]) => n === "MANIFEST.json")![1].toString());
    expect(manifest).toMatchObject({ format: "backup-governance-evidence/1", algorithm: "Ed25519", keyId, meta });
    expect(good.find(([n]) => n === "MANIFEST.sig")![1]).toHaveLength(64);

    expect(await verifyEvidenceBundle(bundle)).toEqual({
      ok: true,
      problems: [],
      keyId,
      files: FILES.length + 2,
      trusted: null,
      auditRows: 4,
    });
  });

  it("verifies with the README's commands: unzip, openssl and sha256sum alone", () => {
    const readme = good.find(([n]) => n === README)![1].toString();
    const { code, out, commands } = runReadme(bundle, readme);
    expect(commands.some((c) => c.startsWith("openssl pkeyutl -verify -pubin -inkey public-keys/"))).toBe(true);
    expect(commands).toContain("sha256sum -c SHA256SUMS");
    expect(code, out).toBe(0);
    expect(out.match(/Signature Verified Successfully/g)).toHaveLength(2);
    // Step 5: the key's fingerprint, computed by openssl and sha256sum, is its id.
    expect(out.split("\n")).toContain(keyId);
  });

  it("carries the audit rows of the period as one linked piece, other organizations' rows redacted", () => {
    const lines = good
      .find(([n]) => n === "audit-log.jsonl")![1]
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action ?? l.type)).toEqual([
      "header",
      "in.first",
      "redacted",
      "redacted",
      "in.last",
      "end",
    ]);
    expect(lines[0]).toMatchObject({ tenantId: tenantA, previous: { id: 2 } });
    expect(lines[2]).toEqual({
      type: "redacted",
      id: expect.any(Number),
      prevHash: expect.any(String),
      hash: expect.any(String),
      keyId: auditKeys.keyId,
    });
    expect(lines.at(-1)).toMatchObject({ type: "end", rows: 4, redacted: 2, next: { id: 7 } });
  });

  it("is refused when any file in it is changed, removed, or one is added", async () => {
    const cases: Array<{ what: string; entries: Array<[string, Buffer]>; names: string }> = [];
    for (const [name, content] of good) {
      const changed = Buffer.from(content);
      changed[Math.floor(changed.length / 2)]! ^= 0x01;
      cases.push({
        what: `${name} changed`,
        entries: good.map(([n, c]) => [n, n === name ? changed : c]),
        names: name,
      });
      cases.push({ what: `${name} removed`, entries: good.filter(([n]) => n !== name), names: name });
    }
    cases.push({
      what: "a file added",
      entries: [...good, ["reports/extra.csv", Buffer.from("x\n")]],
      names: "reports/extra.csv",
    });
    const readme = good.find(([n]) => n === README)![1].toString();
    for (const c of cases) {
      const file = path.join(work, "tampered.zip");
      await writeZip(file, c.entries);
      const v = await verifyEvidenceBundle(file);
      expect(v.ok, c.what).toBe(false);
      expect(v.problems.join("\n"), c.what).toContain(c.names);
      expect(runReadme(file, readme).code, `${c.what}: the README's commands`).not.toBe(0);
    }
    // A second entry of the same name (unzip would ask which to keep; the verifier refuses).
    const file = path.join(work, "duplicate.zip");
    await writeZip(file, [...good, ["inventory.bin", Buffer.from("other")]]);
    expect((await verifyEvidenceBundle(file)).problems).toContain("inventory.bin is in the ZIP twice");
  });

  it("says which audit row was removed or altered in an extract", async () => {
    const text = readFileSync(path.join(source, "audit-log.jsonl"), "utf8");
    const check = (lines: string[]) => {
      const c = new AuditExtractCheck("audit-log.jsonl");
      for (const l of lines) c.add(l);
      return c.finish();
    };
    const lines = text.trim().split("\n");
    expect(check(lines)).toEqual([]);
    expect(check(lines.filter((_, i) => i !== 2)).join()).toMatch(/does not link to the row before it/);
    expect(check(lines.slice(0, -1))).toEqual(["audit-log.jsonl: has no end line (it was cut short)"]);

    // The whole log from its start: the plain-hash row is recomputed, and an edit to it is caught.
    const whole = path.join(work, "whole.jsonl");
    await writeAuditLogExtract(handle.db, { period: parsePeriod("2026-06-13", "2026-06-15") }, whole);
    const all = readFileSync(whole, "utf8").trim().split("\n");
    expect(JSON.parse(all[0]!)).toMatchObject({ previous: null });
    expect(check(all)).toEqual([]);
    const edited = all.map((l, i) => (i === 1 ? l.replace('"legacy.write"', '"legacy.edit"') : l));
    expect(check(edited)).toEqual([expect.stringMatching(/line 2: row \d+'s content does not match its hash/)]);
  });

  it("anchors an extract of a period without rows after the last row before it", async () => {
    const empty = path.join(work, "empty.jsonl");
    expect(await writeAuditLogExtract(handle.db, { period: parsePeriod("2026-07-01", "2026-07-31") }, empty)).toEqual({
      rows: 0,
      redacted: 0,
      firstId: null,
      lastId: null,
    });
    const lines = readFileSync(empty, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ type: "header", previous: { id: 7, hash: expect.any(String) } }),
      expect.objectContaining({ type: "end", rows: 0, next: null }),
    ]);
    expect((lines[1] as { lastHash: string }).lastHash).toBe(
      (lines[0] as { previous: { hash: string } }).previous.hash,
    );
  });

  it("is refused with a clear message when it is not a ZIP", async () => {
    const file = path.join(work, "not-a.zip");
    writeFileSync(file, "hello");
    const v = await verifyEvidenceBundle(file);
    expect(v).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^not-a\.zip is not a ZIP that can be read/)],
    });
  });

  it("refuses a caller's file that takes a bundle name or leaves the folder", async () => {
    const out = path.join(work, "refused.zip");
    await expect(
      writeEvidenceBundle({ sourceDir: source, files: ["MANIFEST.json"], outFile: out, meta }, env),
    ).rejects.toThrow(/takes a name the bundle keeps for itself/);
    await expect(
      writeEvidenceBundle({ sourceDir: source, files: ["../etc/passwd"], outFile: out, meta }, env),
    ).rejects.toThrow(/has an empty, "\." or "\.\." segment/);
    await expect(
      writeEvidenceBundle({ sourceDir: source, files: ["missing.csv"], outFile: out, meta }, env),
    ).rejects.toThrow(/ENOENT/);
    await expect(
      writeEvidenceBundle({ sourceDir: source, files: [], outFile: path.join(work, "a;b.zip"), meta }, env),
    ).rejects.toThrow(/may hold only letters, digits/);
    expect(readdirSync(work).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("keeps a hostile organization name on one README line, out of the commands", async () => {
    const out = path.join(work, "hostile.zip");
    const name = "Acme\n  $ touch pwned";
    await writeEvidenceBundle(
      { sourceDir: source, files: ["findings/findings.csv"], outFile: out, meta: { tenant: name } },
      env,
    );
    const readme = (await entriesOf(out)).find(([n]) => n === README)![1].toString();
    expect(readme).toContain(`  tenant: ${JSON.stringify(name)}\n`);
    expect(readme.split("\n").filter((l) => l.includes("touch"))).toHaveLength(1);
    expect(readme.split("\n").filter((l) => l.startsWith("  $ ") && l.includes("touch"))).toEqual([]);
    expect(await verifyEvidenceBundle(out)).toMatchObject({ ok: true });
  });
});
