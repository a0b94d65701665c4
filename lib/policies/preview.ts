// The preview of a change before anything reaches AWS, for the whole organization at once (AWS
// shows one account's effective policy at a time and nothing before attaching): for every account
// the change reaches, the effective policy before and after with a diff, the limits AWS will
// enforce, a pre-flight per account and Region, and the compliance the change buys (the controls
// run on the prospective plans). Two changes: a policy version pushed to its targets
// (getPolicyPreview), and an account moved to another OU or the root (getMovePreview).
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { managedPolicies, orgAccounts, orgUnits } from "@/db/schema";
import type { OrgBackupPolicy } from "@/lib/inventory/types";
import { clock } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import { checkDocument } from "./document-check";
import type { PolicyError } from "./errors";
import { MAX_BACKUP_POLICIES_PER_TARGET, checkAttachmentLimit } from "./limits";
import { getVersion } from "./store";
import { countPolicyChars, MAX_POLICY_CHARS } from "./size";
import { previewAccount, type AccountPreview } from "./preview-account";
import {
  moveChains,
  NEW_POLICY_ID,
  targetKind,
  versionChains,
  type AccountChains,
  type OrgModel,
  type TargetKind,
} from "./preview-chains";
import { compareCompliance, type ComplianceImpact } from "./preview-impact";
import { loadPreviewData, type PreviewData } from "./preview-load";
import { indexInventory } from "./preview-preflight";
import { environmentAws, verifyRoles, type PreviewAwsSource } from "./preview-roles";
import { buildProspectiveSnapshot } from "./preview-prospect";

export interface TargetLimit {
  targetId: string;
  kind: TargetKind;
  name: string | null;
  /** The target exists in the organization as last synced. */
  known: boolean;
  /** Other backup policies attached there now. */
  others: number;
  limit: number;
  ok: boolean;
  message: string;
}

export interface PreviewBase {
  tenantId: string;
  generatedAt: Date;
  /** When the inventory the preview reads was published (newest unit), and the oldest unit. */
  snapshotAt: Date | null;
  oldestDataAt: Date | null;
  accounts: AccountPreview[];
  /** Null when the organization was never read. */
  impact: ComplianceImpact | null;
  /** What the preview could not know or had to assume. */
  notes: string[];
  /** What would make the push fail, or leave accounts with a policy AWS cannot apply. */
  problems: string[];
  /** Names of the root and OUs, for showing paths. */
  names: Record<string, string>;
}

export interface PolicyPreview extends PreviewBase {
  kind: "version";
  policy: { policyId: string; name: string; awsPolicyId: string | null };
  version: { versionId: string; version: number; state: string; targets: string[] };
  document: { characters: number; limit: number; problems: PolicyError[] };
  targets: TargetLimit[];
}

export interface MovePreview extends PreviewBase {
  kind: "move";
  accountId: string;
  from: { id: string; name: string };
  to: { id: string; name: string };
}

/** Names of the root, OUs and accounts, for screens. */
export function nameOf(org: OrgModel, id: string): string | null {
  return org.units.find((u) => u.id === id)?.name ?? org.accounts.find((a) => a.accountId === id)?.name ?? null;
}

const unitNames = (org: OrgModel) => Object.fromEntries(org.units.map((u) => [u.id, u.name]));

const STALE_HOURS = 48;

function commonNotes(data: PreviewData, now: Date): string[] {
  const notes = [
    "IAM is read when the preview is made (GetRole in each account, through the member role): each role the plans name must exist there and trust backup.amazonaws.com; where IAM cannot be read, the check says why and what the inventory knows.",
    "Recovery-point findings (BK-04, BK-05, BK-12's points) do not change with a policy and are left out; BK-09, BK-11, BK-13 and BK-14 are shown as they stand at the push: new plans have not run yet.",
  ];
  if (data.meta.oldestDataAt && now.getTime() - data.meta.oldestDataAt.getTime() > STALE_HOURS * 3_600_000) {
    notes.push(
      `Part of the inventory is older than ${STALE_HOURS} hours (oldest ${data.meta.oldestDataAt.toISOString()}): those units evaluate to ERROR on both sides. Sync first for a sharper preview.`,
    );
  }
  return notes;
}

