import { createRng, hashString } from "./rng";
import type { World } from "./schema";

/**
 * Three empty sandbox accounts, each with one misconfiguration the demo did not have yet, so that
 * "Test connection" shows every kind once: a member role whose policy lacks the plan list, one
 * lacking the vault list, and an account that has not enabled the demo's second region. (The role
 * missing and the untrusting role are Sandbox One and Two; resource types not opted in, Prod Data
 * in eu-west-1; a suspended account, Legacy.) Their ids come from a generator of their own, so
 * the rest of the demo world is what it was before they were added.
 */
export function addDemoMisconfigured(world: World, sandboxOuId: string, secondRegion: string): void {
  const rng = createRng(hashString("demo-misconfigured", world.seed));
  const taken = new Set(world.accounts.map((a) => a.id));
  const acct = () => {
    for (;;) {
      const id = String(rng.int(1, 9)) + String(rng.int(0, 99999999999)).padStart(11, "0");
      if (!taken.has(id)) return taken.add(id) && id;
    }
  };
  const account = (name: string, extra: Partial<World["accounts"][number]>): World["accounts"][number] => ({
    id: acct(),
    name,
    email: `aws+${name.toLowerCase().replace(/\s+/g, "-")}@example.com`,
    parent_id: sandboxOuId,
    state: "ACTIVE",
    joined_method: "CREATED",
    joined: "-60d",
    member_role: "ok",
    member_role_denied_actions: [],
    iam_roles: ["service-role/AWSBackupDefaultServiceRole"],
    untrusting_roles: [],
    delegated_admin_services: [],
    tags: {},
    disabled_regions: [],
    ...extra,
  });
  world.accounts.push(
    account("Sandbox Three", { member_role_denied_actions: ["backup:ListBackupPlans"] }),
    account("Sandbox Four", { member_role_denied_actions: ["backup:ListBackupVaults"] }),
    account("Sandbox Five", { disabled_regions: [secondRegion] }),
  );
}
