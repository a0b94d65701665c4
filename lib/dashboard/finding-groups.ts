// Findings grouped by cause: a thousand recovery points failing BK-05 because one rule keeps them
// 14 days are one problem, not a thousand. The cause is the finding's status and reason with the
// plan, rule, vault and job message its evidence names; groups come failures first, then by size.
import type { Evidence, ScoredStatus } from "@/lib/compliance/model/finding";

export interface Cause {
  status: ScoredStatus;
  reason: string;
  plan: string | null;
  rule: string | null;
  vault: string | null;
  message: string | null;
}

export interface FindingGroup<Row> {
  cause: Cause;
  count: number;
  /** The first few findings of the group, to open. */
  samples: Row[];
}

interface Groupable {
  status: ScoredStatus;
  reason: string;
  evidence?: readonly Evidence[];
}

const STATUS_ORDER: Record<ScoredStatus, number> = { FAIL: 0, ERROR: 1, EXCEPTED: 2, NOT_APPLICABLE: 3, PASS: 4 };

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The plan, rule, vault and job message an evidence list names (the first of each). */
export function causeOf(f: Groupable): Cause {
  const cause: Cause = { status: f.status, reason: f.reason, plan: null, rule: null, vault: null, message: null };
  for (const e of f.evidence ?? []) {
    const d = e.details ?? {};
    switch (e.kind) {
      case "plan":
        cause.plan ??= text(d.name) ?? e.id;
        break;
      case "rule":
        cause.plan ??= text(d.plan);
        cause.rule ??= text(d.rule);
        cause.vault ??= text(d.targetVault);
        break;
      case "selection":
        cause.plan ??= text(d.plan);
        break;
      case "vault":
        cause.vault ??= text(d.name) ?? e.id;
        break;
      case "recovery-point":
        cause.plan ??= text(d.plan);
        cause.rule ??= text(d.rule);
        cause.vault ??= text(d.vault);
        break;
      case "backup-job":
      case "copy-job":
      case "restore-job":
        cause.message ??= text(d.statusMessage);
        break;
    }
  }
  return cause;
}

export function groupByCause<Row extends Groupable>(rows: readonly Row[], samplesPerGroup = 5): FindingGroup<Row>[] {
  const groups = new Map<string, FindingGroup<Row>>();
  for (const row of rows) {
    const cause = causeOf(row);
    const key = JSON.stringify([cause.status, cause.reason, cause.plan, cause.rule, cause.vault, cause.message]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { cause, count: 0, samples: [] }));
    g.count++;
    if (g.samples.length < samplesPerGroup) g.samples.push(row);
  }
  return [...groups.values()].sort(
    (a, b) =>
      STATUS_ORDER[a.cause.status] - STATUS_ORDER[b.cause.status] ||
      b.count - a.count ||
      a.cause.reason.localeCompare(b.cause.reason),
  );
}
