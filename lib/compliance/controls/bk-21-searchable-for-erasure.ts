// BK-21 (searchable for erasure requests, GDPR Art. 17): every usable recovery point of a resource
// tagged as holding personal data has an ACTIVE backup index, so a data subject's files can be
// found in the backups (AWS Backup search) when they ask for erasure. AWS Backup indexes EBS
// snapshots and S3 backups only (IndexActions ResourceTypes: EBS, S3); other types are
// NOT_APPLICABLE with that reason. Other resources are out of scope.
import { z } from "zod";
import type { RecoveryPointRef } from "@/lib/compliance/facts/resource-facts";
import { defineControl, ev, finding, subjects } from "./control";
import { forEachResource, hasTag, tagParam } from "./resource-scope";

/** The resource types whose recovery points AWS Backup can index for search. */
export const INDEXABLE_TYPES: ReadonlySet<string> = new Set(["EBS", "S3"]);

export const bk21Params = z
  .object({ tag: tagParam("resources holding personal data", { key: "data-classification", value: "personal" }) })
  .strict();

function indexState(p: RecoveryPointRef): string {
  switch (p.indexStatus) {
    case "PENDING":
      return "is still being indexed";
    case "FAILED":
      return "failed to be indexed";
    case "DELETING":
      return "has its index being deleted";
    default:
      return "has no index";
  }
}

export const bk21 = defineControl({
  id: "BK-21",
  title: "Searchable for erasure requests",
  subjectTypes: ["resource"],
  description:
    "Every recovery point of a resource tagged as holding personal data is indexed for AWS Backup search (index ACTIVE), so personal data in backups can be found when erasure is requested.",
  remediation:
    "Add an index action for the resource's type (EBS or S3) to the rule of the plan that backs it up, so every new recovery point is indexed; index the existing points with UpdateRecoveryPointIndexSettings (Index: ENABLED), and look into indexes that FAILED.",
  params: bk21Params,
  evaluate(ctx, params, scope, emit) {
    forEachResource(
      ctx,
      "BK-21",
      scope,
      emit,
      (r) => {
        const subject = subjects.resource(r);
        if (!INDEXABLE_TYPES.has(r.resourceType)) {
          emit(
            finding(
              "BK-21",
              subject,
              "NOT_APPLICABLE",
              `AWS Backup indexes only EBS snapshots and S3 backups for search; ${r.resourceType} recovery points cannot be indexed`,
              [ev.resource(r)],
            ),
          );
          return;
        }
        const f = ctx.facts.resource(r.resourceArn);
        const total = f?.originalPoints ?? 0;
        if (total === 0) {
          emit(
            finding("BK-21", subject, "NOT_APPLICABLE", "no recovery point, so none needs an index", [ev.resource(r)]),
          );
          return;
        }
        const missing = f!.unindexedPoints;
        const newest = f!.newestUnindexedRecoveryPoint;
        if (missing === 0 || !newest) {
          emit(finding("BK-21", subject, "PASS", "every recovery point is indexed for search", [ev.resource(r)]));
          return;
        }
        // No counts or times in the reason: they change with every backup (see BK-09); evidence has them.
        emit(
          finding(
            "BK-21",
            subject,
            "FAIL",
            missing === total
              ? `no recovery point is indexed for search (the newest ${indexState(newest)})`
              : `some recovery points are not indexed for search; the newest of them ${indexState(newest)}`,
            [
              ev.resource(r),
              ev.point(newest, {
                indexStatus: newest.indexStatus ?? "NOT_INDEXED",
                pointsNotIndexed: missing,
                originalPoints: total,
              }),
            ],
          ),
        );
      },
      (r) => hasTag(r.tags, params.tag),
    );
  },
});
