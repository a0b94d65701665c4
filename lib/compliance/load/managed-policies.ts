// The backup policies the product manages, as last pushed: the intent BK-17 and the drift page
// compare with what the sync read from AWS. Only policies a push has created in AWS (their AWS id
// recorded) count; a version pushed after the organization was last read is marked as such, since
// the content stored for it may still be the one AWS held before the push.
import type { ManagedPolicyIntent } from "@/lib/policies/drift-diff";

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

const SQL = `
  select mp.id as policy_id, mp.name, mp.aws_policy_id, pv.version, pv.content, pv.targets, pv.pushed_at,
         (pv.pushed_at is not null and read.started_at is not null and pv.pushed_at < read.started_at) as read_since_push
    from managed_policies mp
    join policy_versions pv on pv.tenant_id = mp.tenant_id and pv.policy_id = mp.id and pv.state = 'pushed'
    left join lateral (
      -- The organization unit's read began no earlier than its run; without the run, its publish time.
      select coalesce(r.started_at, u.published_at) as started_at
        from sync_units u left join sync_runs r on r.id = u.published_run_id
       where u.tenant_id = mp.tenant_id and u.kind = 'org' and u.published_at is not null
       limit 1
    ) read on true
   where mp.tenant_id = $1 and mp.aws_policy_id is not null
   order by mp.name`;

export async function loadManagedPolicyIntents(query: Query, tenantId: string): Promise<ManagedPolicyIntent[]> {
  const { rows } = await query(SQL, [tenantId]);
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    policyId: r.policy_id as string,
    name: r.name as string,
    awsPolicyId: r.aws_policy_id as string,
    version: Number(r.version),
    content: r.content as string,
    targets: (r.targets ?? []) as string[],
    // pg gives a Date; drizzle's raw execute (the drift page's path) gives the text.
    pushedAt: r.pushed_at === null || r.pushed_at === undefined ? null : new Date(r.pushed_at as Date | string),
    awsReadSincePush: Boolean(r.read_since_push),
  }));
}
