import "server-only";
import { getDb } from "@/lib/db";
import { bySnapshot } from "./snapshot-cache";
import { CursorError, type TableDefinition, type TablePage } from "./table";
import { first, type SearchParams } from "./url";
import type { TenantAccess } from "@/lib/auth/access";

export type LoadedTable<F, Row> =
  | {
      ok: true;
      filters: F;
      page: TablePage<Row>;
      /** Where this view exports (see exportBaseOf); undefined when the role may not export. */
      exportBase: string | undefined;
    }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

const PAGE_SIZE = 50;

/**
 * Parses a table's filters from the URL and reads one page; bad filters become a message, not a
 * crash. The result says where the view exports, when the user's role may export.
 */
export async function loadTable<F extends Record<string, unknown>, Row>(
  table: TableDefinition<F, Row>,
  tenant: Pick<TenantAccess, "tenantId" | "slug" | "capabilities">,
  searchParams: SearchParams,
  asOf: Date | null = null,
): Promise<LoadedTable<F, Row>> {
  const raw = Object.fromEntries(Object.entries(searchParams).map(([k, v]) => [k, first(v)]));
  const parsed = table.filters.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    return {
      ok: false,
      message: `Some filters are not valid: ${Object.entries(fieldErrors)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`,
      fieldErrors,
    };
  }
  const { tenantId } = tenant;
  const cursor = first(searchParams.cursor) ?? null;
  let page: TablePage<Row>;
  try {
    page = await bySnapshot(getDb(), tenantId, `table:${table.name}`, { filters: parsed.data, cursor, asOf }, () =>
      table.page(getDb(), { tenantId, asOf }, parsed.data, cursor, PAGE_SIZE),
    );
  } catch (e) {
    if (e instanceof CursorError) return { ok: false, message: e.message, fieldErrors: { cursor: e.message } };
    throw e;
  }
  return { ok: true, filters: parsed.data, page, exportBase: exportBaseOf(table, tenant) };
}

/**
 * Where the table's CSV/JSON export lives (the export route serves every table by its name), or
 * undefined when the user's role may not export: the page then offers no export at all.
 */
export function exportBaseOf(
  table: { name: string },
  tenant: Pick<TenantAccess, "slug" | "capabilities">,
): string | undefined {
  return tenant.capabilities.includes("export") ? `/t/${tenant.slug}/export/${table.name}` : undefined;
}
