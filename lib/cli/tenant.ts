import { findTenantByNameOrSlug } from "@/db/queries/sync";
import { createTenant, deleteTenant, listTenants, updateTenant, type TenantRow } from "@/lib/admin/tenants";
import { createTenantInput, deleteTenantInput, scheduleKeyOf, updateTenantInput } from "@/lib/validation/tenants";
import { describeRefusal, parseForm, printJson, systemActor, usage } from "./admin-command";
import { openRuntime, parseArgs } from "./runtime";

// `npm run tenant -- create|list|update|delete …`: organizations from the command line, for MSPs
// who script onboarding and for tests. Each change is validated by the schema the Settings →
// Organizations form uses (lib/validation/tenants.ts), made by lib/admin/tenants.ts in one
// transaction with its audit row (actor "cli:tenant"), and ends with ONE JSON line on stdout.

const USAGE = `usage:
  npm run tenant -- create --name N --management-role-arn A --member-role R --regions r1,r2 [--external-id E] [--policy-push-role-arn A] [--management-account-id ID] [--schedule manual|hourly|6h|12h|daily]
  npm run tenant -- list
  npm run tenant -- update --tenant NAME [--name N] [--management-role-arn A] [--policy-push-role-arn A|""] [--member-role R] [--regions r1,r2] [--management-account-id ID] [--schedule S]
  npm run tenant -- delete --tenant NAME --confirm NAME`;

/** Form field → the flag that sets it, for messages. */
const FLAG_OF: Record<string, string> = {
  name: "--name",
  managementAccountId: "--management-account-id",
  managementRoleArn: "--management-role-arn",
  policyPushRoleArn: "--policy-push-role-arn",
  externalId: "--external-id",
  memberRoleName: "--member-role",
  regions: "--regions",
  schedule: "--schedule",
  confirmName: "--confirm",
};

const [command, ...rest] = process.argv.slice(2);
const args = parseArgs(rest);
const flag = (name: string): string | undefined =>
  typeof args[name] === "string" ? (args[name] as string) : undefined;
if (!["create", "list", "update", "delete"].includes(command ?? "")) usage(USAGE);
if ((command === "update" || command === "delete") && !flag("tenant")) usage(USAGE);

/** The management account is the role's own unless given (a delegated administrator's role is not). */
const accountOfRole = (arn: string | undefined) => /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(arn ?? "")?.[1];

function view(t: TenantRow) {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    management_account_id: t.managementAccountId,
    management_role_arn: t.managementRoleArn,
    policy_push_role_arn: t.policyPushRoleArn,
    external_id: t.externalId,
    member_role_name: t.memberRoleName,
    regions: t.regions,
    schedule: scheduleKeyOf(t.syncSchedule),
    status: t.status,
  };
}

const runtime = await openRuntime();
const db = runtime.handle.db;
const actor = systemActor("tenant");
let code = 0;
try {
  const byId = async (id: string) => (await listTenants(db)).find((t) => t.id === id)!;
  const existing = async () => {
    const t = await findTenantByNameOrSlug(db, flag("tenant")!);
    if (!t) throw Object.assign(new Error(`no organization named "${flag("tenant")}"`), { refusal: true });
    return byId(t.id);
  };
  if (command === "list") {
    printJson({ tenants: (await listTenants(db)).map(view) });
  } else if (command === "create") {
    const input = parseForm(createTenantInput, {
      name: flag("name"),
      managementAccountId: flag("management-account-id") ?? accountOfRole(flag("management-role-arn")),
      managementRoleArn: flag("management-role-arn"),
      policyPushRoleArn: flag("policy-push-role-arn"),
      externalId: flag("external-id"),
      memberRoleName: flag("member-role"),
      regions: flag("regions"),
      schedule: flag("schedule") ?? "6h",
    });
    const { tenantId } = await createTenant(db, actor, input);
    printJson({ action: "create", tenant: view(await byId(tenantId)) });
  } else if (command === "update") {
    const before = await existing();
    const input = parseForm(updateTenantInput, {
      tenantId: before.id,
      name: flag("name") ?? before.name,
      managementAccountId: flag("management-account-id") ?? before.managementAccountId,
      managementRoleArn: flag("management-role-arn") ?? before.managementRoleArn,
      policyPushRoleArn: flag("policy-push-role-arn") ?? before.policyPushRoleArn,
      memberRoleName: flag("member-role") ?? before.memberRoleName,
      regions: flag("regions") ?? before.regions,
      schedule: flag("schedule") ?? scheduleKeyOf(before.syncSchedule),
    });
    await updateTenant(db, actor, input);
    const after = await byId(before.id);
    const was = view(before);
    const now = view(after);
    printJson({
      action: "update",
      tenant: now,
      changed: Object.keys(now).filter(
        (k) => JSON.stringify(now[k as keyof typeof now]) !== JSON.stringify(was[k as keyof typeof was]),
      ),
    });
  } else {
    const before = await existing();
    const input = parseForm(deleteTenantInput, { tenantId: before.id, confirmName: flag("confirm") ?? "" });
    await deleteTenant(db, actor, input);
    printJson({ action: "delete", tenant: { id: before.id, name: before.name, slug: before.slug } });
  }
} catch (error) {
  const refusal =
    describeRefusal(error, FLAG_OF) ??
    ((error as { refusal?: boolean }).refusal ? `error: ${(error as Error).message}` : null);
  process.stderr.write(`${refusal ?? `error: ${error instanceof Error ? error.message : String(error)}`}\n`);
  code = 1;
}
await runtime.shutdown();
process.exit(code);
