import { describe, expect, it } from "vitest";
import { detailLines } from "@/app/(app)/settings/audit-log/details";

describe("audit entry details as key/value lines", () => {
  it("flattens nested objects with dotted keys and lists with commas", () => {
    expect(
      detailLines({ format: "csv", filters: { account: "123456789012", problems: "only" }, regions: ["a", "b"] }),
    ).toEqual([
      { key: "format", value: "csv" },
      { key: "filters.account", value: "123456789012" },
      { key: "filters.problems", value: "only" },
      { key: "regions", value: "a, b" },
    ]);
  });

  it("says none for null, empty objects and empty lists, and numbers objects in lists", () => {
    expect(detailLines({ asOf: null, filters: {}, ids: [], changes: [{ path: "x" }, { path: "y" }] })).toEqual([
      { key: "asOf", value: "none" },
      { key: "filters", value: "none" },
      { key: "ids", value: "none" },
      { key: "changes[1].path", value: "x" },
      { key: "changes[2].path", value: "y" },
    ]);
    expect(detailLines({})).toEqual([]);
  });
});
