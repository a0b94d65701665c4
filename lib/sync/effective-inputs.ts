import { createHash } from "node:crypto";
import type { OrgTree } from "@/lib/aws/organizations.fetch";
import type { OrgBackupPolicy } from "@/lib/inventory/types";

// What an account's effective backup policy follows from: the backup policies attached to the
// root, to each OU on the account's path and to the account itself, in their order on each
// target, with their documents (Organizations User Guide, "Understanding management policy
// inheritance"), and whether backup policies are enabled on the root. An account whose inputs
// digest is the one its stored effective policy was read at is not asked again (one
// DescribeEffectivePolicy per account, at the organization's 20 calls per second, is the
// organization unit's longest part); the periodic full pass asks every account.

/** Per account of the tree, a digest of the inputs of its effective backup policy. */
export function effectivePolicyInputs(tree: OrgTree, policies: readonly OrgBackupPolicy[]): Map<string, string> {
  const attached = new Map<string, Array<{ position: number; policyId: string; content: string }>>();
  for (const p of policies)
    p.targets.forEach((target, i) => {
      const list = attached.get(target) ?? [];
      list.push({ position: p.targetPositions?.[i] ?? 0, policyId: p.policyId, content: p.content });
      attached.set(target, list);
    });
  for (const list of attached.values())
    list.sort((a, b) => a.position - b.position || a.policyId.localeCompare(b.policyId));
  const enabled = tree.organization.enabledPolicyTypes.includes("BACKUP_POLICY");
  const out = new Map<string, string>();
  for (const a of tree.accounts) {
    const path = [...a.ouPath, a.accountId];
    const hash = createHash("sha256").update(JSON.stringify([enabled, path.map((id) => [id, attached.get(id) ?? []])]));
    out.set(a.accountId, hash.digest("base64url"));
  }
  return out;
}
