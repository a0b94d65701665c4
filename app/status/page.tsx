import type { Metadata } from "next";

// A static page with no data and no session: for load balancers' health checks, and the baseline
// the page benchmark measures every page against.
export const dynamic = "force-static";
export const metadata: Metadata = { title: "Status" };

export default function StatusPage() {
  return (
    <main className="flex min-h-screen items-center justify-center">
      <p className="text-sm text-slate-600">Backup Governance is up.</p>
    </main>
  );
}
