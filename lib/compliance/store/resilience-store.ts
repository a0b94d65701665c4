// The resilience score of one evaluation, per tenant, OU and account, as the day's rows of
// resilience_score_days: the day's last evaluation replaces what an earlier one of the same day
// wrote (an account gone since then keeps no row for the day).
import type { Queryable } from "@/lib/compliance/load/load-snapshot";
import type { ResilienceCountsJson, ResilienceScope } from "@/db/schema/compliance";
import { emptyCounts } from "@/lib/compliance/scoring/score";
import {
  RESILIENCE_COMPONENT_IDS,
  scoreResilience,
  type ResilienceCounts,
  type ResilienceScopes,
} from "@/lib/compliance/resilience/score";

export function encodeResilienceCounts(c: ResilienceCounts): ResilienceCountsJson {
  const out: ResilienceCountsJson = {};
  for (const id of RESILIENCE_COMPONENT_IDS) {
    const n = c[id];
    if (n) out[id] = [n.PASS, n.FAIL, n.ERROR, n.EXCEPTED];
  }
  return out;
}

export function decodeResilienceCounts(json: ResilienceCountsJson): ResilienceCounts {
  const out: ResilienceCounts = {};
  for (const id of RESILIENCE_COMPONENT_IDS) {
    const n = json[id];
    if (n) out[id] = { ...emptyCounts(), PASS: n[0], FAIL: n[1], ERROR: n[2], EXCEPTED: n[3] };
  }
  return out;
}

export async function storeResilienceScores(
  db: Queryable,
  p: { tenantId: string; evaluationId: number; evaluatedAt: Date; scopes: ResilienceScopes },
): Promise<void> {
  const rows: Array<{ scope: ResilienceScope; id: string; counts: ResilienceCounts }> = [
    { scope: "tenant", id: "", counts: p.scopes.tenant },
    ...[...p.scopes.byOu].map(([id, counts]) => ({ scope: "ou" as const, id, counts })),
    ...[...p.scopes.byAccount].map(([id, counts]) => ({ scope: "account" as const, id, counts })),
  ];
  await db.query(
    `delete from resilience_score_days where tenant_id = $1 and day = ($2::timestamptz at time zone 'UTC')::date`,
    [p.tenantId, p.evaluatedAt],
  );
  await db.query(
    `insert into resilience_score_days (tenant_id, scope, scope_id, day, evaluation_id, evaluated_at, score, counts)
     select $1, u.scope, u.id, ($2::timestamptz at time zone 'UTC')::date, $3, $2, u.score, u.counts
       from unnest($4::text[], $5::text[], $6::float8[], $7::jsonb[]) as u(scope, id, score, counts)`,
    [
      p.tenantId,
      p.evaluatedAt,
      p.evaluationId,
      rows.map((r) => r.scope),
      rows.map((r) => r.id),
      rows.map((r) => scoreResilience(r.counts).score),
      rows.map((r) => JSON.stringify(encodeResilienceCounts(r.counts))),
    ],
  );
}
