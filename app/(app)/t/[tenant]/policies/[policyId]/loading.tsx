import { WidgetSkeleton } from "@/app/_components/widget";

export default function PolicyLoading() {
  return (
    <div className="space-y-5" aria-busy="true">
      <div className="h-7 w-64 animate-pulse rounded bg-slate-100" />
      <div className="rounded-lg border border-slate-200 bg-white p-5">
        <WidgetSkeleton rows={6} />
      </div>
    </div>
  );
}
