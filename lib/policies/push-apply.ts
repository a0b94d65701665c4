// The AWS side of a push, made to be run again after any failure: every step reads the current
// state first and writes only what differs, so a retry skips what the failed attempt already did.
// All reads (the root, the policy, its targets, each new target's attachment count) come before
// the first write, so a push AWS would refuse for a known reason changes nothing.
import { AwsCallError, type OrganizationsPush, type RemotePolicy, type RootState } from "@/lib/aws/organizations.push";
import { checkAttachmentLimit } from "./limits";

/** Tags on every policy the product creates: how users (and the product) tell its policies apart. */
export const MANAGED_BY_TAG = { key: "managed-by", value: "backup-governance" } as const;
/** Names the managed policy a tag belongs to, so a retry adopts only the policy it created itself. */
export const POLICY_ID_TAG = "backup-governance:policy-id";

export interface ApplyInput {
  policy: { id: string; name: string; awsPolicyId: string | null };
  version: { content: string; description: string; targets: string[] };
}

export interface ApplyHooks {
  /** The AWS policy is known (created, or found again): saved before any further write. */
  onPolicyId(awsPolicyId: string, arn: string): Promise<void>;
  /** A write not made because AWS already holds what it would set. */
  skip(operation: string, target: string | null, detail: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** How long to wait for EnablePolicyType, which AWS completes in the background. */
  enableWait: { tries: number; delayMs: number };
}

export interface ApplyResult {
  awsPolicyId: string;
  created: boolean;
  updated: boolean;
  enabledPolicyType: boolean;
  attached: string[];
  detached: string[];
}

const refusal = (
  operation: string,
  target: string | null,
  code: string,
  reason: string | null,
  message: string,
  transient = false,
) => new AwsCallError(operation, target, { code, reason, message, requestId: null, transient });

export async function applyVersion(api: OrganizationsPush, input: ApplyInput, hooks: ApplyHooks): Promise<ApplyResult> {
  const { policy, version } = input;
  const root = await api.getRoot();
  const remote = await findRemote(api, policy);
  const tags = remote ? await api.listTags(remote.id) : {};
  const current = remote ? await api.listTargets(remote.id) : [];
  const toAttach = version.targets.filter((t) => !current.includes(t));
  const toDetach = current.filter((t) => !version.targets.includes(t));
  for (const target of toAttach) {
    const attached = await api.listAttachedPolicies(target);
    const limit = checkAttachmentLimit(attached.length, target);
    if (limit)
      throw refusal(
        "AttachPolicy",
        target,
        limit.code,
        limit.reason,
        `${limit.message} Detach one of them from ${target} first; nothing was changed.`,
      );
  }

  const enabledPolicyType = await ensurePolicyTypeEnabled(api, root, hooks);
  const wanted = { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value, [POLICY_ID_TAG]: policy.id };
  let awsPolicyId: string;
  let created = false;
  let updated = false;
  if (!remote) {
    const made = await api.createPolicy({
      name: policy.name,
      description: version.description,
      content: version.content,
      tags: wanted,
    });
    await hooks.onPolicyId(made.id, made.arn);
    awsPolicyId = made.id;
    created = true;
  } else {
    awsPolicyId = remote.id;
    if (
      remote.content !== version.content ||
      remote.description !== version.description ||
      remote.name !== policy.name
    ) {
      await api.updatePolicy({
        id: remote.id,
        name: policy.name,
        description: version.description,
        content: version.content,
      });
      updated = true;
    } else {
      await hooks.skip("UpdatePolicy", remote.id, "AWS already holds this content, description and name");
    }
    const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => tags[k] !== v));
    if (Object.keys(missing).length) await api.tagResource(remote.id, missing);
  }

  for (const target of version.targets) {
    if (toAttach.includes(target)) await api.attachPolicy(awsPolicyId, target);
    else await hooks.skip("AttachPolicy", target, "already attached");
  }
  for (const target of toDetach) await api.detachPolicy(awsPolicyId, target);
  return { awsPolicyId, created, updated, enabledPolicyType, attached: toAttach, detached: toDetach };
}

/**
 * The policy as AWS holds it: by the id saved from an earlier push, or (when that push created it
 * but failed before saving the id, or it was deleted since) by name, adopted only if our tags say
 * it is this policy. Null when it has to be created.
 */
async function findRemote(api: OrganizationsPush, policy: ApplyInput["policy"]): Promise<RemotePolicy | null> {
  if (policy.awsPolicyId) {
    const known = await api.describePolicy(policy.awsPolicyId);
    if (known) return known;
  }
  const named = await api.findPolicyByName(policy.name);
  if (!named) return null;
  const tags = await api.listTags(named.id);
  if (tags[MANAGED_BY_TAG.key] !== MANAGED_BY_TAG.value || tags[POLICY_ID_TAG] !== policy.id) {
    throw refusal(
      "CreatePolicy",
      named.id,
      "DuplicatePolicyException",
      null,
      `The organization already has a backup policy named "${policy.name}" (${named.id}) that this product did not create. Rename this policy, or rename or delete that one in AWS; nothing was changed.`,
    );
  }
  return api.describePolicy(named.id);
}

/** BACKUP_POLICY must be enabled in the root before any attachment; AWS enables it in the background. */
async function ensurePolicyTypeEnabled(api: OrganizationsPush, root: RootState, hooks: ApplyHooks): Promise<boolean> {
  if (root.backupPolicy === "ENABLED") {
    await hooks.skip("EnablePolicyType", root.rootId, "BACKUP_POLICY is already enabled in the root");
    return false;
  }
  let status: RootState["backupPolicy"] = root.backupPolicy;
  let enabled = false;
  for (let i = 0; i < hooks.enableWait.tries; i++) {
    if (status === null) {
      status = await api.enableBackupPolicy(root.rootId);
      enabled = true;
    }
    if (status === "ENABLED") return enabled;
    await hooks.sleep(hooks.enableWait.delayMs);
    status = (await api.getRoot()).backupPolicy;
  }
  throw refusal(
    "EnablePolicyType",
    root.rootId,
    "PolicyTypeNotEnabledException",
    null,
    `AWS is still changing BACKUP_POLICY in the root (${status ?? "not enabled"}). Push again in a minute; nothing else was changed.`,
    true,
  );
}
