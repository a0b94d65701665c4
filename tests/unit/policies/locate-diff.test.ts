import { describe, expect, it } from "vitest";
import { errorRange, locatePath, pathSegments } from "@/lib/policies/locate";
import { diffHunks, diffLines, formatForDiff } from "@/lib/policies/version-diff";
import { checkPolicyText } from "@/lib/policies/validate";

describe("locating an error's path in the text", () => {
  const text = `{\n  "plans": {\n    "a b": {\n      "regions": { "@@assign": ["us-east-1", "mars-1"] },\n      "rulez": {}\n    }\n  }\n}`;

  it("splits paths as errors.ts writes them", () => {
    expect(pathSegments('$.plans["a b"].regions["@@assign"][1]')).toEqual(["plans", "a b", "regions", "@@assign", 1]);
    expect(pathSegments("$")).toEqual([]);
    expect(pathSegments("plans")).toBeNull();
  });

  it("marks a key or its value, an array item, and the start of the document", () => {
    const value = locatePath(text, '$.plans["a b"].regions', "value")!;
    expect(text.slice(value.from, value.to)).toBe('{ "@@assign": ["us-east-1", "mars-1"] }');
    const key = locatePath(text, '$.plans["a b"].rulez')!;
    expect(text.slice(key.from, key.to)).toBe('"rulez"');
    const item = locatePath(text, '$.plans["a b"].regions["@@assign"][1]')!;
    expect(text.slice(item.from, item.to)).toBe('"mars-1"');
    expect(locatePath(text, "$")).toEqual({ from: 0, to: 1 });
    expect(locatePath(text, "$.plans.nothing")).toBeNull();
  });

  it("places every validator error of a document on its text", () => {
    const result = checkPolicyText(text);
    expect(result.ok).toBe(false);
    for (const e of result.errors) {
      const r = errorRange(text, e);
      expect(r.to).toBeGreaterThan(r.from);
    }
    const unknown = result.errors.find((e) => e.reason === "UNKNOWN_KEY")!;
    expect(text.slice(errorRange(text, unknown).from, errorRange(text, unknown).to)).toBe('"rulez"');
    const region = result.errors.find((e) => e.reason === "INVALID_REGION")!;
    const r = errorRange(text, region);
    expect(text.slice(r.from, r.to)).toBe('"mars-1"');
  });

  it("uses the parser's position for broken JSON", () => {
    const broken = '{"plans": {,}}';
    const result = checkPolicyText(broken);
    const r = errorRange(broken, result.errors[0]!);
    expect(broken[r.from]).toBe(",");
  });
});

describe("version diffs", () => {
  it("shows removed and added lines in order, with line numbers", () => {
    const lines = diffLines("a\nb\nc\nd", "a\nc\nd\ne");
    expect(lines.map((l) => `${l.kind[0]}${l.text}`)).toEqual(["sa", "rb", "sc", "sd", "ae"]);
    expect(lines.find((l) => l.kind === "added")).toMatchObject({ newLine: 4, oldLine: null });
  });

  it("handles empty sides and identical texts", () => {
    expect(diffLines("", "x\ny").map((l) => l.kind)).toEqual(["added", "added"]);
    expect(diffLines("x", "").map((l) => l.kind)).toEqual(["removed"]);
    expect(diffLines("x\ny", "x\ny").every((l) => l.kind === "same")).toBe(true);
  });

  it("compares minified and formatted JSON by content, and folds far context", () => {
    const before = formatForDiff('{"a":1,"b":[1,2]}');
    expect(before).toBe('{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}');
    const many = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const changed = [...many];
    changed[10] = "changed";
    const hunks = diffHunks(diffLines(many.join("\n"), changed.join("\n")), 2);
    expect(hunks[0]).toEqual({ kind: "gap", count: 8 });
    expect(hunks.filter((h) => h.kind !== "gap" && h.kind !== "same")).toHaveLength(2);
    expect(hunks.at(-1)).toEqual({ kind: "gap", count: 7 });
  });
});
