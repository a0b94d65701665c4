import { describe, expect, it } from "vitest";
import { csvCell, csvPreamble, csvRow, csvStream } from "@/lib/reports/csv";
import { exportResponse } from "@/lib/reports/export";
import { FORMULA_START, readCsv } from "@/tests/helpers/csv-read";

// Every value a user or a tenant's AWS data can put into a CSV, in every position it can reach.
const HOSTILE = [
  "plain",
  "a,b",
  "a;b",
  "x;=1+1",
  "x,=1+1,",
  "tab\there",
  "line\r\nbreak",
  "lone\rcr",
  "lone\nlf",
  'say "hi"',
  "=1+1",
  "+1",
  "-2",
  "@SUM(A1)",
  "\t=1+1",
  "\r=1+1",
  '=HYPERLINK("http://x","y")',
  "",
];

/** What the one cell rule makes of a value: the same text, a leading apostrophe on formula starts. */
const neutralised = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

function expectSafe(records: ReturnType<typeof readCsv>) {
  for (const record of records)
    for (const field of record) {
      // Quoted fields stay whole when a spreadsheet splits on `;` (the list separator of many locales).
      expect(field.quoted, JSON.stringify(field.text)).toBe(true);
      expect(FORMULA_START.test(field.text), JSON.stringify(field.text)).toBe(false);
    }
}

describe("CSV", () => {
  it("quotes every cell, doubles inner quotes and keeps the text", () => {
    expect(csvRow(["a", "b,c", 'say "hi"', "x\ny", null, 3])).toBe('"a","b,c","say ""hi""","x\ny","","3"\r\n');
  });
  it("defuses spreadsheet formulas", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe(`"'=HYPERLINK(1)"`);
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-2")).toBe(`"'-2"`);
    expect(csvCell("@SUM")).toBe(`"'@SUM"`);
    expect(csvCell("\t=1")).toBe(`"'\t=1"`);
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
  });
  it("writes dates as ISO and objects as JSON", () => {
    expect(csvCell(new Date("2026-01-02T03:04:05Z"))).toBe('"2026-01-02T03:04:05.000Z"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it("writes hostile values in preamble, header and data as single safe cells a strict reader reads back", async () => {
    async function* pages() {
      yield [HOSTILE.slice(0, 9)];
      yield [HOSTILE.slice(9, 18)];
    }
    const header = HOSTILE.slice(0, 9);
    const preamble = Object.fromEntries(HOSTILE.map((v, i) => [`k${i}`, v]));
    const text = await new Response(csvStream(csvPreamble(preamble), header, pages())).text();
    const records = readCsv(text);
    expectSafe(records);
    expect(records.map((r) => r.map((f) => f.text))).toEqual([
      ...HOSTILE.map((v, i) => [`# k${i}`, neutralised(v)]),
      header.map(neutralised),
      HOSTILE.slice(0, 9).map(neutralised),
      HOSTILE.slice(9, 18).map(neutralised),
    ]);
  });

  it("keeps a hostile tenant name and filter values inside their preamble cells in table exports", async () => {
    async function* pages() {
      yield [["=1+1", "a;=2+2"]];
    }
    for (const hostile of HOSTILE) {
      const response = exportResponse(
        "csv",
        {
          tenant: hostile,
          table: "resources",
          filters: { actor: hostile, search: "x,=1+1," },
          asOf: "current",
          generatedAt: "2026-06-15T12:00:00.000Z",
        },
        ["id", hostile],
        pages(),
      );
      const records = readCsv(await response.text());
      expectSafe(records);
      expect(records[0]!.map((f) => f.text)).toEqual(["# tenant", neutralised(hostile)]);
      expect(records[2]!.map((f) => f.text)).toEqual([
        "# filters",
        JSON.stringify({ actor: hostile, search: "x,=1+1," }),
      ]);
      expect(records.at(-2)!.map((f) => f.text)).toEqual(["id", neutralised(hostile)]);
      expect(records.at(-1)!.map((f) => f.text)).toEqual(["'=1+1", "a;=2+2"]);
      expect(records.every((r) => r.length === 2)).toBe(true);
    }
  });

  it("streams text already formatted between pages of values, in order", async () => {
    async function* pages() {
      yield [["a", 1]];
      yield csvRow(["b", 2]) + csvRow(["c", 3]);
      yield [["d", null]];
    }
    const text = await new Response(csvStream("", ["k", "v"], pages())).text();
    expect(text).toBe(['"k","v"', '"a","1"', '"b","2"', '"c","3"', '"d",""', ""].join("\r\n"));
  });

  it("fails the stream, never ends it cleanly, when its source fails mid-way", async () => {
    async function* pages() {
      yield [["a", 1]];
      throw new Error("connection lost");
    }
    const response = exportResponse(
      "csv",
      { tenant: "t", table: "x", filters: {}, asOf: "current", generatedAt: new Date(0).toISOString() },
      ["k", "v"],
      (async function* () {})(),
      (async function* () {
        yield csvRow(["a", 1]);
        throw new Error("connection lost");
      })(),
    );
    await expect(response.text()).rejects.toThrow("connection lost");
    await expect(new Response(csvStream("", ["k"], pages())).text()).rejects.toThrow("connection lost");
  });
});