/** The account previews, the prospective snapshot and the compliance comparison, for chains already built. */
const inventoryOf = (data: PreviewData) =>
  indexInventory(data.snapshot, data.tenantRegions, (a, r) => data.facts.roleFailures(a, r).length);

function assemble(
  data: PreviewData & { reached: Set<string> },
  chains: readonly AccountChains[],
  orgPolicies: OrgBackupPolicy[] | null,
  now: Date,
  pushed?: Parameters<typeof buildProspectiveSnapshot>[4],
) {
  const built = chains.map((c) => previewAccount(c, data.snapshot.effectiveBackupPolicies, inventoryOf(data)));
  const accounts = built.map((b) => b.preview);
  const after = buildProspectiveSnapshot(
    data.snapshot,
    built.map((b) => b.prospect),
    orgPolicies,
    now,
    pushed,
  );
  const impact = compareCompliance({
    before: data.snapshot,
    after,
    accounts: data.reached,
    facts: data.facts,
    now,
    runs: data.runs,
    templates: data.templates,
    excepted: data.excepted,
  });
  const problems: string[] = [];
  for (const a of accounts) {
    if (a.after.error)
      problems.push(`${a.name} (${a.accountId}): the policies would not merge: ${a.after.error.message}`);
    for (const e of a.validation.slice(0, 3))
      problems.push(`${a.name} (${a.accountId}): the effective policy is invalid at ${e.path}: ${e.message}`);
    for (const u of a.preflight)
      for (const c of u.checks)
        if (c.status === "fail") problems.push(`${a.name} (${a.accountId}) ${u.region}: ${c.message}`);
  }
  const notes: string[] = [];
  if (accounts.some((a) => !a.orderKnown))
    notes.push(
      "Some targets hold several backup policies whose order the last sync did not read; sync again so the merge follows AWS's attachment order.",
    );
  const disagree = accounts.filter((a) => a.awsAgrees === false);
  if (disagree.length)
    notes.push(
      `For ${disagree.length} account(s) our "before" differs from the effective policy AWS reported at the last sync (${disagree[0]!.name}: ${disagree[0]!.awsDifference}); sync again, or check with npm run policy -- check.`,
    );
  return { accounts, impact, problems, notes };
}

/**
 * `aws`: what the role checks read IAM with (default: the environment's AWS, as pushes use it);
 * null reads no IAM and leaves them unverified.
 */
/** A version, its policy, and the organization as it would be with the version attached. */
async function loadVersionChange(
  db: Db,
  p: { tenantId: string; versionId: string },
  now: Date,
  options: { recoveryPoints?: boolean } = {},
) {
  const version = await getVersion(db, p);
  const [policy] = await db
    .select({ id: managedPolicies.id, name: managedPolicies.name, awsPolicyId: managedPolicies.awsPolicyId })
    .from(managedPolicies)
    .where(and(eq(managedPolicies.id, version.policyId), eq(managedPolicies.tenantId, p.tenantId)));
  if (!policy) throw notFound("That policy");
  const change = {
    policyId: policy.awsPolicyId,
    name: policy.name,
    content: version.content,
    targets: version.targets,
  };
  // The chains are built from the organization read inside the preview's transaction.
  const box: { chains?: ReturnType<typeof versionChains> } = {};
  const data = await loadPreviewData(
    db,
    p.tenantId,
    now,
    (org) => {
      if (org) box.chains = versionChains(org, change);
      return box.chains?.accounts.map((a) => a.accountId) ?? [];
    },
    options,
  );
  return { version, policy, data, chains: box.chains };
}

/**
 * What a push checks before it reaches AWS: the pre-flight of every account and Region the version
 * reaches (IAM not yet asked), without the compliance impact and the recovery points it reads.
 */
