import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { CONTROL_IDS, type ControlId } from "@/lib/compliance/model/finding";
import { evaluateTenant, type EvaluationResult } from "@/lib/compliance/evaluate-tenant";
import { listFindings } from "@/lib/compliance/read/findings";
import { demoWorld } from "@/sim/world/demo";
import { testDb } from "@/tests/helpers/db";
import { syncWorld, type SyncedWorld } from "./sync-world";

// The demo world, synced from the simulator by the sync engine and evaluated from Postgres,
// shows every control both passing and failing somewhere.

const handle = testDb();
let synced: SyncedWorld;
let result: EvaluationResult;

beforeAll(async () => {
  synced = await syncWorld(handle, inject("databaseUrl"), demoWorld(1), { name: "Demo Compliance" });
  result = await evaluateTenant(handle.db, synced.tenantId, {
    trigger: "test",
    now: new Date(synced.sim.runtime.state.now * 1000),
  });
}, 300_000);
afterAll(async () => {
  await synced?.stop();
  await handle.close();
});

const totals = (controlId: ControlId) => {
  const runs = result.runs.filter((r) => r.controlId === controlId);
  return { pass: runs.reduce((n, r) => n + r.counts.PASS, 0), fail: runs.reduce((n, r) => n + r.counts.FAIL, 0) };
};

