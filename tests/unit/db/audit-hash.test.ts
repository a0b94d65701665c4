import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { auditHash, auditMac, canonicalJson, GENESIS_HASH } from "@/db/audit";

describe("audit hashing", () => {
  it("canonical JSON sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
  it("any change to a field changes the hash", () => {
    const row = {
      at: new Date("2026-11-27T00:00:00.000Z"),
      actorId: null,
      actorEmail: "a@b",
      tenantId: null,
      action: "x",
      targetType: null,
      targetId: null,
      outcome: "success",
      details: { n: 1 },
      ip: null,
      prevHash: GENESIS_HASH,
    };
    const h = auditHash(row);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash({ ...row, details: { n: 2 } })).not.toBe(h);
    expect(auditHash({ ...row, prevHash: "1".repeat(64) })).not.toBe(h);
    expect(auditHash({ ...row, at: new Date("2026-11-27T00:00:00.001Z") })).not.toBe(h);
  });
  it("the MAC depends on the key, and differs from the plain hash", () => {
    const row = {
      at: new Date("2026-11-27T00:00:00.000Z"),
      actorId: null,
      actorEmail: "a@b",
      tenantId: null,
      action: "x",
      targetType: null,
      targetId: null,
      outcome: "success",
      details: { n: 1 },
      ip: null,
      prevHash: GENESIS_HASH,
    };
    const key = randomBytes(32);
    const mac = auditMac(key, row);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(mac).not.toBe(auditHash(row));
    expect(auditMac(key, row)).toBe(mac);
    expect(auditMac(randomBytes(32), row)).not.toBe(mac);
    expect(auditMac(key, { ...row, details: { n: 2 } })).not.toBe(mac);
  });
});
