import { describe, expect, it } from "vitest";
import { compileGlob, compileGlobIgnoreCase, literalPrefix } from "@/lib/compliance/matching/glob";

// The reference: AWS Backup's StringLike as its documentation states it (`*` is any run of
// characters, everything else literal and case-sensitive), as an anchored regular expression.
// Only used here, on short random inputs where backtracking cannot blow up.
function reference(pattern: string, value: string): boolean {
  const source = pattern
    .split("*")
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "s").test(value);
}

describe("compileGlob", () => {
  it.each([
    ["prod*", "production", true],
    ["*rod*", "production", true],
    ["*rod*", "Production", true],
    ["Prod*", "production", false],
    ["*", "", true],
    ["a*", "a", true],
    ["*a", "a", true],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbYcZ", false],
    ["a**b", "ab", true],
    ["a?c", "abc", false],
    ["a?c", "a?c", true],
    ["a.c", "abc", false],
    ["[ab]", "a", false],
    ["x*", "x\ny", true],
    ["", "", true],
    ["", "a", false],
    ["*a*a*b", "aaXaab", true],
  ])("%j against %j is %s", (pattern, value, expected) => {
    expect(compileGlob(pattern)(value)).toBe(expected);
    expect(reference(pattern, value)).toBe(expected);
  });

  it("decides the issue's pattern against a 200-character tag value", () => {
    expect(compileGlob("*a*a*a*a*b")("a".repeat(200))).toBe(false);
    expect(compileGlob("*a*a*a*a*b")(`${"a".repeat(199)}b`)).toBe(true);
  });

  it("agrees with the documented semantics on 20,000 random patterns and values", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = (alphabet: string, max: number) =>
      Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
        "",
      );
    for (let i = 0; i < 20_000; i++) {
      const pattern = pick("ab*.A", 8);
      const value = pick("abA.", 10);
      expect(compileGlob(pattern)(value), `${pattern} ~ ${value}`).toBe(reference(pattern, value));
    }
  });

  it("matches adversarial patterns in time linear in the input: 10,000 matches well under a second", () => {
    const cases: Array<[string, string]> = [
      ["*a*a*a*a*b", "a".repeat(200)],
      ["*a*a*a*a*a*a*a*a*b", "a".repeat(256)],
      [`${"*a".repeat(20)}*b`, "a".repeat(256)],
      ["a*a*a*a*a*a*a*a*c", `${"a".repeat(255)}b`],
    ];
    const matchers = cases.map(([p, v]) => [compileGlob(p), v] as const);
    const started = performance.now();
    let matched = 0;
    for (let i = 0; i < 10_000; i++) {
      const [match, value] = matchers[i % matchers.length]!;
      if (match(value)) matched++;
    }
    const elapsed = performance.now() - started;
    expect(matched).toBe(0);
    expect(elapsed).toBeLessThan(500);
  });

  it("keeps the literal prefix and the case-insensitive variant for IAM actions", () => {
    expect(literalPrefix("arn:aws:ec2:*:volume/*")).toBe("arn:aws:ec2:");
    expect(literalPrefix("plain")).toBe("plain");
    expect(compileGlobIgnoreCase("backup:Delete*")("BACKUP:deleteRecoveryPoint")).toBe(true);
    expect(compileGlobIgnoreCase("backup:Delete*")("backup:StartBackupJob")).toBe(false);
  });
});
