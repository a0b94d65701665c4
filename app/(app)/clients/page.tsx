import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { getAccessibleTenants, requireSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "All organizations" };

/** Every organization this user may see, one card each (scores arrive with the compliance engine). */
export default async function ClientsPage() {
  await requireSession();
  const tenants = await getAccessibleTenants();
  return (
    <div>
      <PageHeader title="All organizations" description="Every AWS Organization you can see. Pick one to open its dashboard." />
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {tenants.map((t) => (
          <li key={t.tenantId}>
            <Card title={<Link href={`/t/${t.slug}/overview`} className="hover:underline">{t.name}</Link>}>
              <p className="text-sm text-slate-600">Not synced yet.</p>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
