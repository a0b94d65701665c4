import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { duplicateSdkPackages } from "@/lib/cli/check-lockfile";

describe("the lockfile check", () => {
  it("names an AWS SDK package held in two versions, and nothing else", () => {
    const dups = duplicateSdkPackages({
      packages: {
        "": { version: "0.1.0" },
        "node_modules/@smithy/types": { version: "4.1.0" },
        "node_modules/@aws-sdk/client-sts/node_modules/@smithy/types": { version: "4.0.0" },
        "node_modules/@aws-sdk/core": { version: "3.900.0" },
        "node_modules/@aws-sdk/client-backup/node_modules/@aws-sdk/core": { version: "3.900.0" },
        "node_modules/zod": { version: "4.0.0" },
        "node_modules/other/node_modules/zod": { version: "3.0.0" },
      },
    });
    expect([...dups]).toEqual([["@smithy/types", ["4.0.0", "4.1.0"]]]);
  });

  it("passes on this project's lockfile", () => {
    expect([...duplicateSdkPackages(JSON.parse(readFileSync("package-lock.json", "utf8")))]).toEqual([]);
  });
});
