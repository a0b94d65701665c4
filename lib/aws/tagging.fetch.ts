import { paginateGetResources, type ResourceGroupsTaggingAPIClient } from "@aws-sdk/client-resource-groups-tagging-api";
import type { Resource } from "@/lib/inventory/types";
import type { UnitRef } from "./backup.adapter";
import { TAGGING_TYPE_FILTERS, toResource } from "./tagging.adapter";

/** Tagged resources of the types AWS Backup protects, 100 per page (the API's maximum). */
export async function* resourcePages(
  client: ResourceGroupsTaggingAPIClient,
  unit: UnitRef,
): AsyncGenerator<Resource[]> {
  for await (const page of paginateGetResources(
    { client, pageSize: 100 },
    { ResourceTypeFilters: [...TAGGING_TYPE_FILTERS] },
  )) {
    const out: Resource[] = [];
    for (const m of page.ResourceTagMappingList ?? []) {
      const r = toResource(unit, m);
      if (r) out.push(r);
    }
    yield out;
  }
}
