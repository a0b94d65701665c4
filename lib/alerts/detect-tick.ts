import type { Db } from "@/db";
import { poolOf } from "@/lib/compliance/read/panels";
import { clock } from "@/lib/clock";
import { findingHref } from "@/lib/dashboard/links";
import { getTenantDrift } from "@/lib/policies/drift";
import { activeRules, recordAlertEvents, tenantSlug, type AlertCandidate } from "./events";

// Detection on the minute tick, for what happens with time rather than with a sync:
//
// exception_expired: an exception (not revoked) whose expiry passed since the rule was made and
// within the last 7 days (a worker down for a while still catches up); key: the exception.
//
// policy_drift: a managed policy the last sync found drifted or missing in AWS; key: the policy,
// its pushed version and a digest of what AWS holds, so the same drift alerts once and a new
// change to it alerts again.

export async function detectTickAlerts(db: Db, p: { tenantId: string; now?: Date }): Promise<number> {
  const now = p.now ?? clock.now();
  return (await detectExpiredExceptions(db, p.tenantId, now)) + (await detectPolicyDrift(db, p.tenantId, now));
}

async function detectExpiredExceptions(db: Db, tenantId: string, now: Date): Promise<number> {
  const rules = await activeRules(db, tenantId, "exception_expired");
  if (rules.length === 0) return 0;
  const slug = await tenantSlug(db, tenantId);
  if (!slug) return 0;
  let created = 0;
  for (const rule of rules) {
    const since = new Date(Math.max(rule.row.createdAt.getTime(), now.getTime() - 7 * 86_400_000));
    const res = await poolOf(db).query(
      `select id, control_id, subject_type, subject_id, account_id, region, owner, reason, expires_at
         from compliance_exceptions
        where tenant_id = $1 and revoked_at is null and expires_at <= $2 and expires_at > $3`,
      [tenantId, now, since],
    );
    const candidates: AlertCandidate[] = res.rows.map((x) => ({
      dedupKey: `exception|${x.id}`,
      title: `Exception expired: ${x.control_id} on ${x.subject_id}`,
      summary: `The exception for ${x.control_id} on ${x.subject_id} (owner ${x.owner}) expired at ${(x.expires_at as Date).toISOString()}; the finding counts as FAIL again unless fixed or accepted anew. Reason given: ${x.reason}`,
      path: findingHref(slug, {
        controlId: x.control_id,
        subjectType: x.subject_type,
        subjectId: x.subject_id,
        accountId: x.account_id,
        region: x.region || null,
      }),
      payload: {
        exceptionId: x.id,
        controlId: x.control_id,
        subjectId: x.subject_id,
        accountId: x.account_id,
        owner: x.owner,
        expiresAt: x.expires_at,
      },
      occurredAt: x.expires_at as Date,
    }));
    created += await recordAlertEvents(db, rule.row, candidates, now);
  }
  return created;
}

function digestOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

async function detectPolicyDrift(db: Db, tenantId: string, now: Date): Promise<number> {
  const rules = await activeRules(db, tenantId, "policy_drift");
  if (rules.length === 0) return 0;
  const [drift, slug] = await Promise.all([getTenantDrift(db, { tenantId }), tenantSlug(db, tenantId)]);
  if (!slug || !drift.orgRead) return 0;
  const candidates: AlertCandidate[] = drift.policies
    .filter((e) => e.drift.status === "drifted" || e.drift.status === "missing")
    .map((e) => ({
      dedupKey: `${e.intent.policyId}|v${e.intent.version}|${e.drift.status}|${digestOf(`${e.aws?.content ?? ""}|${[...(e.aws?.targets ?? [])].sort().join(",")}`)}`,
      title: `Policy drift: ${e.intent.name}`,
      summary:
        e.drift.status === "missing"
          ? `The backup policy ${e.intent.name} (version ${e.intent.version}) is no longer in AWS Organizations.`
          : `The backup policy ${e.intent.name} differs in AWS from version ${e.intent.version} as pushed: ${e.drift.differences.length} content difference(s), attached outside: ${e.drift.attachedOutside.length}, detached outside: ${e.drift.detachedOutside.length}.`,
      path: `/t/${slug}/policies/drift`,
      payload: {
        policyId: e.intent.policyId,
        name: e.intent.name,
        version: e.intent.version,
        status: e.drift.status,
        differences: e.drift.differences.length,
        attachedOutside: e.drift.attachedOutside,
        detachedOutside: e.drift.detachedOutside,
      },
      occurredAt: drift.readAt ?? now,
    }));
  let created = 0;
  for (const rule of rules) created += await recordAlertEvents(db, rule.row, candidates, now);
  return created;
}
