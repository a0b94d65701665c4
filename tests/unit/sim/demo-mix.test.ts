import { describe, expect, it } from "vitest";
import { createState } from "@/sim/engine/create";
import type { PlanRt, ResourceRt, RuleRt, SimState, VaultRt } from "@/sim/engine/model";
import { currentVersion } from "@/sim/engine/plans";
import { assignedResources } from "@/sim/engine/run";
import { JOB_STATES, RP_COPY, RP_ENCRYPTED } from "@/sim/engine/tables";
import { accountReachable } from "@/sim/engine/summary";
import { Runtime } from "@/sim/runtime";
import { demoWorld } from "@/sim/world/demo";
import { resilienceMix } from "./resilience-mix";

/**
 * The demo world gives every control of PRODUCT.md (BK-01..BK-17) passing and failing subjects,
 * judged here from the simulator's own state in the accounts a sync can reach.
 */
const NOW = Date.parse("2026-06-15T12:00:00Z") / 1000;
const DAY = 86400;
const s: SimState = createState(demoWorld(1), { now: NOW });
const rt = new Runtime(s);
const reachable = new Set(s.org.accountOrder.filter((a) => accountReachable(s, rt.identity, rt.config, a)));
const units = s.units.filter((u) => reachable.has(u.accountId));
const resources = units.flatMap((u) => u.resources.map((r) => s.resources[r] as ResourceRt));
const vaults = units.flatMap((u) => u.vaults.map((v) => s.vaults[v] as VaultRt));
const plans = units.flatMap((u) => u.plans.map((p) => s.plans[p] as PlanRt)).filter((p) => p.deleted === undefined);
const rules = plans.flatMap((p) => currentVersion(p).rules.map((r) => s.rules[r] as RuleRt));
const liveRps = Array.from({ length: s.rps.size }, (_, i) => i).filter(
  (i) => s.rps.alive(i) && vaults.some((v) => v.index === s.rps.vault.data[i]),
);
const rpsOf = (r: ResourceRt) => liveRps.filter((i) => s.rps.resource.data[i] === r.index);
const both = (values: boolean[]) => [values.some(Boolean), values.some((v) => !v)];
const assigned = new Set(
  units.flatMap((u) =>
    u.plans
      .map((p) => s.plans[p] as PlanRt)
      .filter((p) => p.deleted === undefined)
      .flatMap((p) => assignedResources(s, u, p).map(([r]) => r.index)),
  ),
);
const DENY = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];
const accountOfArn = (arn: string) => arn.split(":")[4];
const regionOfArn = (arn: string) => arn.split(":")[3];

