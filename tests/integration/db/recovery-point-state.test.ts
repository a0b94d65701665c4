import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import {
  pointIsAirGapped,
  pointIsAirGappedSql,
  pointIsClean,
  pointIsCleanSql,
  pointIsUsable,
  pointIsUsableSql,
} from "@/db/recovery-point-state";
import {
  restoreValidated,
  restoreValidatedSql,
  restoreValidationFailed,
  restoreValidationFailedSql,
} from "@/db/restore-validation";
import { testDb } from "../../helpers/db";

// Each rule in TypeScript and its SQL twin must agree on every value, nulls and odd spellings included.
const STATUSES = ["COMPLETED", "AVAILABLE", "PARTIAL", "EXPIRED", "DELETING", "STOPPED", "CREATING", "completed"];
const SCANS = [null, "NO_THREATS_FOUND", "THREATS_FOUND", "FAILED", "no_threats_found", ""];
const VAULT_TYPES = [null, "BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", "RESTORE_ACCESS_BACKUP_VAULT"];
const VALIDATIONS = [null, "SUCCESSFUL", "FAILED", "TIMED_OUT", "VALIDATING", "successful", ""];

const handle = testDb();
afterAll(() => handle.close());

describe("recovery point rules", () => {
  it("usable and clean are decided the same way in TypeScript and SQL", async () => {
    const cases = STATUSES.flatMap((status) => SCANS.map((scan_status) => ({ status, scan_status })));
    const res = await handle.db.execute<{ i: number; usable: boolean; clean: boolean }>(sql`
      select i::int, ${sql.raw(pointIsUsableSql())} as usable, ${sql.raw(pointIsCleanSql())} as clean
        from jsonb_to_recordset(${JSON.stringify(cases.map((c, i) => ({ i, ...c })))}::jsonb)
          as c(i int, status text, scan_status text)
       order by i`);
    expect(res.rows.map((r) => [r.usable, r.clean])).toEqual(
      cases.map((c) => [pointIsUsable(c.status), pointIsClean(c.status, c.scan_status)]),
    );
    expect(cases.filter((c) => pointIsClean(c.status, c.scan_status))).toEqual([
      { status: "COMPLETED", scan_status: "NO_THREATS_FOUND" },
      { status: "AVAILABLE", scan_status: "NO_THREATS_FOUND" },
    ]);
  });

  it("air-gapped: the point's own vault type first, its vault's where the point names none", async () => {
    const cases = VAULT_TYPES.flatMap((point) => VAULT_TYPES.map((vault) => ({ point, vault })));
    const res = await handle.db.execute<{ i: number; air: boolean }>(sql`
      select i::int, ${sql.raw(pointIsAirGappedSql("point", "vault"))} as air
        from jsonb_to_recordset(${JSON.stringify(cases.map((c, i) => ({ i, ...c })))}::jsonb)
          as c(i int, point text, vault text)
       order by i`);
    expect(res.rows.map((r) => r.air)).toEqual(cases.map((c) => pointIsAirGapped(c.point, c.vault)));
    expect(pointIsAirGapped(null, "LOGICALLY_AIR_GAPPED_BACKUP_VAULT")).toBe(true);
    expect(pointIsAirGapped("BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT")).toBe(false);
  });

  it("a validated restore and a failed validation", async () => {
    const cases = VALIDATIONS.map((v, i) => ({ i, validation_status: v }));
    const res = await handle.db.execute<{ i: number; ok: boolean; failed: boolean }>(sql`
      select i::int, ${sql.raw(restoreValidatedSql())} as ok, ${sql.raw(restoreValidationFailedSql())} as failed
        from jsonb_to_recordset(${JSON.stringify(cases)}::jsonb) as c(i int, validation_status text)
       order by i`);
    expect(res.rows.map((r) => [r.ok, r.failed])).toEqual(
      VALIDATIONS.map((v) => [restoreValidated(v), restoreValidationFailed(v)]),
    );
    expect(VALIDATIONS.filter(restoreValidated)).toEqual(["SUCCESSFUL"]);
    expect(VALIDATIONS.filter(restoreValidationFailed)).toEqual(["FAILED", "TIMED_OUT"]);
  });
});
