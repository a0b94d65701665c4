import "server-only";
import { getDb } from "@/lib/db";
import { bySnapshot, bySnapshotAndDay } from "./snapshot-cache";
import { loadWidget, type WidgetResult } from "./widget-result";

/** loadWidget, with the result kept per tenant snapshot (see snapshot-cache.ts). */
export function loadCachedWidget<T>(
  name: string,
  tenantId: string,
  args: unknown,
  load: () => Promise<T>,
  empty: (data: T) => string | null,
): Promise<WidgetResult<T>> {
  return loadWidget(name, () => bySnapshot(getDb(), tenantId, name, args, load), empty);
}

/** loadWidget, with the result kept per tenant snapshot and UTC day (`load` gets the day's start). */
export function loadDailyWidget<T>(
  name: string,
  tenantId: string,
  args: unknown,
  load: (today: Date) => Promise<T>,
  empty: (data: T) => string | null,
): Promise<WidgetResult<T>> {
  return loadWidget(name, () => bySnapshotAndDay(getDb(), tenantId, name, args, load), empty);
}
