import { describe, expect, it } from "vitest";
import { shortArn } from "@/lib/format";

describe("shortArn", () => {
  it("keeps the last part of an ARN or id", () => {
    expect(shortArn("arn:aws:ec2:eu-west-1:111111111111:volume/vol-0abc")).toBe("vol-0abc");
    expect(shortArn("arn:aws:dynamodb:us-east-1:111111111111:table/orders")).toBe("orders");
    expect(shortArn("arn:aws:s3:::my-bucket")).toBe("my-bucket");
    expect(shortArn("arn:aws:backup:us-east-1:111111111111:recovery-point:abc-123/")).toBe("abc-123");
    expect(shortArn("111111111111")).toBe("111111111111");
    expect(shortArn("")).toBe("");
  });
});
