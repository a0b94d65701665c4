import { describe, expect, it } from "vitest";
import { ColumnBuffer, dedupeByKey, deleteMissingStatement, upsertStatement } from "@/lib/sync/bulk";
import { backupJobSpec, recoveryPointSpec } from "@/lib/sync/table-specs";
import { nextJobMarks } from "@/lib/sync/unit-publish";

const width = (s: { key: readonly unknown[]; columns: readonly unknown[] }) => s.key.length + s.columns.length;

describe("set-based writes", () => {
  it("sends one array per column, so the parameter count does not grow with the rows", () => {
    const buf = new ColumnBuffer(width(recoveryPointSpec));
    for (let i = 0; i < 5000; i++)
      buf.push([`arn:${i}`, ...Array.from({ length: recoveryPointSpec.columns.length }, () => null)]);
    const s = upsertStatement(recoveryPointSpec, ["t", "a", "r"], buf)!;
    expect(s.values).toHaveLength(3 + width(recoveryPointSpec));
    const text = s.text((i) => `$${i}`);
    expect(text).toContain("unnest(");
    expect(text).toContain("is distinct from");
    expect(upsertStatement(recoveryPointSpec, ["t", "a", "r"], buf, true)!.text((i) => `$${i}`)).not.toContain(
      "on conflict",
    );
    expect(upsertStatement(recoveryPointSpec, ["t", "a", "r"], new ColumnBuffer(width(recoveryPointSpec)))).toBeNull();
  });

  it("keeps the last row of a duplicated key (one statement must not touch a row twice)", () => {
    const buf = new ColumnBuffer(width(backupJobSpec));
    const d = new Date("2026-10-01T00:00:00Z");
    const row = (id: string, state: string) => [
      id,
      d,
      state,
      ...Array.from({ length: backupJobSpec.columns.length - 1 }, () => null),
    ];
    buf.push(row("j1", "RUNNING"));
    buf.push(row("j2", "COMPLETED"));
    buf.push(row("j1", "COMPLETED"));
    const out = dedupeByKey(backupJobSpec, buf);
    expect(out.length).toBe(2);
    expect(out.cols[0]).toEqual(["j2", "j1"]);
    expect(out.cols[2]).toEqual(["COMPLETED", "COMPLETED"]);
    expect(out.cols[1]).toEqual([d.toISOString(), d.toISOString()]); // dates travel as ISO text
  });

  it("deletes only what is missing from a complete read, keyed on the whole key", () => {
    const s = deleteMissingStatement(backupJobSpec, ["t", "a", "r"], new ColumnBuffer(width(backupJobSpec)));
    expect(s.text((i) => `$${i + 10}`)).toMatch(
      /\(t\."backup_job_id", t\."creation_date"\) not in \(select \* from unnest\(\$14::text\[\], \$15::timestamptz\[\]\)\)/,
    );
  });

  it("limits a delete to the part of the unit a partial read covered, its values after the keys", () => {
    const s = deleteMissingStatement(backupJobSpec, ["t", "a", "r"], new ColumnBuffer(width(backupJobSpec)), {
      values: ["x"],
      sql: (p) => `t.state = ${p(1)}`,
    });
    expect(s.values).toHaveLength(3 + backupJobSpec.key.length + 1);
    expect(s.text((i) => `$${i}`)).toMatch(/ and \(t\.state = \$6\)$/);
  });
});

describe("incremental job marks", () => {
  const newest = new Date("2026-10-20T00:00:00Z");
  it("start just before the newest job read when every job has ended, and never go back", () => {
    const m = nextJobMarks(
      { backup: null, copy: new Date("2026-10-19T23:30:00Z"), restore: null, scan: null },
      { backup: newest, copy: newest, restore: null, scan: newest },
      { backup: null, copy: null, restore: null },
    );
    expect(m.backup).toEqual(new Date("2026-10-19T23:00:00Z"));
    expect(m.copy).toEqual(new Date("2026-10-19T23:30:00Z"));
    expect(m.restore).toBeNull();
    // Scan jobs are listed by completion: the whole overlap.
    expect(m.scan).toEqual(new Date("2026-10-12T00:00:00Z"));
  });
  it("start before the oldest unfinished job, but no more than the overlap before the newest", () => {
    const m = nextJobMarks(
      { backup: null, copy: null, restore: null, scan: null },
      { backup: newest, copy: newest, restore: newest, scan: null },
      {
        backup: new Date("2026-10-17T06:00:00Z"),
        copy: new Date("2026-10-01T00:00:00Z"),
        restore: new Date("2026-10-19T23:59:00Z"),
      },
    );
    expect(m.backup).toEqual(new Date("2026-10-17T05:59:59.999Z"));
    expect(m.copy).toEqual(new Date("2026-10-12T00:00:00Z"));
    expect(m.restore).toEqual(new Date("2026-10-19T23:00:00Z"));
  });
});
