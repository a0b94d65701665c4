import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { listUsers } from "@/lib/admin/users";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { requireGlobalPage } from "@/lib/auth/session";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { CreateUserForm } from "./create-user-form";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await requireGlobalPage("user:manage");
  const users = await listUsers(getDb());
  return (
    <div className="space-y-6">
      <PageHeader
        title="Users"
        description="Who can sign in, with which role, and which organizations each can see. Administrators see every organization."
      />
      <Card title="Add a user" description="Share the password with them over a separate channel; it is shown once.">
        <CreateUserForm />
      </Card>
      <Table caption="Users">
        <thead>
          <tr>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Organizations</Th>
            <Th>Status</Th>
            <Th>Last sign-in</Th>
            <Th>
              <span className="sr-only">Manage</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((u) => (
            <tr key={u.id}>
              <Td>
                <div className="font-medium">{u.name}</div>
                <div className="text-xs text-slate-500">{u.email}</div>
              </Td>
              <Td>{ROLE_LABELS[u.role]}</Td>
              <Td>
                {u.role === "admin" ? (
                  <span className="text-slate-500">All</span>
                ) : u.memberships.length === 0 ? (
                  <span className="text-slate-400">None</span>
                ) : (
                  <div className="flex flex-wrap gap-1">
                    {u.memberships.map((m) => (
                      <Badge
                        key={m.tenantId}
                        tone="blue"
                        title={m.role ? `narrowed to ${ROLE_LABELS[m.role]}` : undefined}
                      >
                        {m.tenantName}
                        {m.role ? ` (${ROLE_LABELS[m.role]})` : ""}
                      </Badge>
                    ))}
                  </div>
                )}
              </Td>
              <Td>{u.disabled ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}</Td>
              <Td className="text-xs text-slate-600">{u.lastLoginAt ? formatDateTime(u.lastLoginAt) : "Never"}</Td>
              <Td className="text-right">
                <Link href={`/settings/users/${u.id}`} className="text-sm font-medium text-brand-700 hover:underline">
                  Manage<span className="sr-only"> {u.email}</span>
                </Link>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
