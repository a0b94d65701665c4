import { describe, expect, it } from "vitest";
import {
  checkAttachmentLimit,
  checkPolicyCountLimit,
  MAX_BACKUP_POLICIES_PER_TARGET,
  MAX_CONDITIONS_PER_SELECTION,
  MAX_CONTINUOUS_RETENTION_DAYS,
  MAX_POLICIES_PER_ORG,
  MIN_COLD_STORAGE_DAYS,
  MIN_START_WINDOW_MINUTES,
} from "@/lib/policies/limits";
import { parsePolicyText } from "@/lib/policies/parse";
import { checkPolicySize, countPolicyChars, MAX_POLICY_CHARS, minifyPolicyText } from "@/lib/policies/size";

/** A valid document of exactly `n` characters through the API. */
function docOfLength(n: number): string {
  const shell = '{"plans":{"P":{"backup_plan_tags":{"t":{"tag_key":{"@@assign":"k"},"tag_value":{"@@assign":""}}}}}}';
  return shell.replace('""', `"${"x".repeat(n - shell.length)}"`);
}

describe("the 10,000-character limit as AWS counts it", () => {
  it("states AWS's limits", () => {
    expect([MAX_POLICY_CHARS, MAX_BACKUP_POLICIES_PER_TARGET, MAX_POLICIES_PER_ORG]).toEqual([10_000, 10, 1000]);
    expect([
      MIN_START_WINDOW_MINUTES,
      MIN_COLD_STORAGE_DAYS,
      MAX_CONTINUOUS_RETENTION_DAYS,
      MAX_CONDITIONS_PER_SELECTION,
    ]).toEqual([60, 90, 35, 30]);
  });

  it("accepts exactly 10,000 characters and refuses 10,001", () => {
    expect(countPolicyChars(docOfLength(10_000))).toBe(10_000);
    expect(parsePolicyText(docOfLength(10_000)).ok).toBe(true);
    const r = parsePolicyText(docOfLength(10_001));
    expect(r.ok ? null : r.error).toMatchObject({
      code: "ConstraintViolationException",
      reason: "POLICY_CONTENT_LIMIT_EXCEEDED",
      path: "$",
    });
  });

  it("counts every character of the Content sent through the API, white space included", () => {
    const text = '{\n  "plans": {}\n}';
    expect(countPolicyChars(text)).toBe(text.length);
    expect(countPolicyChars(text, "api")).toBe(17);
  });

  it("does not count white space between JSON elements when saved through the console", () => {
    const text =
      '{\n\t"plans" : { "P" : {"backup_plan_tags": {"t": {"tag_value": {"@@assign": "two  words\\" \\\\"}}}}}\r\n}';
    expect(minifyPolicyText(text)).toBe(
      '{"plans":{"P":{"backup_plan_tags":{"t":{"tag_value":{"@@assign":"two  words\\" \\\\"}}}}}}',
    );
    expect(JSON.parse(minifyPolicyText(text))).toEqual(JSON.parse(text));
    expect(countPolicyChars(text, "console")).toBe(minifyPolicyText(text).length);
  });

  it("counts a character outside the Basic Multilingual Plane once", () => {
    const text = '{"t":"🙂"}';
    expect(text.length).toBe(10); // UTF-16 units
    expect(countPolicyChars(text)).toBe(9); // code points
  });

  it("says when the minified text would fit", () => {
    const pretty = JSON.stringify({ plans: { P: { regions: { "@@assign": Array(400).fill("us-east-1") } } } }, null, 4);
    expect(checkPolicySize(pretty)?.message).toContain("push the minified text");
    expect(checkPolicySize(pretty, "console")).toBeUndefined();
    expect(checkPolicySize(docOfLength(10_001))?.message).not.toContain("minified");
  });
});

describe("limits on attachments and policies", () => {
  it("lets a 10th backup policy be attached and refuses an 11th", () => {
    expect(checkAttachmentLimit(9)).toBeUndefined();
    expect(checkAttachmentLimit(10, "OU ou-ab12-cdef3456")).toMatchObject({
      code: "ConstraintViolationException",
      reason: "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
      path: "$",
    });
    expect(checkAttachmentLimit(10, "OU ou-ab12-cdef3456")?.message).toContain("OU ou-ab12-cdef3456 already has 10");
  });

  it("lets the 1,000th backup policy be created and refuses the 1,001st", () => {
    expect(checkPolicyCountLimit(999)).toBeUndefined();
    expect(checkPolicyCountLimit(1000)).toMatchObject({
      code: "ConstraintViolationException",
      reason: "POLICY_NUMBER_LIMIT_EXCEEDED",
    });
  });
});