export async function getVersionPreflight(
  db: Db,
  p: { tenantId: string; versionId: string },
): Promise<{ content: string; accounts: AccountPreview[] }> {
  const { version, data, chains } = await loadVersionChange(db, p, clock.now(), { recoveryPoints: false });
  if (!data.org || !chains) return { content: version.content, accounts: [] };
  return {
    content: version.content,
    accounts: chains.accounts.map(
      (c) => previewAccount(c, data.snapshot.effectiveBackupPolicies, inventoryOf(data)).preview,
    ),
  };
}

export async function getPolicyPreview(
  db: Db,
  p: { tenantId: string; versionId: string },
  aws: PreviewAwsSource = environmentAws,
): Promise<PolicyPreview> {
  const now = clock.now();
  const { version, policy, data, chains } = await loadVersionChange(db, p, now);
  const org = data.org;
  const docProblems = checkDocument(version.content);
  const base = {
    kind: "version" as const,
    tenantId: p.tenantId,
    generatedAt: now,
    snapshotAt: data.meta.snapshotAt,
    oldestDataAt: data.meta.oldestDataAt,
    policy: { policyId: policy.id, name: policy.name, awsPolicyId: policy.awsPolicyId },
    version: { versionId: version.versionId, version: version.version, state: version.state, targets: version.targets },
    document: { characters: countPolicyChars(version.content, "api"), limit: MAX_POLICY_CHARS, problems: docProblems },
  };
  const problems = docProblems.map((e) => `The document: ${e.message} (${e.code} at ${e.path})`);
  if (!org || !chains) {
    const targets = version.targets.map((t): TargetLimit => ({
      targetId: t,
      kind: targetKind(t),
      name: null,
      known: false,
      others: 0,
      limit: MAX_BACKUP_POLICIES_PER_TARGET,
      ok: false,
      message: "The organization has not been read yet.",
    }));
    return {
      ...base,
      targets,
      accounts: [],
      impact: null,
      notes: ["The organization has not been synced (or its last read failed): sync it to preview the change."],
      problems,
      names: {},
    };
  }
  const { accounts: accountChains, policiesAfter } = chains;
  const awsId = policy.awsPolicyId ?? NEW_POLICY_ID;
  const targets = version.targets.map((t): TargetLimit => {
    const known = t === org.rootId || org.units.some((u) => u.id === t) || org.accounts.some((a) => a.accountId === t);
    const others = org.policies.filter((x) => x.policyId !== awsId && x.targets.includes(t)).length;
    const refusal = checkAttachmentLimit(others, t);
    const message = !known
      ? `${t} is not in the organization as last synced.`
      : refusal
        ? refusal.message
        : `${others + 1} of ${MAX_BACKUP_POLICIES_PER_TARGET} backup policies once attached.`;
    return {
      targetId: t,
      kind: targetKind(t),
      name: nameOf(org, t),
      known,
      others,
      limit: MAX_BACKUP_POLICIES_PER_TARGET,
      ok: known && !refusal,
      message,
    };
  });
  for (const t of targets) if (!t.ok) problems.push(t.message);
  // The policies Organizations would hold: BK-17 counts plans by the policies attached in the chain.
  const orgPolicies = data.snapshot.orgBackupPolicies
    ? policiesAfter.map((x): OrgBackupPolicy => {
        const read = data.snapshot.orgBackupPolicies!.find((o) => o.policyId === x.policyId);
        return {
          policyId: x.policyId,
          policyArn: read?.policyArn ?? `(${x.name}, not created yet)`,
          name: x.name,
          description: read?.description ?? "",
          awsManaged: read?.awsManaged ?? false,
          content: x.content,
          targets: [...x.targets],
          targetPositions: x.targetPositions,
        };
      })
    : null;
  const pushed = {
    policyId: policy.id,
    name: policy.name,
    awsPolicyId: awsId,
    version: version.version,
    content: version.content,
    targets: version.targets,
  };
  const out = assemble(data, accountChains, orgPolicies, now, pushed);
  out.problems.push(...(await verifyRoles(db, p.tenantId, out.accounts, aws)));
  const notes = [...commonNotes(data, now), ...out.notes];
  if (version.state === "pushed")
    notes.push(
      `Version ${version.version} is the one pushed: what differs below is what changed in AWS since (drift), which pushing it again would undo.`,
    );
  if (version.state === "superseded" || version.state === "rejected")
    notes.push(
      `Version ${version.version} is ${version.state}: it can no longer be pushed as it is; a rollback to it would be a new version with this content.`,
    );
  if (policy.awsPolicyId && !org.policies.some((x) => x.policyId === policy.awsPolicyId)) {
    notes.push(
      `The last sync did not see policy ${policy.awsPolicyId}, which an earlier push created: sync again so the preview starts from what AWS holds.`,
    );
  }
  return {
    ...base,
    targets,
    accounts: out.accounts,
    impact: out.impact,
    notes,
    problems: [...problems, ...out.problems],
    names: unitNames(org),
  };
}

