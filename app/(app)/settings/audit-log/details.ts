// An entry's details as the audit log page shows them: one "key: value" line per leaf, nested keys
// joined with dots, so a reader need not parse JSON. The CSV export keeps the JSON as stored.

export interface DetailLine {
  key: string;
  value: string;
}

function leafText(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export function detailLines(details: unknown, prefix = ""): DetailLine[] {
  if (details === null || typeof details !== "object") return prefix ? [{ key: prefix, value: leafText(details) }] : [];
  if (Array.isArray(details)) {
    const flat = details.every((v) => v === null || typeof v !== "object");
    if (flat) return [{ key: prefix, value: details.length ? details.map(leafText).join(", ") : "none" }];
    return details.flatMap((v, i) => detailLines(v, `${prefix}[${i + 1}]`));
  }
  const entries = Object.entries(details as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return prefix ? [{ key: prefix, value: "none" }] : [];
  return entries.flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === "object" ? detailLines(v, key) : [{ key, value: leafText(v) }];
  });
}
