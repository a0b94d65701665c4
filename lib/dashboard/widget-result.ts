// Every dashboard widget loads through this: success, empty (with what to do) or error (with a safe
// message), so one slow or failing widget never takes the page down with it.

export type WidgetResult<T> =
  { status: "ok"; data: T } | { status: "empty"; message: string } | { status: "error"; message: string };

export async function loadWidget<T>(
  name: string,
  load: () => Promise<T>,
  empty: (data: T) => string | null,
): Promise<WidgetResult<T>> {
  try {
    const data = await load();
    const emptyMessage = empty(data);
    return emptyMessage ? { status: "empty", message: emptyMessage } : { status: "ok", data };
  } catch (error) {
    console.error(`[widget ${name}]`, error instanceof Error ? error.message : error);
    return {
      status: "error",
      message: "This panel could not be loaded. The rest of the page is unaffected; reload to try again.",
    };
  }
}