export async function getMovePreview(
  db: Db,
  p: { tenantId: string; accountId: string; targetParentId: string },
  aws: PreviewAwsSource = environmentAws,
): Promise<MovePreview> {
  const now = clock.now();
  const box: { chains?: AccountChains | null } = {};
  const data = await loadPreviewData(db, p.tenantId, now, (org) => {
    box.chains = org ? moveChains(org, p.accountId, p.targetParentId) : null;
    return box.chains ? [p.accountId] : [];
  });
  const org = data.org;
  if (!org) throw notFound("The organization's structure (sync it first)");
  const c = box.chains;
  if (!c) throw notFound(org.accounts.some((a) => a.accountId === p.accountId) ? "That OU" : "That account");
  const fromId = c.ouPathBefore[c.ouPathBefore.length - 1] ?? "";
  const out = assemble(data, [c], null, now);
  out.problems.push(...(await verifyRoles(db, p.tenantId, out.accounts, aws)));
  const notes = [...commonNotes(data, now), ...out.notes];
  if (fromId === p.targetParentId) notes.push("The account is already there: nothing would change.");
  if (!org.backupPoliciesEnabled)
    notes.push("BACKUP_POLICY is not enabled on the root: no backup policy applies, wherever the account is.");
  return {
    kind: "move",
    tenantId: p.tenantId,
    generatedAt: now,
    snapshotAt: data.meta.snapshotAt,
    oldestDataAt: data.meta.oldestDataAt,
    accountId: p.accountId,
    from: { id: fromId, name: nameOf(org, fromId) ?? fromId },
    to: { id: p.targetParentId, name: nameOf(org, p.targetParentId) ?? p.targetParentId },
    accounts: out.accounts,
    impact: out.impact,
    notes,
    problems: out.problems,
    names: unitNames(org),
  };
}

/** Accounts and the parents they could move to (the root and every OU, parents before children), for the what-if form. */
export async function listMoveOptions(
  db: Db,
  p: { tenantId: string },
): Promise<{
  accounts: Array<{ accountId: string; name: string; parentId: string }>;
  parents: Array<{ id: string; name: string; depth: number }>;
}> {
  const units = await db
    .select({ id: orgUnits.ouId, name: orgUnits.name, path: orgUnits.path })
    .from(orgUnits)
    .where(eq(orgUnits.tenantId, p.tenantId));
  const accounts = await db
    .select({ accountId: orgAccounts.accountId, name: orgAccounts.name, parentId: orgAccounts.parentId })
    .from(orgAccounts)
    .where(eq(orgAccounts.tenantId, p.tenantId))
    .orderBy(asc(orgAccounts.name));
  const names = new Map(units.map((u) => [u.id, u.name]));
  const sortKey = (path: string[]) => path.map((id) => names.get(id) ?? id).join("\u0000");
  return {
    accounts,
    parents: units
      .sort((a, b) => sortKey(a.path).localeCompare(sortKey(b.path)))
      .map((u) => ({ id: u.id, name: u.name, depth: u.path.length - 1 })),
  };
}
