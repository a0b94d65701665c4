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
import { accountReachable } from "@/sim/engine/summary";
import { resilienceMix } from "./resilience-mix";

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
    expect(c.accounts).toBe(15);
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
    const rt = new Runtime(s);
    const mix = resilienceMix(s, (u) => accountReachable(s, rt.identity, rt.config, u.accountId));
    expect(Object.entries(mix).filter(([, present]) => !present)).toEqual([]);
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
    const lag = JSON.parse(JSON.stringify(demoWorld(1)));
    const plain = lag.vaults.findIndex((v: { type?: string }) => v.type === undefined);
    lag.vaults[plain].mpa_approval_team_arn = "arn:aws:mpa::123456789012:approval-team/x1";
    lag.vaults[plain].shared_with = [{ principal: "123456789012" }];
    expect(() => parseWorld(lag)).toThrow(
      new RegExp(
        `vaults\\[${plain}\\]\\.mpa_approval_team_arn: only a LOGICALLY_AIR_GAPPED_BACKUP_VAULT takes an MPA approval team`,
      ),
    );
    expect(() => parseWorld(lag)).toThrow(
      new RegExp(`vaults\\[${plain}\\]\\.shared_with: only a LOGICALLY_AIR_GAPPED_BACKUP_VAULT`),
    );
    const scans = JSON.parse(JSON.stringify(demoWorld(1)));
    scans.plans[1].versions[0].rules[0].scan_actions = [{ scan_mode: "FULL_SCAN" }];
    delete scans.plans[1].versions[0].scan_settings;
    scans.plans[1].versions[0].rules[0].delete_source_after_copy = true;
    scans.plans[1].versions[0].rules[0].copy_actions = [];
    scans.vaults.find((v: { shared_with?: unknown }) => v.shared_with).shared_with[0].principal = "someone";
    expect(() => parseWorld(scans)).toThrow(
      /plans\[1\]\.versions\[0\]\.rules\[0\]\.scan_actions: a scan action needs the version's scan_settings/,
    );
    expect(() => parseWorld(scans)).toThrow(/rules\[0\]\.delete_source_after_copy: needs copy_actions/);
    expect(() => parseWorld(scans)).toThrow(
      /shared_with\[0\]\.principal: expected a 12-digit account ID, an OU ARN or an organization ARN/,
    );
    const file = path.join(dir, "broken.json");
    writeFileSync(file, "{ not json");
    expect(() => loadWorld(file)).toThrow(/cannot read world file/);
  });
});
