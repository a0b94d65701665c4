// BK-13 (restore tested): a successful restore job or restore-testing run within the look-back,
// per resource type in each account (default) or per resource. A restore-testing run whose
// validation failed does not count. Missing data only matters when nothing was found.
import { z } from "zod";
import type { Evidence } from "@/lib/compliance/model/finding";
import type { Resource } from "@/lib/inventory/types";
import { defineControl, ev, finding, judge, subjects, unreadable } from "./control";
import { forEachResource } from "./resource-scope";

const DAY_MS = 86_400_000;
/** A FAIL names the resources it is about; past this many, the reason's count says the rest. */
const NAMED_RESOURCES = 50;

export const bk13Params = z
  .object({
    lookbackDays: z
      .number()
      .int()
      .min(1, "look-back is at least 1 day")
      .max(730, "look-back is at most 730 days")
      .default(180),
    granularity: z.enum(["account-resource-type", "resource"]).default("account-resource-type"),
  })
  .strict();

export const bk13 = defineControl({
  id: "BK-13",
  title: "Restore tested within the look-back",
  subjectTypes: ["account-resource-type", "resource"],
  description:
    "A successful restore job or restore-testing run within the look-back, for each resource type present in an account (or for each resource).",
  remediation:
    "Run a restore of this resource type in the account within the look-back and check that it worked: create an AWS Backup restore testing plan for the type, or restore a recent recovery point by hand and record the result.",
  params: bk13Params,
  evaluate(ctx, params, scope, emit) {
    const since = ctx.now.getTime() - params.lookbackDays * DAY_MS;
    if (params.granularity === "resource") {
      forEachResource(ctx, "BK-13", scope, emit, (r) => {
        const rs = ctx.facts.resource(r.resourceArn)?.latestRestore ?? null;
        const ok = rs !== null && rs.completionDate.getTime() >= since;
        emit(
          finding(
            "BK-13",
            subjects.resource(r),
            ok ? "PASS" : "FAIL",
            ok
              ? `restored successfully on ${rs!.completionDate.toISOString().slice(0, 10)}`
              : `no successful restore in the last ${params.lookbackDays} days`,
            rs ? [ev.resource(r), ev.restore(rs)] : [ev.resource(r)],
          ),
        );
      });
      return;
    }
    // Group in-scope resources by (account, type), remembering the units involved.
    const groups = new Map<
      string,
      { accountId: string; type: string; count: number; regions: Set<string>; named: Resource[] }
    >();
    for (const r of ctx.snapshot.resources) {
      if (
        !scope.account(r.accountId) ||
        !scope.region(r.region) ||
        !scope.resourceType(r.resourceType) ||
        !scope.tags(r.tags)
      )
        continue;
      const key = `${r.accountId}|${r.resourceType}`;
      let g = groups.get(key);
      if (!g)
        groups.set(
          key,
          (g = { accountId: r.accountId, type: r.resourceType, count: 0, regions: new Set(), named: [] }),
        );
      g.count++;
      if (g.named.length < NAMED_RESOURCES) g.named.push(r);
      g.regions.add(r.region);
    }
    for (const g of groups.values()) {
      const subject = subjects.accountType(g.accountId, g.type);
      const rs = ctx.facts.restoreForAccountType(g.accountId, g.type);
      if (rs && rs.completionDate.getTime() >= since) {
        emit(
          finding(
            "BK-13",
            subject,
            "PASS",
            `${g.type} restore ${rs.restoreTestingPlanArn ? "test " : ""}succeeded on ${rs.completionDate.toISOString().slice(0, 10)} in ${rs.region}`,
            [ev.restore(rs)],
          ),
        );
        continue;
      }
      const evidence: Evidence[] = [...g.named.map(ev.resource), ...(rs ? [ev.restore(rs)] : [])];
      // A restore in a unit that was not read could still turn up: that decides, so it is unread.
      const unread = [...g.regions]
        .map((region) => ctx.unitState(g.accountId, region))
        .filter((s) => !s.read && !s.skipped)
        .map((s) =>
          s.read ? s : unreadable(`no ${g.type} restore found, but ${s.reason}`, [...s.evidence, ...evidence]),
        );
      const last = rs ? `; last on ${rs.completionDate.toISOString().slice(0, 10)}` : "";
      emit(
        judge("BK-13", subject, unread, () => ({
          status: "FAIL",
          reason: `no successful ${g.type} restore in account ${g.accountId} in the last ${params.lookbackDays} days (${g.count} resources)${last}`,
          evidence,
        })),
      );
    }
  },
});
