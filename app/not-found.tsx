import Link from "next/link";
import { buttonClass } from "./_components/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="text-xl font-semibold text-slate-900">Nothing here</h1>
      <p className="max-w-md text-sm text-slate-600">
        This page does not exist, or it belongs to an organization you cannot see.
      </p>
      <Link href="/" className={buttonClass("secondary")}>
        Back to your organizations
      </Link>
    </main>
  );
}