describe("demo world evaluation", () => {
  it("evaluates every control, with the three built-in templates scored", () => {
    expect(new Set(result.runs.map((r) => r.controlId))).toEqual(new Set(CONTROL_IDS));
    expect(result.scores.map((s) => s.templateId).sort()).toEqual(["gdpr", "iso-27001-2022", "soc2-2017"]);
    for (const s of result.scores) expect(s.score).not.toBeNull();
  });

  it.each(CONTROL_IDS.map((c) => [c]))("%s has passing and failing findings", (controlId) => {
    const { pass, fail } = totals(controlId);
    expect(pass, `${controlId} PASS`).toBeGreaterThan(0);
    expect(fail, `${controlId} FAIL`).toBeGreaterThan(0);
  });

  // Prod Data copies every twelve hours to the air-gapped vault; nothing else does. BK-11 (1 day,
  // Audit Manager's default and SOC 2's) passes exactly for the resources whose newest
  // air-gapped point is at most a day old.
  it("BK-11 passes exactly where the world has a fresh air-gapped point", () => {
    const s = synced.sim.runtime.state;
    const newest = new Map<number, number>();
    for (let i = 0; i < s.rps.size; i++) {
      const vault = s.vaults[s.rps.vault.data[i] as number]!;
      if (vault.type !== "LOGICALLY_AIR_GAPPED_BACKUP_VAULT" || !s.rps.visible(i, s.now)) continue;
      const r = s.rps.resource.data[i] as number;
      newest.set(r, Math.max(newest.get(r) ?? 0, s.rps.created.data[i] as number));
    }
    expect(newest.size, "resources with a point in the air-gapped vault").toBeGreaterThan(0);
    const fresh = [...newest.values()].filter((t) => s.now - t <= 86_400).length;
    const { pass, fail } = totals("BK-11");
    expect(fail).toBeGreaterThan(0);
    expect(fresh).toBeGreaterThan(0);
    expect(pass).toBe(fresh);
  });

  // The cyber-resilience controls, by their own rules whatever the world holds: BK-19 and BK-21
  // judge only the resources carrying their tags; what AWS cannot scan or index is NOT_APPLICABLE
  // with that reason; every FAIL says what is missing.
  it("BK-18 to BK-21 judge the resources their rules name, and every FAIL says why", async () => {
    const all = async (controlId: ControlId) => {
      const out = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await listFindings(handle.db, { tenantId: synced.tenantId, controlId, limit: 1000, offset });
        out.push(...page.findings);
        if (page.findings.length < 1000) return out;
      }
    };
    const tagged = async (key: string, value: string) =>
      new Set(
        (
          await handle.pool.query(`select resource_arn from resources where tenant_id = $1 and tags ->> $2 = $3`, [
            synced.tenantId,
            key,
            value,
          ])
        ).rows.map((r: { resource_arn: string }) => r.resource_arn),
      );
    const critical = await tagged("criticality", "critical");
    const personal = await tagged("data-classification", "personal");
    expect(critical.size, "resources tagged criticality=critical").toBeGreaterThan(0);
    expect(personal.size, "resources tagged data-classification=personal").toBeGreaterThan(0);

    const bk18 = await all("BK-18");
    for (const f of bk18) {
      const scannable = ["EC2", "EBS", "S3"].includes(f.resourceType ?? "");
      if (!scannable)
        expect([f.findingStatus, f.reason]).toEqual(["NOT_APPLICABLE", expect.stringMatching(/cannot be scanned/)]);
      if (f.findingStatus === "FAIL")
        expect(f.reason).toMatch(
          /last clean recovery point \S+, made .* UTC, is older than \d+ days|never scanned clean/,
        );
    }
    const bk19 = await all("BK-19");
    expect(bk19.length).toBeGreaterThan(0);
    for (const f of bk19) {
      expect(critical.has(f.subjectId), f.subjectId).toBe(true);
      if (f.findingStatus === "PASS")
        expect(f.reason).toMatch(/shared through RAM with|guarded by multi-party approval team/);
      if (f.findingStatus === "FAIL")
        expect(f.reason).toMatch(/no recovery point in a logically air-gapped vault|is older than|is neither shared/);
    }
    for (const f of await all("BK-20"))
      if (f.findingStatus === "FAIL")
        expect(f.reason).toMatch(
          /but the validation (failed|timed out|is still running|was not run)|^no restore in the last \d+ days/,
        );
    const bk21 = await all("BK-21");
    expect(bk21.length).toBeGreaterThan(0);
    for (const f of bk21) {
      expect(personal.has(f.subjectId), f.subjectId).toBe(true);
      if (!["EBS", "S3"].includes(f.resourceType ?? ""))
        expect([f.findingStatus, f.reason]).toEqual(["NOT_APPLICABLE", expect.stringMatching(/cannot be indexed/)]);
    }
  });

  // Every Default vault is on the AWS-managed aws/backup key behind a bare key ARN: the sync asks
  // KMS who manages it, so BK-16 settles. The one vault it cannot settle is on a key Audit keeps
  // and does not let Log Archive describe.
  it("BK-16 settles every vault but the one on a key another account does not let it describe", async () => {
    const all = (await listFindings(handle.db, { tenantId: synced.tenantId, controlId: "BK-16", limit: 1000 }))
      .findings;
    const errors = all.filter((f) => f.findingStatus === "ERROR");
    expect(errors.map((f) => f.subjectId.replace(/^arn:aws:backup:[a-z0-9-]+:\d{12}:/, ""))).toEqual([
      "backup-vault:archive-vault",
      "backup-vault:archive-vault",
    ]);
    for (const e of errors)
      expect(e.reason).toMatch(
        /^KMS could not describe key arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\S+ of vault archive-vault: AccessDeniedException: .*kms:DescribeKey/,
      );
    const defaults = all.filter((f) => f.subjectId.endsWith(":backup-vault:Default"));
    expect(defaults.length).toBeGreaterThan(10);
    for (const d of defaults)
      expect([d.findingStatus, d.reason]).toEqual([
        "FAIL",
        expect.stringMatching(
          /^vault Default uses the AWS-managed key arn:aws:kms:.*:key\/.* \(alias\/aws\/backup\)$|^vault Default uses the AWS-managed key arn:aws:kms:.*:key\/[^ ]+$/,
        ),
      ]);
    const kept = await handle.pool.query(
      `select key_manager_outcome as outcome, key_manager as manager, count(*)::int as n from backup_vaults where tenant_id = $1 group by 1, 2 order by 1, 2`,
      [synced.tenantId],
    );
    expect(kept.rows.map((r) => `${r.outcome}/${r.manager}`)).toEqual(
      expect.arrayContaining([
        "aliased/AWS",
        "aliased/CUSTOMER",
        "described/AWS",
        "described/CUSTOMER",
        "unreadable/null",
      ]),
    );
  });
});
