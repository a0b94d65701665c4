import { SimError } from "../http/errors";
import { bool, int, list, str, struct } from "../http/input";
import { resourceExists, type ResourceRt } from "../engine/model";
import { TYPE_INFO } from "../world/resource-types";
import { page, type Operation } from "./context";
import { unitOf } from "./backup-shapes";

/**
 * Resource Groups Tagging API GetResources (awsJson1_1). Like AWS it returns only resources that
 * carry (or carried) tags, pages of at most 100 (default 50), ends paging with an empty-string
 * token, and expires tokens after 15 minutes.
 */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const DEFAULT_PAGE = 50;

const getResources: Operation = {
  service: "tagging",
  name: "GetResources",
  klass: "list",
  input: {
    PaginationToken: { shape: str({ min: 0, max: 2048 }) },
    TagFilters: {
      shape: list(
        struct({
          Key: { shape: str({ min: 1, max: 128 }) },
          Values: { shape: list(str({ min: 0, max: 256 }), 0, 20) },
        }),
        0,
        50,
      ),
    },
    ResourcesPerPage: { shape: int() },
    TagsPerPage: { shape: int() },
    ResourceTypeFilters: { shape: list(str({ min: 0, max: 256 })) },
    IncludeComplianceDetails: { shape: bool },
    ExcludeCompliantResources: { shape: bool },
    ResourceARNList: { shape: list(str({ min: 1, max: 1011 }), 1, 100) },
  },
  run(ctx, i) {
    const perPage = i.ResourcesPerPage as number | undefined;
    if (perPage !== undefined && (perPage < 1 || perPage > 100))
      throw new SimError("InvalidParameterException", "ResourcesPerPage must be between 1 and 100.", 400);
    if (
      i.ResourceARNList !== undefined &&
      (i.ResourcesPerPage !== undefined || i.TagsPerPage !== undefined || (i.PaginationToken ?? "") !== "")
    ) {
      throw new SimError(
        "InvalidParameterException",
        "ResourceARNList cannot be combined with ResourcesPerPage, TagsPerPage or PaginationToken.",
        400,
      );
    }
    const typeFilters = (i.ResourceTypeFilters as string[] | undefined) ?? [];
    for (const f of typeFilters)
      if (!/^[a-z0-9-]+(:[A-Za-z0-9-]+)?$/.test(f))
        throw new SimError("InvalidParameterException", `Unsupported resource type filter: ${f}`, 400);
    const tagFilters = (i.TagFilters as { Key?: string; Values?: string[] }[] | undefined) ?? [];
    const arns = i.ResourceARNList as string[] | undefined;
    const unit = unitOf(ctx);
    const matches = (r: ResourceRt) => {
      if (Object.keys(r.tags).length === 0 || !resourceExists(r, ctx.state.now)) return false;
      if (arns && !arns.includes(r.arn)) return false;
      const tagging = TYPE_INFO[r.type].tagging;
      if (typeFilters.length && !typeFilters.some((f) => f === tagging || f === tagging.split(":")[0])) return false;
      return tagFilters.every(
        (f) =>
          f.Key !== undefined &&
          Object.hasOwn(r.tags, f.Key) &&
          (!f.Values?.length || f.Values.includes(r.tags[f.Key] as string)),
      );
    };
    const resources = unit.resources.map((k) => ctx.state.resources[k] as ResourceRt).filter(matches);
    const scope = ["GetResources", typeFilters, tagFilters, arns];
    const p = page(
      ctx,
      "tagging",
      scope,
      i.PaginationToken,
      perPage ?? DEFAULT_PAGE,
      resources.length,
      (k) => {
        const r = resources[k]!;
        return { ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) };
      },
      TOKEN_LIFETIME_MS,
    );
    return { PaginationToken: p.next ?? "", ResourceTagMappingList: p.items };
  },
};

export const taggingOperations: Operation[] = [getResources];