describe("demo world control mix", () => {
  it("BK-01 resources selected and not selected by any plan", () =>
    expect(both(resources.map((r) => assigned.has(r.index)))).toEqual([true, true]));
  it("BK-02 plans meeting and missing daily + 35 days", () =>
    expect(
      both(
        rules.map(
          (r) =>
            (r.schedule?.periodSeconds ?? Infinity) <= DAY &&
            (r.lifecycle.deleteAfterDays < 0 || r.lifecycle.deleteAfterDays >= 35),
        ),
      ),
    ).toEqual([true, true]));
  it("BK-03 vaults denying all three deletion actions and not", () =>
    expect(both(vaults.map((v) => DENY.every((a) => (v.accessPolicy ?? "").includes(a))))).toEqual([true, true]));
  it("BK-04 encrypted and unencrypted recovery points", () =>
    expect(both(liveRps.map((i) => (s.rps.flags.data[i]! & RP_ENCRYPTED) !== 0))).toEqual([true, true]));
  it("BK-05 recovery points kept at least 35 days and less", () =>
    expect(
      both(
        liveRps.map((i) => {
          const d = s.rps.deleteAfterDays.data[i]!;
          return d < 0 || d >= 35;
        }),
      ),
    ).toEqual([true, true]));
  it("BK-06/07 resources with cross-region and cross-account copies, and without", () => {
    const copies = rules.flatMap((r) =>
      r.copyActions.map((c) => ({ plan: s.plans[r.plan]!, arn: c.destinationVaultArn })),
    );
    const unitOf = (p: PlanRt) => s.units[p.unit]!;
    expect(copies.some((c) => regionOfArn(c.arn) !== unitOf(c.plan).region)).toBe(true);
    expect(copies.some((c) => accountOfArn(c.arn) !== unitOf(c.plan).accountId)).toBe(true);
    expect(rules.some((r) => r.copyActions.length === 0)).toBe(true);
  });
  it("BK-08 vaults with governance and compliance Vault Lock, and none", () => {
    expect(vaults.some((v) => v.lock?.mode === "governance")).toBe(true);
    expect(vaults.some((v) => v.lock?.mode === "compliance" && (v.lock.lockDate ?? Infinity) < s.now)).toBe(true);
    expect(vaults.some((v) => !v.lock)).toBe(true);
  });
  it("BK-09 resources whose last recovery point is recent, and stale", () => {
    const latest = resources
      .map((r) => Math.max(-Infinity, ...rpsOf(r).map((i) => s.rps.created.data[i]!)))
      .filter(Number.isFinite);
    expect(both(latest.map((t) => s.now - t <= DAY))).toEqual([true, true]);
  });
  it("BK-10 restores faster and slower than 720 minutes", () => {
    const jobs = s.restoreJobs.filter((j) => reachable.has(s.units[j.unit]!.accountId) && j.status === "COMPLETED");
    expect(both(jobs.map((j) => j.durationMinutes <= 720))).toEqual([true, true]);
  });
  it("BK-11 resources with and without points in a logically air-gapped vault", () => {
    const inLag = new Set(
      liveRps
        .filter((i) => s.vaults[s.rps.vault.data[i]!]!.type === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT")
        .map((i) => s.rps.resource.data[i]!),
    );
    expect(inLag.size).toBeGreaterThan(0);
    expect(resources.filter((r) => rpsOf(r).length > 0).some((r) => !inLag.has(r.index))).toBe(true);
  });
  it("BK-12 rules within 2555 days, and never-expiring or longer", () =>
    expect(both(rules.map((r) => r.lifecycle.deleteAfterDays >= 0 && r.lifecycle.deleteAfterDays <= 2555))).toEqual([
      true,
      true,
    ]));
  it("BK-13 resource types restore-tested and never restored", () => {
    const restoredTypes = new Set(s.restoreJobs.map((j) => s.resources[s.rps.resource.data[j.recoveryPoint]!]!.type));
    expect(restoredTypes.size).toBeGreaterThan(0);
    expect(new Set(resources.map((r) => r.type)).size).toBeGreaterThan(restoredTypes.size);
    expect(s.restoreJobs.some((j) => j.restoreTestingPlan >= 0)).toBe(true);
  });
  it("BK-14 COMPLETED, FAILED, ABORTED, EXPIRED and completed-with-issues jobs", () => {
    const seen = new Set<string>();
    for (const u of units)
      for (let k = 0; k < u.backupJobs.length; k++) {
        const j = u.backupJobs.get(k);
        const state = JOB_STATES[s.backupJobs.state.data[j]!]!;
        const category = s.strings.values[s.backupJobs.category.data[j]!]!;
        seen.add(state === "COMPLETED" && category !== "SUCCESS" ? "ISSUES" : state);
      }
    expect([...seen].sort()).toEqual(["ABORTED", "COMPLETED", "EXPIRED", "FAILED", "ISSUES"]);
  });
  it("BK-15 a type not opted in where such resources exist, and a rule whose vault is missing", () => {
    expect(units.some((u) => [...u.notOptedIn].some((t) => u.resources.some((r) => s.resources[r]!.type === t)))).toBe(
      true,
    );
    expect(rules.some((r) => !s.units[s.plans[r.plan]!.unit]!.vaultByName.has(r.targetVault))).toBe(true);
    expect(units.some((u) => u.notOptedIn.size === 0)).toBe(true);
  });
  it("BK-16 vaults with customer-managed keys and without", () =>
    expect(both(vaults.map((v) => v.encryption === "customer-managed"))).toEqual([true, true]));
  it("BK-16 keys KMS calls AWS- and customer-managed, one without an alias, one another account keeps to itself", () => {
    const keyOf = (v: VaultRt) =>
      [...s.kms.values()].flatMap((u) => [...u.keys.values()]).find((k) => k.arn === v.encryptionKeyArn);
    const keyed = vaults
      .filter((v) => v.encryption !== "aws-owned")
      .map((v) => ({ v, k: keyOf(v)!, account: s.units[v.unit]!.accountId }));
    expect(keyed.every((x) => x.k !== undefined)).toBe(true);
    expect(new Set(keyed.map((x) => x.k.manager))).toEqual(new Set(["AWS", "CUSTOMER"]));
    const aliased = (x: (typeof keyed)[number]) =>
      [...s.kms.get(`${x.k.accountId}/${x.k.region}`)!.aliases.values()].some((a) => a.targetKeyId === x.k.id);
    expect(keyed.some((x) => x.k.manager === "CUSTOMER" && !aliased(x))).toBe(true);
    expect(keyed.some((x) => x.k.accountId !== x.account && !x.k.describableBy.has(x.account))).toBe(true);
  });
  it("BK-17 accounts covered by a backup policy (org-managed plans) and not, plus hand-made plans", () => {
    expect(
      both([...reachable].map((a) => plans.some((p) => p.orgPlanName && s.units[p.unit]!.accountId === a))),
    ).toEqual([true, true]);
    expect(plans.some((p) => !p.orgPlanName)).toBe(true);
  });
  it("copies and the air-gapped vault hold copies only for some resources", () =>
    expect(liveRps.some((i) => (s.rps.flags.data[i]! & RP_COPY) !== 0)).toBe(true));
});

describe("demo world cyber-resilience mix", () => {
  it.each(Object.entries(resilienceMix(s, (u) => reachable.has(u.accountId))))("has %s", (_, present) =>
    expect(present).toBe(true),
  );
  it("has the named subjects sim/README.md lists", () => {
    const named = (account: string, region: string, name: string) =>
      s.resources.find(
        (r) =>
          r.name === name &&
          s.units[r.unit]!.region === region &&
          s.org.accounts.get(s.units[r.unit]!.accountId)?.name === account,
      )!;
    expect(named("Prod Data", "us-east-1", "data-lake")).toMatchObject({
      scanOutcome: "infected",
      indexOutcome: "active",
    });
    expect(named("Prod Data", "eu-west-1", "data-lake")).toMatchObject({
      scanOutcome: "clean",
      indexOutcome: "failed",
    });
    expect(named("Log Archive", "us-east-1", "org-cloudtrail").scanOutcome).toBe("failed");
    expect(named("Prod Payments", "us-east-1", "payments-db-us-east-1").restoreValidation).toBe("successful");
    expect(named("Prod Payments", "us-east-1", "payments-reporting-db").restoreValidation).toBe("failed");
    const lag = (account: string, region: string, name: string) =>
      s.vaults.find(
        (v) =>
          v.name === name &&
          s.units[v.unit]!.region === region &&
          s.org.accounts.get(s.units[v.unit]!.accountId)?.name === account,
      )!;
    expect(lag("Backup Central", "us-east-1", "airgap-vault").share?.principals).toEqual([
      { id: "999988887777", external: true },
    ]);
    expect(lag("Backup Central", "us-east-1", "airgap-vault").mpaApprovalTeamArn).toMatch(
      /^arn:aws:mpa::\d{12}:approval-team\//,
    );
    expect(lag("Backup Central", "eu-west-1", "airgap-vault").share?.principals.map((p) => p.external)).toEqual([
      false,
      false,
    ]);
    expect(lag("Audit", "us-east-1", "audit-airgap")).toMatchObject({ share: null, mpaApprovalTeamArn: undefined });
  });

  it("cost and hygiene: sized, cold, never-expiring points; an orphan's points; a plan without selections; empty vaults", () => {
    expect(liveRps.every((i) => (s.rps.sizeMb.data[i] as number) > 0)).toBe(true);
    expect(
      liveRps.some(
        (i) =>
          (s.rps.coldAfterDays.data[i] as number) >= 0 &&
          (s.rps.created.data[i] as number) + (s.rps.coldAfterDays.data[i] as number) * DAY <= NOW,
      ),
    ).toBe(true);
    expect(liveRps.some((i) => s.rps.deleteAt(i) === Infinity)).toBe(true);
    const gone = resources.filter((r) => r.deleted !== undefined && r.deleted <= NOW);
    expect(gone.map((r) => r.name)).toEqual(["payments-batch-old"]);
    const orphanPoints = rpsOf(gone[0]!);
    expect(orphanPoints.length).toBeGreaterThan(0);
    expect(orphanPoints.every((i) => (s.rps.created.data[i] as number) < gone[0]!.deleted!)).toBe(true);
    expect(orphanPoints.some((i) => s.rps.vault.data[i] !== orphanPoints.map((j) => s.rps.vault.data[j])[0])).toBe(
      true,
    );
    const batch = plans.find((p) => p.name === "payments-batch")!;
    expect(currentVersion(batch).rules.map((r) => (s.rules[r] as RuleRt).copyActions.length)).toEqual([0]);
    const central = vaults.find((v) => v.name === "central-vault" && s.units[v.unit]!.region === "us-east-1")!;
    const copiedBefore = new Set(batch.versions[0]!.rules);
    const unasked = orphanPoints.filter(
      (i) => s.rps.vault.data[i] === central.index && copiedBefore.has(s.rps.rule.data[i] as number),
    );
    expect(unasked.length).toBeGreaterThan(0);
    expect(plans.filter((p) => p.selections.length === 0).map((p) => p.name)).toEqual(["staging-retired"]);
    expect(vaults.some((v) => v.liveCount === 0)).toBe(true);
  });
});
