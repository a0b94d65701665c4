import { describe, expect, it } from "vitest";
import { decodeResourceId, encodeResourceId, jobHref, resourceHref } from "@/lib/dashboard/links";

describe("page addresses", () => {
  const arn = "arn:aws:rds:eu-west-1:111111111111:db:orders/primary";
  it("addresses a resource by its ARN in one path segment and reads it back", () => {
    const href = resourceHref("demo", arn);
    expect(href).toMatch(/^\/t\/demo\/resources\/[A-Za-z0-9_-]+$/);
    expect(decodeResourceId(href.split("/").pop()!)).toBe(arn);
  });
  it("refuses ids it did not make", () => {
    expect(decodeResourceId("not base64!")).toBeNull();
    expect(decodeResourceId(encodeResourceId("not-an-arn"))).toBeNull();
    expect(decodeResourceId(`${encodeResourceId(arn)}=`)).toBeNull();
    expect(decodeResourceId("")).toBeNull();
  });
  it("escapes a job id", () => {
    expect(jobHref("demo", "restore", "a/b")).toBe("/t/demo/jobs/restore/a%2Fb");
  });
});
