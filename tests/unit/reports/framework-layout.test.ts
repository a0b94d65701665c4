import { describe, expect, it } from "vitest";
import {
  countsText,
  escapeHtml,
  evidenceText,
  fullyMetText,
  pageLabel,
  tocPageCount,
  trendGeometry,
  trendSentence,
  wrapLines,
} from "@/lib/reports/framework/layout";

const box = { x: 10, y: 20, width: 100, height: 50 };

describe("trendGeometry", () => {
  it("places each day at its place in the period and each score on a 0–100% scale", () => {
    const g = trendGeometry(
      [
        { day: "2026-01-01", score: 0 },
        { day: "2026-01-02", score: 0.5 },
        { day: "2026-01-03", score: 1 },
      ],
      "2026-01-01",
      "2026-01-03",
      box,
    );
    expect(g.segments).toEqual([
      [
        [10, 70],
        [60, 45],
        [110, 20],
      ],
    ]);
    expect(g.yTicks.map((t) => [t.y, t.label])).toEqual([
      [70, "0%"],
      [57.5, "25%"],
      [45, "50%"],
      [32.5, "75%"],
      [20, "100%"],
    ]);
    expect(g.xTicks.map((t) => t.label)).toEqual(["2026-01-01", "2026-01-02", "2026-01-03"]);
  });

  it("breaks the line at a missing day and at a day without a score", () => {
    const g = trendGeometry(
      [
        { day: "2026-01-01", score: 0.2 },
        { day: "2026-01-02", score: 0.4 },
        { day: "2026-01-05", score: 0.6 },
        { day: "2026-01-06", score: null },
        { day: "2026-01-07", score: 0.8 },
      ],
      "2026-01-01",
      "2026-01-11",
      box,
    );
    expect(g.segments.map((s) => s.length)).toEqual([2, 1, 1]);
    expect(g.segments[1]![0]![0]).toBe(50);
    expect(g.xTicks).toHaveLength(5);
  });

  it("draws nothing without scores, and one day as one point", () => {
    expect(trendGeometry([], "2026-01-01", "2026-01-31", box).segments).toEqual([]);
    const one = trendGeometry([{ day: "2026-01-01", score: 1 }], "2026-01-01", "2026-01-01", box);
    expect(one.segments).toEqual([[[10, 20]]]);
    expect(one.xTicks.map((t) => t.label)).toEqual(["2026-01-01"]);
  });
});

describe("wording", () => {
  it("says how the score moved over the period", () => {
    expect(trendSentence([])).toBe("No daily score was recorded in the period.");
    expect(trendSentence([{ day: "2026-01-01", score: 0.5 }])).toBe(
      "One daily score in the period: 50.0% on 2026-01-01.",
    );
    expect(
      trendSentence([
        { day: "2026-01-01", score: 0.8 },
        { day: "2026-01-02", score: null },
        { day: "2026-01-09", score: 0.712 },
      ]),
    ).toBe("80.0% on 2026-01-01, 71.2% on 2026-01-09 (-8.8 points), over 2 days with a score.");
  });

  it("writes counts as the dashboard's counts line: pass and fail always, the rest when any", () => {
    expect(countsText({ PASS: 1234, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 })).toBe("1,234 pass · 0 fail");
    expect(countsText({ PASS: 1, FAIL: 2, NOT_APPLICABLE: 3, ERROR: 4, EXCEPTED: 5 })).toBe(
      "1 pass · 2 fail · 5 excepted · 4 error · 3 n/a",
    );
    expect(fullyMetText(1, 1)).toBe("1 of 1 requirement fully met");
    expect(fullyMetText(2, 6)).toBe("2 of 6 requirements fully met");
    expect(pageLabel(3, 120)).toBe("Page 3 of 120");
  });

  it("writes evidence as one line", () => {
    expect(
      evidenceText({
        kind: "recovery-point",
        id: "arn:x",
        details: { encrypted: false, tags: ["a", "b"], vault: null },
      }),
    ).toBe("recovery-point arn:x: encrypted=false, tags=[a, b], vault=none");
    expect(evidenceText({ kind: "vault", id: "v" })).toBe("vault v");
  });

  it("escapes text for HTML", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
    );
  });
});

describe("tocPageCount", () => {
  it("takes the pages the entries need, at least one", () => {
    expect(tocPageCount(0, 40)).toBe(1);
    expect(tocPageCount(40, 40)).toBe(1);
    expect(tocPageCount(41, 40)).toBe(2);
    expect(() => tocPageCount(10, 0)).toThrow(/at least one line/);
  });
});

describe("wrapLines", () => {
  // One unit per character: a line of width 10 holds ten characters.
  const widthOf = (s: string) => s.length;

  it("breaks at spaces, filling each line", () => {
    expect(wrapLines("one two three four", 10, widthOf)).toEqual(["one two", "three four"]);
    expect(wrapLines("short", 10, widthOf)).toEqual(["short"]);
    expect(wrapLines("", 10, widthOf)).toEqual([""]);
  });

  it("breaks a word wider than a line where it must, dropping nothing", () => {
    const arn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1";
    const lines = wrapLines(`x ${arn} y`, 10, widthOf);
    expect(lines.every((l) => l.length <= 10)).toBe(true);
    expect(lines.join("").replace(/ /g, "")).toBe(`x${arn}y`);
    expect(lines[0]).toBe("x");
  });

  it("starts a line at each newline", () => {
    expect(wrapLines("a b\nc", 10, widthOf)).toEqual(["a b", "c"]);
  });
});
