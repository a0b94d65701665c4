export type SearchParams = Record<string, string | string[] | undefined>;

/** The current query with some keys changed (undefined/"" removes a key); the cursor resets unless set. */
export function hrefWith(pathname: string, current: SearchParams, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(current)) {
    if (key === "cursor" && !("cursor" in changes)) continue;
    if (key in changes) continue;
    for (const v of [value].flat()) if (v !== undefined && v !== "") params.append(key, v);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== undefined && value !== "") params.set(key, value);
  const query = params.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** First value of a search param. */
export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
