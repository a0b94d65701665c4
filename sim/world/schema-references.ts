import type { z } from "zod";

/** The parsed shape the cross-reference checks need (kept loose to avoid a type cycle). */
interface Refs {
  regions: string[];
  organization: { id: string; root_id: string; management_account_id: string };
  organizational_units: { id: string; parent_id: string }[];
  accounts: { id: string; parent_id: string }[];
  policies: { id: string; name: string; targets: string[] }[];
  resources: { account_id: string; region: string; type: string; id: string }[];
  vaults: {
    account_id: string;
    region: string;
    name: string;
    type: string;
    mpa_approval_team_arn?: string;
    shared_with: { principal: string }[];
  }[];
  plans: {
    account_id: string;
    region: string;
    name: string;
    id?: string;
    versions: {
      scan_settings: { malware_scanner: string }[];
      rules: {
        scan_actions: { malware_scanner: string }[];
        copy_actions: unknown[];
        delete_source_after_copy: boolean;
      }[];
    }[];
  }[];
  restore_testing_plans: { account_id: string; region: string; name: string }[];
  region_settings: { account_id: string; region: string }[];
}

/** Cross-references a schema cannot express: parents exist, IDs are unique, units are known. */
export function checkWorldReferences(world: Refs, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const accountIds = new Set<string>();
  const regions = new Set(world.regions);
  const ouIds = new Set(world.organizational_units.map((ou) => ou.id));
  const parents = new Set([world.organization.root_id, ...ouIds]);

  world.organizational_units.forEach((ou, i) => {
    if (!parents.has(ou.parent_id)) issue(["organizational_units", i, "parent_id"], `unknown parent ${ou.parent_id}`);
  });
  checkOuCycles(world, issue);
  world.accounts.forEach((a, i) => {
    if (accountIds.has(a.id)) issue(["accounts", i, "id"], `duplicate account ${a.id}`);
    accountIds.add(a.id);
    if (!parents.has(a.parent_id)) issue(["accounts", i, "parent_id"], `unknown parent ${a.parent_id}`);
  });
  if (!accountIds.has(world.organization.management_account_id)) {
    issue(["organization", "management_account_id"], "the management account must be one of accounts");
  }
  const targets = new Set([...parents, ...accountIds]);
  const policyNames = new Set<string>();
  world.policies.forEach((p, i) => {
    if (policyNames.has(p.name)) issue(["policies", i, "name"], `duplicate policy name ${p.name}`);
    policyNames.add(p.name);
    p.targets.forEach((t, j) => {
      if (!targets.has(t)) issue(["policies", i, "targets", j], `unknown target ${t}`);
    });
  });
  const unitCheck = (list: keyof Refs, items: { account_id: string; region: string }[]) =>
    items.forEach((item, i) => {
      if (!accountIds.has(item.account_id)) issue([list, i, "account_id"], `unknown account ${item.account_id}`);
      if (!regions.has(item.region)) issue([list, i, "region"], `region ${item.region} is not in regions`);
    });
  unitCheck("resources", world.resources);
  unitCheck("vaults", world.vaults);
  unitCheck("plans", world.plans);
  unitCheck("restore_testing_plans", world.restore_testing_plans);
  unitCheck("region_settings", world.region_settings);
  checkVaultSharing(world, ouIds, issue);
  checkRuleActions(world, issue);
  uniqueWithin(world.resources, (r) => `${r.account_id}/${r.region}/${r.type}/${r.id}`, "resources", "id", issue);
  uniqueWithin(world.vaults, (v) => `${v.account_id}/${v.region}/${v.name}`, "vaults", "name", issue);
  uniqueWithin(world.plans, (p) => `${p.account_id}/${p.region}/${p.name}`, "plans", "name", issue);
  uniqueWithin(
    world.restore_testing_plans,
    (p) => `${p.account_id}/${p.region}/${p.name}`,
    "restore_testing_plans",
    "name",
    issue,
  );
}

/** AWS shares (RAM) and guards with multi-party approval only logically air-gapped vaults. */
function checkVaultSharing(world: Refs, ouIds: Set<string>, issue: (p: (string | number)[], m: string) => void) {
  const orgId = world.organization.id;
  world.vaults.forEach((v, i) => {
    const airGapped = v.type === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT";
    if (v.mpa_approval_team_arn !== undefined && !airGapped)
      issue(
        ["vaults", i, "mpa_approval_team_arn"],
        "only a LOGICALLY_AIR_GAPPED_BACKUP_VAULT takes an MPA approval team",
      );
    if (v.shared_with.length > 0 && !airGapped)
      issue(["vaults", i, "shared_with"], "only a LOGICALLY_AIR_GAPPED_BACKUP_VAULT is shared through AWS RAM");
    const seen = new Set<string>();
    v.shared_with.forEach((s, j) => {
      if (seen.has(s.principal))
        issue(["vaults", i, "shared_with", j, "principal"], `duplicate principal ${s.principal}`);
      seen.add(s.principal);
      const ou = /:ou\/(o-[a-z0-9]+)\/(ou-[0-9a-z-]+)$/.exec(s.principal);
      if (ou && ou[1] === orgId && !ouIds.has(ou[2] as string))
        issue(["vaults", i, "shared_with", j, "principal"], `unknown OU ${ou[2]} of the world's organization`);
    });
  });
}

function checkRuleActions(world: Refs, issue: (p: (string | number)[], m: string) => void) {
  world.plans.forEach((p, i) =>
    p.versions.forEach((v, vi) =>
      v.rules.forEach((r, ri) => {
        const path = ["plans", i, "versions", vi, "rules", ri];
        for (const a of r.scan_actions)
          if (!v.scan_settings.some((s) => s.malware_scanner === a.malware_scanner))
            issue(
              [...path, "scan_actions"],
              `a scan action needs the version's scan_settings for ${a.malware_scanner} (which types, which role)`,
            );
        if (r.delete_source_after_copy && r.copy_actions.length === 0)
          issue([...path, "delete_source_after_copy"], "needs copy_actions: the source is deleted once copied");
      }),
    ),
  );
}

function uniqueWithin<T>(
  items: T[],
  key: (t: T) => string,
  list: string,
  field: string,
  issue: (p: (string | number)[], m: string) => void,
) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) issue([list, i, field], `duplicate ${field} in the same account and region (${k})`);
    seen.add(k);
  });
}

function checkOuCycles(world: Refs, issue: (p: (string | number)[], m: string) => void) {
  const parentOf = new Map(world.organizational_units.map((ou) => [ou.id, ou.parent_id]));
  world.organizational_units.forEach((ou, i) => {
    let depth = 0;
    let cur: string | undefined = ou.id;
    while (cur && cur !== world.organization.root_id) {
      cur = parentOf.get(cur);
      if (++depth > 5) {
        // AWS allows OUs five levels deep under the root; deeper (or a cycle) is impossible.
        issue(["organizational_units", i, "parent_id"], "OU nesting deeper than 5 levels or a cycle");
        return;
      }
    }
  });
}
