import { describe, expect, it } from "vitest";
import { rankPortfolio } from "@/lib/dashboard/queries/resilience";

const rows = [
  { name: "Acme", score: 0.9, change: -4.2 },
  { name: "Bravo", score: null, change: null },
  { name: "Cargo", score: 0.55, change: 1.5 },
  { name: "Delta", score: 0.9, change: null },
  { name: "Echo", score: 0.7, change: -10 },
];
const names = (r: typeof rows) => r.map((x) => x.name);

describe("the portfolio's order", () => {
  it("lowest score first, ties by name, tenants with no score last", () => {
    expect(names(rankPortfolio(rows, "score"))).toEqual(["Cargo", "Echo", "Acme", "Delta", "Bravo"]);
  });
  it("largest fall first, tenants with nothing to compare last", () => {
    expect(names(rankPortfolio(rows, "change"))).toEqual(["Echo", "Acme", "Cargo", "Bravo", "Delta"]);
  });
  it("by name", () => {
    expect(names(rankPortfolio(rows, "name"))).toEqual(["Acme", "Bravo", "Cargo", "Delta", "Echo"]);
  });
});
