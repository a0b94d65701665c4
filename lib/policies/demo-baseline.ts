// The demo organization's own baseline: the product's backup policy generated from the ISO/IEC
// 27001:2022 template's parameters, drafted by the operator, approved by the admin and pushed to
// the simulator through the real workflow and push (so its history is the history a customer would
// see), then changed behind the product's back, as someone in the AWS console would, so the demo
// shows drift from its first sync. Called by lib/cli/demo.ts; idempotent: a second run on the same
// database never adds a version, and it pushes again only when AWS (a fresh simulator) lacks the policy.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { managedPolicies, policyVersions, tenants, users, type PolicyVersionRow } from "@/db/schema";
import { connectOrganizationsForPush } from "@/lib/aws/organizations.push";
import { iso27001Template } from "@/lib/compliance/templates/iso-27001-2022";
import { formatPolicy, generatePolicy, paramsFromTemplate } from "./generate";
import type { JsonObject } from "./parse";
import { pushVersion, type PushDeps } from "./push";
import type { Actor } from "./store";
import { approveVersion, createPolicy, submitVersion } from "./workflow";

export const DEMO_BASELINE_NAME = "backup-governance-baseline";
/** What "someone in the console" shortens the first region's retention to. */
export const CONSOLE_RETENTION_DAYS = 14;

export interface DemoBaselineInput {
  tenantId: string;
  /** The tenant's regions: one plan each, copying to the next region (a copy to a second region). */
  regions: string[];
  /** Roots, OUs or accounts the baseline is attached to. */
  targets: string[];
  authorEmail: string;
  approverEmail: string;
  log?: (message: string) => void;
}

export interface DemoBaselineOutcome {
  policyId: string;
  version: number;
  created: boolean;
  pushed: boolean;
  drifted: boolean;
}

/** The baseline document: per region a plan from the ISO template's parameters, with a copy to another region. */
export function demoBaselineDocument(regions: readonly string[]): string {
  const plans: JsonObject = {};
  for (const [i, region] of regions.entries()) {
    const other = regions[(i + 1) % regions.length]!;
    const params = {
      ...paramsFromTemplate({ id: iso27001Template.id, parameters: iso27001Template.parameters ?? {} }, [region]),
      planName: `iso-baseline-${region}`,
      copyRegions: other === region ? [] : [other],
    };
    const generated = generatePolicy(params);
    if (!generated.ok)
      throw new Error(`the ISO baseline for ${region} cannot be generated: ${JSON.stringify(generated.errors)}`);
    Object.assign(plans, generated.document.plans as JsonObject);
  }
  return formatPolicy({ plans });
}

/** The baseline as "someone in the console" leaves it: the first region's plan keeps backups 14 days, not 35. */
export function consoleEditedDocument(content: string, region: string): string {
  const doc = JSON.parse(content) as {
    plans: Record<string, { rules: Record<string, { lifecycle: { delete_after_days: { "@@assign": string } } }> }>;
  };
  for (const rule of Object.values(doc.plans[`iso-baseline-${region}`]?.rules ?? {}))
    rule.lifecycle.delete_after_days = { "@@assign": String(CONSOLE_RETENTION_DAYS) };
  // Compact, as the console saves it: a different text with a different meaning in one place.
  return JSON.stringify(doc);
}

