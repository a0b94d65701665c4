import { afterAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { completedWithIssues, completedWithIssuesSql, jobHasIssue, jobHasIssueSql } from "@/db/job-issue";
import { testDb } from "../../helpers/db";

// The TypeScript rule and its SQL twin must agree on every value, the awkward ones included.
const STATES = ["COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL", "RUNNING", "CREATED", "completed"];
const CATEGORIES = [
  null,
  "",
  " ",
  "SUCCESS",
  "success",
  "Success",
  " Success ",
  "SUCCESS ",
  "ABORTED",
  "ACCESS_DENIED",
  "AGGREGATE_ALL",
];

const handle = testDb();
afterAll(() => handle.close());

describe("a job with an issue", () => {
  it("is decided the same way by jobHasIssue and jobHasIssueSql", async () => {
    const cases = STATES.flatMap((state) => CATEGORIES.map((category) => ({ state, category })));
    const res = await handle.db.execute<{ i: number; issue: boolean; with_issues: boolean }>(sql`
      select i::int, ${sql.raw(jobHasIssueSql())} as issue, ${sql.raw(completedWithIssuesSql())} as with_issues
        from jsonb_to_recordset(${JSON.stringify(cases.map((c, i) => ({ i, state: c.state, message_category: c.category })))}::jsonb)
          as c(i int, state text, message_category text)
       order by i`);
    expect(res.rows).toHaveLength(cases.length);
    const fromSql = res.rows.map((r) => [cases[r.i]!.state, cases[r.i]!.category, r.issue, r.with_issues]);
    const fromTs = cases.map((c) => [
      c.state,
      c.category,
      jobHasIssue(c.state, c.category),
      completedWithIssues(c.category),
    ]);
    expect(fromSql).toEqual(fromTs);
  });

  it.each([
    ["COMPLETED", null, false],
    ["COMPLETED", "", false],
    ["COMPLETED", "SUCCESS", false],
    ["COMPLETED", "success", false],
    ["COMPLETED", " Success ", true],
    ["COMPLETED", "ABORTED", true],
    ["ABORTED", null, true],
    ["RUNNING", "ACCESS_DENIED", false],
  ] as const)("%s with category %j: %s", (state, category, expected) => {
    expect(jobHasIssue(state, category)).toBe(expected);
  });
});
