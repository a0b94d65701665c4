import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { getUser } from "@/lib/admin/users";
import { listTenants } from "@/lib/admin/tenants";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { DisableForm, MembershipForms, ResetPasswordForm, RoleForm } from "./user-forms";

export const metadata: Metadata = { title: "Manage user" };

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const session = await requireGlobalPage("user:manage");
  const { userId } = await params;
  if (!z.uuid().safeParse(userId).success) notFound();
  const db = getDb();
  const user = await getUser(db, userId);
  if (!user) notFound();
  const tenants = (await listTenants(db)).map((t) => ({ id: t.id, name: t.name }));
  const self = user.id === session.userId;
  return (
    <div className="space-y-6">
      <Link href="/settings/users" className="text-sm text-brand-700 hover:underline">
        ← All users
      </Link>
      <PageHeader
        title={user.name}
        description={
          <>
            {user.email} · {ROLE_LABELS[user.role]} ·{" "}
            {user.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>} · created{" "}
            {formatDateTime(user.createdAt)} · last sign-in{" "}
            {user.lastLoginAt ? formatDateTime(user.lastLoginAt) : "never"}
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Role" description="Applies to every organization the user belongs to, unless narrowed there.">
          <RoleForm userId={user.id} role={user.role} disabled={self} />
        </Card>
        <Card
          title="Access"
          description={
            user.disabled ? "Disabled users cannot sign in." : "Disabling signs the user out everywhere at once."
          }
        >
          <DisableForm userId={user.id} disabled={user.disabled} self={self} />
        </Card>
        <Card title="Password" description="Resetting signs the user out of every session.">
          <ResetPasswordForm userId={user.id} />
        </Card>
        <Card
          title="Organizations"
          description={
            user.role === "admin"
              ? "Administrators see every organization; memberships only matter if the role changes."
              : "The user sees only these organizations. A narrower role limits what they may do there."
          }
        >
          <MembershipForms userId={user.id} memberships={user.memberships} tenants={tenants} />
        </Card>
      </div>
    </div>
  );
}
