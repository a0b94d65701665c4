// What "the same findings" means for two evaluations of the same world (a tenant resynced against
// one freshly synced, or two tenants evaluated by different paths): every current finding's run
// (by its key digest: run ids are per tenant), subject, status and reason, hashed in a stable
// order; its evidence in a hash of its own. A stored finding keeps the evidence it had when its
// status or reason last changed (lib/compliance/store/panel-diff.ts: a day's new recovery point
// does not rewrite every panel), so evidence may differ where verdicts do not. When each finding
// began (`since`) is left out: it names the tenant's own evaluations.
import { createHash } from "node:crypto";
import { decodePanel } from "@/lib/compliance/store/panel-codec";

interface Queryable {
  query(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

export interface FindingsDigest {
  findings: number;
  /** sha256 over the sorted (run, subject, status, reason) of every finding. */
  verdicts: string;
  /** sha256 over the sorted (run, subject, evidence) of every finding. */
  evidence: string;
}

export async function findingsDigest(pool: Queryable, tenantId: string): Promise<FindingsDigest> {
  const runs = await pool.query(`select id, key_digest from compliance_runs where tenant_id = $1`, [tenantId]);
  const runKey = new Map(runs.rows.map((r) => [r.id as number, r.key_digest as string]));
  // Panels in the order of their address (a world splits into the same panels whichever tenant
  // holds it), read a batch at a time: a million-point tenant's findings do not fit as strings.
  const index = await pool.query(
    `select id from compliance_panels where tenant_id = $1 order by subject_type, account_id, region, bucket`,
    [tenantId],
  );
  const ids = index.rows.map((r) => r.id as number);
  const verdicts = createHash("sha256");
  const evidence = createHash("sha256");
  let findings = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const batch = await pool.query(
      `select subject_type, account_id, region, bucket, state, evidence from compliance_panels
        where id = any($1::int[]) order by subject_type, account_id, region, bucket`,
      [ids.slice(i, i + 500)],
    );
    for (const p of batch.rows) {
      const entries = decodePanel(p.state as Buffer, p.evidence as Buffer).map((e) => ({
        subject: `${runKey.get(e.runId) ?? `?${e.runId}`}|${e.key}|${e.resourceType ?? ""}`,
        verdict: `${e.status}|${e.reason}`,
        evidence: JSON.stringify(e.evidence ?? []),
      }));
      // A panel whose subjects all vanished stays stored, empty; one evaluated from nothing has none.
      if (entries.length === 0) continue;
      entries.sort((x, y) => (x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : 0));
      findings += entries.length;
      const where = `${p.subject_type as string}|${p.account_id as string}|${p.region as string}|${p.bucket as string}\n`;
      verdicts.update(where);
      evidence.update(where);
      for (const e of entries) {
        verdicts.update(`${e.subject}|${e.verdict}\n`);
        evidence.update(`${e.subject}|${e.evidence}\n`);
      }
    }
  }
  return { findings, verdicts: verdicts.digest("hex"), evidence: evidence.digest("hex") };
}
