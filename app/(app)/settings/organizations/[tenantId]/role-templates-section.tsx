import { CopyButton } from "@/app/_components/form/copy-button";
import { Alert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { buttonClass } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db";
import { getProductPrincipal } from "@/lib/onboarding/product-principal";
import { getTenantRoleTemplates } from "@/lib/onboarding/tenant-role-templates";

const TITLE = "Set up roles";
const DESCRIPTION =
  "CloudFormation or Terraform that creates the roles the sync assumes, with exactly the permissions it uses. Deploy them in the order shown; the same files come from npm run onboarding -- templates.";

export function RoleTemplatesPending() {
  return (
    <Card title={TITLE} description={DESCRIPTION}>
      <p className="text-sm text-slate-500">Asking AWS who this product is…</p>
    </Card>
  );
}

/** The tenant's role templates, each to download or copy; why not, when they cannot be made. */
export async function RoleTemplatesSection({ tenantId }: { tenantId: string }) {
  const principal = await getProductPrincipal();
  let result;
  try {
    result = await getTenantRoleTemplates(getDb(), tenantId, {
      principalArn: principal instanceof Error ? undefined : principal.arn,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <Card title={TITLE} description={DESCRIPTION}>
        <Alert tone="warning">
          <span className="[overflow-wrap:anywhere]">
            {error.message}
            {principal instanceof Error && ` (STS: ${principal.message})`}
            {" The command line takes --principal ARN and --targets r-…,ou-… for what the product cannot find itself."}
          </span>
        </Alert>
      </Card>
    );
  }
  if (!result) return null;
  return (
    <Card title={TITLE} description={DESCRIPTION}>
      <ul className="divide-y divide-slate-100" data-testid="role-templates">
        {result.files.map((f) => (
          <li key={f.path} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between sm:gap-4">
            <div className="min-w-0 flex-1 space-y-0.5 [overflow-wrap:anywhere]">
              <p className="text-sm font-medium text-slate-900">
                {f.title} {f.optional && <Badge>optional</Badge>}
              </p>
              <p className="text-xs text-slate-600">{f.instructions}</p>
              <p className="font-mono text-xs break-all text-slate-500">{f.path}</p>
            </div>
            <div className="flex shrink-0 gap-2">
              <a
                className={buttonClass("secondary", "sm")}
                href={`/api/organizations/${tenantId}/role-templates?file=${encodeURIComponent(f.path)}`}
                download
              >
                Download
              </a>
              <CopyButton value={f.content} />
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
