import { z } from "zod";
import { notFound } from "@/lib/errors";
import { getProductPrincipal } from "@/lib/onboarding/product-principal";
import { ROLE_TEMPLATE_PATHS } from "@/lib/onboarding/role-templates";
import { getTenantRoleTemplates } from "@/lib/onboarding/tenant-role-templates";
import { defineRoute } from "@/lib/routes";

// One of an organization's role templates as a download (Settings → Organizations → the
// organization → Set up roles). They name the tenant's ExternalId, so only tenant:manage gets them.
export const dynamic = "force-dynamic";

const query = z.object({ file: z.enum(ROLE_TEMPLATE_PATHS) });

export const GET = defineRoute(
  { name: "tenants.role_templates", capability: "tenant:manage" },
  async (request, ctx) => {
    const tenantId = z.uuid().safeParse(ctx.params.tenantId);
    const wanted = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!tenantId.success || !wanted.success) throw notFound("That template");
    const principal = await getProductPrincipal();
    const result = await getTenantRoleTemplates(ctx.db, tenantId.data, {
      principalArn: principal instanceof Error ? undefined : principal.arn,
    });
    if (!result) throw notFound("That organization");
    // The delegation policy exists only for a push role outside the management account.
    const file = result.files.find((f) => f.path === wanted.data.file);
    if (!file) throw notFound("That template");
    return new Response(file.content, {
      headers: {
        "content-type": `${file.contentType}; charset=utf-8`,
        "content-disposition": `attachment; filename="${file.path.replace("/", "-")}"`,
        "cache-control": "no-store",
      },
    });
  },
);
