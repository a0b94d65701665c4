import { describe, expect, it } from "vitest";
import { badBundlePath, parseSums, sumsText } from "@/lib/reports/evidence/bundle-layout";

describe("bundle paths", () => {
  it("accepts relative paths and refuses those unzip or sha256sum would treat otherwise", () => {
    expect(badBundlePath("reports/soc2 2026.csv")).toBeNull();
    expect(badBundlePath("")).toBe("is empty");
    expect(badBundlePath("/etc/passwd")).toBe("is absolute");
    for (const p of ["../x", "a/../b", "a//b", "./a", "a/"])
      expect(badBundlePath(p), p).toBe('has an empty, "." or ".." segment');
    for (const p of ["a\\b", "a\nb", "a\rb", "a\0b"])
      expect(badBundlePath(p), JSON.stringify(p)).toBe("holds a backslash, a line break or NUL");
  });
});

describe("SHA256SUMS", () => {
  const a = { path: "a.csv", sha256: "a".repeat(64) };
  const b = { path: "dir/b c.json", sha256: "b".repeat(64) };

  it("is written in sha256sum's text format and read back", () => {
    const text = sumsText([a, b]);
    expect(text).toBe(`${"a".repeat(64)}  a.csv\n${"b".repeat(64)}  dir/b c.json\n`);
    expect(parseSums(text)).toEqual({
      sums: new Map([
        ["a.csv", a.sha256],
        ["dir/b c.json", b.sha256],
      ]),
      problem: null,
    });
  });

  it("names the first line that is not in that format, or that repeats a name", () => {
    expect(parseSums(`${"a".repeat(64)}  a.csv\nnot a line\n`).problem).toBe("line 2 is not in sha256sum's format");
    expect(parseSums(`${"A".repeat(64)}  a.csv\n`).problem).toBe("line 1 is not in sha256sum's format");
    expect(parseSums(sumsText([a, a])).problem).toBe("line 2 names a.csv a second time");
  });
});
