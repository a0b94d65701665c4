import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createState } from "@/sim/engine/create";
import { worldSummary } from "@/sim/engine/summary";
import { Runtime } from "@/sim/runtime";
import { loadWorld } from "@/sim/server";
import { benchWorld } from "@/sim/world/bench";
import { demoWorld } from "@/sim/world/demo";
import { parseWorld } from "@/sim/world/schema";

const NOW = Date.parse("2026-06-15T12:00:00Z") / 1000;
const summarize = (s: ReturnType<typeof createState>) => {
  const rt = new Runtime(s);
  return worldSummary(s, rt.identity, rt.config);
};

describe("presets", () => {
  it("demo builds in under 2 s with a few thousand recovery points", () => {
    const t0 = performance.now();
    const s = createState(demoWorld(1), { now: NOW });
    expect(performance.now() - t0).toBeLessThan(2000);
    const c = summarize(s).counts;
    expect(c.accounts).toBe(12);
    expect(c.recovery_points).toBeGreaterThan(2000);
    expect(c.recovery_points).toBeLessThan(10000);
  });

  it("bench builds in under 60 s at the asked size", () => {
    const t0 = performance.now();
    const s = createState(benchWorld({ seed: 1 }), { now: NOW });
    expect(performance.now() - t0).toBeLessThan(60_000);
    const c = summarize(s).counts;
    expect(c.accounts).toBe(1000);
    expect(c.resources).toBeGreaterThan(180_000);
    expect(c.resources).toBeLessThan(220_000);
    expect(c.recovery_points).toBeGreaterThan(900_000);
    expect(c.recovery_points).toBeLessThan(1_100_000);
  }, 90_000);

  it("the same seed gives the same world definition, another seed another", () => {
    expect(JSON.stringify(benchWorld({ seed: 3, accounts: 40 }))).toBe(
      JSON.stringify(benchWorld({ seed: 3, accounts: 40 })),
    );
    expect(JSON.stringify(benchWorld({ seed: 3, accounts: 40 }))).not.toBe(
      JSON.stringify(benchWorld({ seed: 4, accounts: 40 })),
    );
    const a = summarize(createState(benchWorld({ seed: 3, accounts: 40 }), { now: NOW }));
    const b = summarize(createState(benchWorld({ seed: 3, accounts: 40 }), { now: NOW }));
    expect(a).toEqual(b);
  });
});

describe("world files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sim-world-"));
  it("a dumped preset loads back into the same world", () => {
    const file = path.join(dir, "demo.json");
    writeFileSync(file, JSON.stringify(demoWorld(5)));
    expect(summarize(createState(loadWorld(file), { now: NOW }))).toEqual(
      summarize(createState(demoWorld(5), { now: NOW })),
    );
  });

  it("names the JSON path of every problem", () => {
    const w = JSON.parse(JSON.stringify(demoWorld(1)));
    w.resources[0].type = "Mainframe";
    delete w.member_role_name;
    expect(() => parseWorld(w)).toThrow(/resources\[0\]\.type/);
    expect(() => parseWorld(w)).toThrow(/member_role_name/);
    // References are checked once the shapes are right.
    const refs = JSON.parse(JSON.stringify(demoWorld(1)));
    refs.accounts[2].parent_id = "ou-nope-nopenope";
    refs.vaults[3].region = "ap-south-1";
    expect(() => parseWorld(refs)).toThrow(/accounts\[2\]\.parent_id: unknown parent/);
    expect(() => parseWorld(refs)).toThrow(/vaults\[3\]\.region: region ap-south-1 is not in regions/);
    const onlySchedule = JSON.parse(JSON.stringify(demoWorld(1)));
    onlySchedule.plans[1].versions[0].rules[0].schedule = "cron(0 5 * * * *)";
    expect(() => createState(onlySchedule, { now: NOW })).toThrow(/plans\[1\]\.versions\[0\]\.rules\[0\]\.schedule/);
    const file = path.join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    expect(() => loadWorld(file)).toThrow(/cannot read world file/);
  });
});
