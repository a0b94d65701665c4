import { describe, expect, it } from "vitest";
import { childPath } from "@/lib/policies/errors";
import { parsePolicyText } from "@/lib/policies/parse";

function refusal(text: string) {
  const r = parsePolicyText(text);
  if (r.ok) throw new Error("expected a refusal");
  return r.error;
}

describe("parsePolicyText", () => {
  it("reads a document into the same value JSON.parse gives", () => {
    const text =
      '{"plans": {"P": {"regions": {"@@assign": ["us-east-1"]}, "n": [1, -2.5e3, true, null, "\\u00e9\\n\\"/"]}}}';
    const r = parsePolicyText(text);
    expect(r.ok && r.value).toEqual(JSON.parse(text));
  });

  it("refuses invalid JSON with the line, column and path of the problem", () => {
    const e = refusal('{\n  "plans": {\n    "P": {"regions": ["us-east-1",]}\n  }\n}');
    expect(e).toMatchObject({
      code: "MalformedPolicyDocumentException",
      reason: "INVALID_JSON",
      path: "$.plans.P.regions[1]",
    });
    expect(e.message).toContain("line 3, column 35");
  });

  it.each([
    ["a trailing comma in an object", '{"plans": {},}', "$"],
    ["single quotes", "{'plans': {}}", "$"],
    ["an unquoted key", "{plans: {}}", "$"],
    ["a comment", '{"plans": {} /* x */}', "$"],
    ["text after the document", '{"plans": {}} {}', "$"],
    ["an unterminated string", '{"plans": "abc', "$.plans"],
    ["a raw line break in a string", '{"plans": "a\nb"}', "$.plans"],
    ["a bad escape", '{"plans": "\\x41"}', "$.plans"],
    ["a leading zero", '{"n": 012}', "$.n"],
    ["NaN", '{"n": NaN}', "$.n"],
    ["an empty text", "", "$"],
    ["a byte order mark", '\ufeff{"plans": {}}', "$"],
  ])("refuses %s", (_, text, path) => {
    expect(refusal(text)).toMatchObject({ reason: "INVALID_JSON", path });
  });

  it("refuses a duplicate key nested deep, which JSON.parse would silently drop", () => {
    const text = JSON.stringify({
      plans: { P: { rules: { "Hourly backup": { lifecycle: { delete_after_days: { "@@assign": "35" } } } } } },
    }).replace(
      '"delete_after_days":{"@@assign":"35"}',
      '"delete_after_days":{"@@assign":"35"},"delete_after_days":{"@@assign":"7"}',
    );
    expect(JSON.parse(text)).toBeTruthy(); // the trap: JSON.parse accepts it
    const e = refusal(text);
    expect(e).toMatchObject({
      code: "MalformedPolicyDocumentException",
      reason: "DUPLICATE_KEY",
      path: '$.plans.P.rules["Hourly backup"].lifecycle.delete_after_days',
    });
    expect(e.message).toContain('"delete_after_days"');
  });

  it("compares keys after unescaping, as JSON does", () => {
    expect(refusal('{"plans": {}, "pl\\u0061ns": {}}')).toMatchObject({ reason: "DUPLICATE_KEY", path: "$.plans" });
  });

  it("allows the same key in sibling objects", () => {
    expect(parsePolicyText('{"a": {"x": 1}, "b": {"x": 2}}').ok).toBe(true);
  });

  it.each([
    ["an array", "[]"],
    ["a string", '"plans"'],
    ["null", "null"],
    ["a number", "1"],
  ])("refuses %s as the document", (_, text) => {
    expect(refusal(text)).toMatchObject({
      code: "MalformedPolicyDocumentException",
      reason: "NOT_AN_OBJECT",
      path: "$",
    });
  });

  it("keeps a __proto__ key as an ordinary key", () => {
    const r = parsePolicyText('{"__proto__": {"polluted": true}}');
    expect(r.ok && Object.keys(r.value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses nesting deeper than any policy needs, instead of overflowing the stack", () => {
    expect(refusal("[".repeat(600) + "]".repeat(600)).reason).toBe("INVALID_JSON");
  });

  it("refuses a document over 10,000 characters with ConstraintViolationException", () => {
    const text = JSON.stringify({
      plans: {
        P: { backup_plan_tags: { t: { tag_key: { "@@assign": "k" }, tag_value: { "@@assign": "x".repeat(9950) } } } },
      },
    });
    expect(text.length).toBeGreaterThan(10_000);
    expect(refusal(text)).toMatchObject({
      code: "ConstraintViolationException",
      reason: "POLICY_CONTENT_LIMIT_EXCEEDED",
      path: "$",
    });
  });

  it("counts white space through the API but not through the console", () => {
    const doc = { plans: { P: { regions: { "@@assign": Array.from({ length: 300 }, () => "us-east-1") } } } };
    const pretty = JSON.stringify(doc, null, 8);
    expect(pretty.length).toBeGreaterThan(10_000);
    expect(JSON.stringify(doc).length).toBeLessThanOrEqual(10_000);
    expect(refusal(pretty).message).toContain("push the minified text");
    expect(parsePolicyText(pretty, { channel: "console" }).ok).toBe(true);
  });
});

describe("childPath", () => {
  it("writes identifier keys with a dot, others JSON-quoted in brackets, indexes in brackets", () => {
    expect(childPath(childPath(childPath("$", "plans"), "Daily"), "rules")).toBe("$.plans.Daily.rules");
    expect(childPath("$.rules", "Hourly backup")).toBe('$.rules["Hourly backup"]');
    expect(childPath("$.x", "@@assign")).toBe('$.x["@@assign"]');
    expect(childPath("$.x", 'a"b')).toBe('$.x["a\\"b"]');
    expect(childPath("$.regions", 2)).toBe("$.regions[2]");
  });
});
