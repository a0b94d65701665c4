import { describe, expect, it } from "vitest";
import {
  generatePassword,
  hashingLoad,
  hashPassword,
  HashingBusy,
  MAX_CONCURRENT_HASHES,
  MAX_QUEUED_HASHES,
  verifyPassword,
} from "@/lib/auth/password";

describe("scrypt passwords", () => {
  it("verifies the right password and refuses a wrong one; salts differ", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });

  it("generates long distinct passwords", () => {
    const p = generatePassword();
    expect(p.length).toBeGreaterThanOrEqual(20);
    expect(generatePassword()).not.toBe(p);
  });
});

describe("the cap on concurrent hashing", () => {
  it("runs a few hashes at once, queues a bounded number, and refuses the rest at once", async () => {
    // A cheap stored hash (its parameters travel with it), so the flood takes milliseconds.
    const cheap = `scrypt$1024$8$1$${Buffer.alloc(16).toString("base64")}$${Buffer.alloc(32).toString("base64")}`;
    const flood = MAX_CONCURRENT_HASHES + MAX_QUEUED_HASHES + 10;
    const settled: Array<{ ok: boolean; error?: unknown; at: number }> = [];
    const start = performance.now();
    const calls = Array.from({ length: flood }, (_, i) =>
      verifyPassword(`guess-${i}`, cheap).then(
        () => settled.push({ ok: true, at: performance.now() - start }),
        (error: unknown) => settled.push({ ok: false, error, at: performance.now() - start }),
      ),
    );
    expect(hashingLoad()).toEqual({ running: MAX_CONCURRENT_HASHES, waiting: MAX_QUEUED_HASHES });
    await Promise.all(calls);
    const refused = settled.filter((s) => !s.ok);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.error).toBeInstanceOf(HashingBusy);
    expect((refused[0]!.error as HashingBusy).message).toMatch(/busy/);
    // Refused before any hash finished: the refusals come first and do not wait.
    const firstHash = Math.min(...settled.filter((s) => s.ok).map((s) => s.at));
    expect(Math.max(...refused.map((r) => r.at))).toBeLessThan(firstHash);
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
    expect(await verifyPassword("guess-0", cheap)).toBe(false);
  });
});
