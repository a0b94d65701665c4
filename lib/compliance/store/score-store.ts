// Scores of one evaluation: tenant-wide rows per template and requirement ("" = the framework),
// the per-account/OU/region slices as one compressed blob per template (a thousand accounts make
// ~20k slice scores per evaluation; rows would be ~2 MB a day), and the daily roll-up row.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Queryable } from "@/lib/compliance/load/load-snapshot";
import type { SliceScore, StatusCounts, TemplateScore } from "@/lib/compliance/scoring/score";

export interface ScoreSlices {
  byAccount: Record<string, SliceScore>;
  byOu: Record<string, SliceScore>;
  byRegion: Record<string, SliceScore>;
}

export const encodeSlices = (s: ScoreSlices) => deflateRawSync(Buffer.from(JSON.stringify(s)), { level: 6 });
export const decodeSlices = (b: Buffer) => JSON.parse(inflateRawSync(b).toString("utf8")) as ScoreSlices;

interface Row {
  slug: string;
  req: string;
  status: string;
  score: number | null;
  c: StatusCounts;
}

export async function storeScores(
  db: Queryable,
  p: { tenantId: string; evaluationId: number; evaluatedAt: Date; scores: TemplateScore[] },
): Promise<void> {
  const rows: Row[] = [];
  for (const s of p.scores) {
    const total: StatusCounts = { PASS: 0, FAIL: 0, NOT_APPLICABLE: 0, ERROR: 0, EXCEPTED: 0 };
    for (const r of s.requirements) {
      rows.push({ slug: s.templateId, req: r.id, status: r.status, score: r.score, c: r.counts });
      for (const k of Object.keys(total) as Array<keyof StatusCounts>) total[k] += r.counts[k];
    }
    const status =
      s.score === null ? "NOT_APPLICABLE" : s.requirementsPassing === s.requirementsApplicable ? "PASS" : "FAIL";
    rows.push({ slug: s.templateId, req: "", status, score: s.score, c: total });
  }
  if (rows.length === 0) return;
  const cols = [
    rows.map((r) => r.slug),
    rows.map((r) => r.req),
    rows.map((r) => r.status),
    rows.map((r) => r.score),
    ...(["PASS", "FAIL", "NOT_APPLICABLE", "ERROR", "EXCEPTED"] as const).map((k) => rows.map((r) => r.c[k])),
  ];
  const unnest = `unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[]) as u(slug, req, status, score, p, f, n, e, x)`;
  await db.query(
    `insert into compliance_scores (evaluation_id, tenant_id, template_slug, requirement_id, status, score, pass, fail, not_applicable, error, excepted)
     select $1, $2, u.slug, u.req, u.status, u.score, u.p, u.f, u.n, u.e, u.x from ${unnest}`,
    [p.evaluationId, p.tenantId, ...cols],
  );
  // The day's roll-up keeps the day's last evaluation.
  await db.query(
    `insert into compliance_score_days (tenant_id, template_slug, requirement_id, day, evaluation_id, status, score, pass, fail, not_applicable, error, excepted)
     select $2, u.slug, u.req, ($12::timestamptz at time zone 'UTC')::date, $1, u.status, u.score, u.p, u.f, u.n, u.e, u.x from ${unnest}
     on conflict (tenant_id, template_slug, requirement_id, day) do update set evaluation_id = excluded.evaluation_id, status = excluded.status,
        score = excluded.score, pass = excluded.pass, fail = excluded.fail, not_applicable = excluded.not_applicable, error = excluded.error, excepted = excluded.excepted
      where excluded.evaluation_id >= compliance_score_days.evaluation_id`,
    [p.evaluationId, p.tenantId, ...cols, p.evaluatedAt],
  );
  await db.query(
    `insert into compliance_score_slices (evaluation_id, tenant_id, template_slug, slices) select $1, $2, u.slug, u.b from unnest($3::text[], $4::bytea[]) as u(slug, b)`,
    [
      p.evaluationId,
      p.tenantId,
      p.scores.map((s) => s.templateId),
      p.scores.map((s) => encodeSlices({ byAccount: s.byAccount, byOu: s.byOu, byRegion: s.byRegion })),
    ],
  );
}
