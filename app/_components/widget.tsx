import { Suspense } from "react";
import type { WidgetResult } from "@/lib/dashboard/widget-result";
import { WidgetBoundary } from "./widget-boundary";

/** A dashboard panel with its own loading, empty and error states. */
export function Widget({
  title,
  description,
  actions,
  className = "",
  children,
}: {
  title: string;
  description?: React.ReactNode;
  actions?: React.ReactNode;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <section
      className={`flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white shadow-xs ${className}`}
      aria-label={title}
    >
      <header className="flex items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          {description && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
        </div>
        {actions && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
      </header>
      <div className="min-w-0 flex-1 p-4">
        <WidgetBoundary>
          <Suspense fallback={<WidgetSkeleton />}>{children}</Suspense>
        </WidgetBoundary>
      </div>
    </section>
  );
}

export function WidgetSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div className="animate-pulse space-y-2" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-4 rounded bg-slate-100" style={{ width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

/** Renders a widget result: the data, or its empty or error message. */
export function WidgetState<T>({
  result,
  children,
}: {
  result: WidgetResult<T>;
  children: (data: T) => React.ReactNode;
}) {
  if (result.status === "ok") return <>{children(result.data)}</>;
  if (result.status === "empty") return <p className="text-sm text-slate-500">{result.message}</p>;
  return (
    <p role="alert" className="text-sm text-red-700">
      {result.message}
    </p>
  );
}
