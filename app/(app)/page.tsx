import Link from "next/link";
import { redirect } from "next/navigation";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { buttonClass } from "@/app/_components/ui/button";
import { Alert } from "@/app/_components/ui/alert";
import { seesCurrentState } from "@/lib/auth/audit-grant";
import { roleHas } from "@/lib/auth/permissions";
import { getAccessibleTenants, requireSession } from "@/lib/auth/session";

export default async function Home({ searchParams }: { searchParams: Promise<{ denied?: string }> }) {
  const session = await requireSession();
  const tenants = await getAccessibleTenants();
  const { denied } = await searchParams;
  if (!denied) {
    if (tenants.length > 1) redirect("/organizations");
    const only = tenants.length === 1 ? tenants[0]! : null;
    if (only) redirect(`/t/${only.slug}/${seesCurrentState(only) ? "overview" : "reports"}`);
  }
  return (
    <div className="mx-auto max-w-2xl space-y-4 pt-10">
      {denied && <Alert tone="warning">Your role does not include that ({denied}).</Alert>}
      {tenants.length === 0 && (
        <EmptyState
          title="No organizations yet"
          action={
            roleHas(session.role, "tenant:manage") ? (
              <Link href="/settings/organizations" className={buttonClass()}>
                Add an AWS Organization
              </Link>
            ) : undefined
          }
        >
          {roleHas(session.role, "tenant:manage")
            ? "Add your first AWS Organization: the role to assume in its management account, the member role, and the regions to inventory."
            : "You have not been given access to any organization. Ask an administrator to add you to one."}
        </EmptyState>
      )}
    </div>
  );
}
