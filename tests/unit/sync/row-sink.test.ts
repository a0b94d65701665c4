import { describe, expect, it } from "vitest";
import type { Queryable } from "@/lib/sync/bulk";
import { RowSink } from "@/lib/sync/row-sink";
import { resourceSpec } from "@/lib/sync/table-specs";
import type { Resource } from "@/lib/inventory/types";

// Staging writes that answer slowly while other pages keep arriving (several vaults stream into
// one sink at once): every row must reach staging exactly once.
describe("a spilling sink", () => {
  it("stages every row exactly once when pages arrive during a slow flush", async () => {
    const staged: string[] = [];
    const pool: Queryable = {
      async query(q) {
        const values = (typeof q === "string" ? [] : (q.values ?? [])) as unknown[];
        await new Promise((r) => setTimeout(r, 5));
        // values: attempt, tenant, account, region, then one array per column (ARN first)
        staged.push(...((values[4] as string[]) ?? []));
        return { rowCount: 0, rows: [] };
      },
    };
    const sink = new RowSink<Resource>(resourceSpec, { pool, attemptId: "1", scope: ["t", "a", "r"], spillAt: 3 });
    const page = (p: number) =>
      Array.from({ length: 4 }, (_, i) => ({
        accountId: "a",
        region: "r",
        resourceArn: `arn:${p}:${i}`,
        resourceType: "S3" as const,
        tags: {},
      }));
    await Promise.all([0, 1, 2, 3, 4].map((p) => sink.add(page(p))));
    const statements = await sink.statements(pool, true);
    expect(sink.isSpilled).toBe(true);
    expect(statements.length).toBe(2); // merge + delete of what the complete read did not see
    expect(staged.sort()).toEqual([0, 1, 2, 3, 4].flatMap((p) => page(p).map((r) => r.resourceArn)).sort());
    expect(sink.read).toBe(20);
  });
});