export async function ensureDemoBaseline(
  db: Db,
  deps: PushDeps,
  input: DemoBaselineInput,
): Promise<DemoBaselineOutcome> {
  const log = input.log ?? (() => undefined);
  const author = await actorByEmail(db, input.authorEmail);
  const approver = await actorByEmail(db, input.approverEmail);
  const content = demoBaselineDocument(input.regions);
  const [existing] = await db
    .select()
    .from(managedPolicies)
    .where(and(eq(managedPolicies.tenantId, input.tenantId), eq(managedPolicies.name, DEMO_BASELINE_NAME)));
  let created = false;
  let version: PolicyVersionRow;
  if (!existing) {
    const ref = await createPolicy(db, author, {
      tenantId: input.tenantId,
      name: DEMO_BASELINE_NAME,
      content,
      targets: input.targets,
      description: "ISO/IEC 27001:2022 baseline: daily, kept 35 days, copied to a second region",
      note: "Generated from the ISO/IEC 27001:2022 template's parameters (BK-02: daily, 35 days; BK-06: a copy in another region).",
    });
    created = true;
    version = await versionRow(db, input.tenantId, ref.versionId);
    log(`[policies] ${DEMO_BASELINE_NAME}: version 1 drafted by ${author.email}`);
  } else {
    // The version pushed last, or else the newest: the workflow resumes where an earlier start stopped.
    const rows = await db
      .select()
      .from(policyVersions)
      .where(and(eq(policyVersions.tenantId, input.tenantId), eq(policyVersions.policyId, existing.id)))
      .orderBy(desc(policyVersions.version));
    version = rows.find((v) => v.state === "pushed") ?? rows[0]!;
  }
  const tenantId = input.tenantId;
  if (version.state === "draft")
    version = await versionRow(
      db,
      tenantId,
      (await submitVersion(db, author, { tenantId, versionId: version.id })).versionId,
    );
  if (version.state === "submitted")
    version = await versionRow(
      db,
      tenantId,
      (
        await approveVersion(db, approver, {
          tenantId,
          versionId: version.id,
          comment: "Matches the ISO/IEC 27001:2022 template; approved for the demo organization.",
        })
      ).versionId,
    );
  if (version.state !== "approved" && version.state !== "pushed")
    return { policyId: version.policyId, version: version.version, created, pushed: false, drifted: false };

  const [policy] = await db.select().from(managedPolicies).where(eq(managedPolicies.id, version.policyId));
  const api = connectOrganizationsForPush(
    deps.factory,
    await rolesOf(db, tenantId),
    tenantId,
    async () => undefined,
    deps.maxAttempts,
  );
  const inAws = version.state === "pushed" && policy?.awsPolicyId ? await api.describePolicy(policy.awsPolicyId) : null;
  if (inAws) return { policyId: version.policyId, version: version.version, created, pushed: false, drifted: false };

  // Not in AWS yet, or no longer (each demo start brings a fresh simulator): the real push.
  const outcome = await pushVersion(db, deps, approver, { tenantId, versionId: version.id });
  const again =
    version.state === "pushed"
      ? " pushed again (this simulator started without it)"
      : ` approved by ${approver.email} and pushed`;
  log(`[policies] ${DEMO_BASELINE_NAME}: version ${version.version}${again} (${outcome.calls.length} AWS calls)`);
  // The drift is the demo's only while the intent is still the generated baseline (not after a re-push or adoption).
  if (version.content !== content || !input.regions[0])
    return { policyId: version.policyId, version: version.version, created, pushed: true, drifted: false };
  await api.updatePolicy({
    id: outcome.awsPolicyId,
    name: DEMO_BASELINE_NAME,
    description: version.description,
    content: consoleEditedDocument(version.content, input.regions[0]),
  });
  log(
    `[policies] ${DEMO_BASELINE_NAME}: then changed in the "console" (${input.regions[0]} keeps ${CONSOLE_RETENTION_DAYS} days): the first sync shows the drift`,
  );
  return { policyId: version.policyId, version: version.version, created, pushed: true, drifted: true };
}

async function actorByEmail(db: Db, email: string): Promise<Actor> {
  const [u] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email));
  if (!u) throw new Error(`the demo user ${email} does not exist`);
  return { userId: u.id, email: u.email, ip: null };
}

async function versionRow(db: Db, tenantId: string, versionId: string): Promise<PolicyVersionRow> {
  const [row] = await db
    .select()
    .from(policyVersions)
    .where(and(eq(policyVersions.tenantId, tenantId), eq(policyVersions.id, versionId)));
  return row!;
}

async function rolesOf(db: Db, tenantId: string) {
  const [t] = await db
    .select({
      managementAccountId: tenants.managementAccountId,
      managementRoleArn: tenants.managementRoleArn,
      externalId: tenants.externalId,
      memberRoleName: tenants.memberRoleName,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!t) throw new Error("the demo organization does not exist");
  return t;
}
