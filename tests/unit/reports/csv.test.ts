import { describe, expect, it } from "vitest";
import { csvCell, csvPreamble, csvRow, csvStream } from "@/lib/reports/csv";

describe("CSV", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvRow(["a", "b,c", 'say "hi"', "x\ny", null, 3])).toBe('a,"b,c","say ""hi""","x\ny",,3\r\n');
  });
  it("defuses spreadsheet formulas", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM")).toBe("'@SUM");
  });
  it("writes dates as ISO and objects as JSON", () => {
    expect(csvCell(new Date("2026-01-02T03:04:05Z"))).toBe("2026-01-02T03:04:05.000Z");
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
  it("streams preamble, header and pages", async () => {
    async function* pages() {
      yield [[1, "a"]];
      yield [
        [2, "b"],
        [3, "c"],
      ];
    }
    const text = await new Response(
      csvStream(csvPreamble({ export: "t", filters: "x\ny" }), ["id", "v"], pages()),
    ).text();
    expect(text).toBe("# export: t\r\n# filters: x y\r\nid,v\r\n1,a\r\n2,b\r\n3,c\r\n");
  });
});
