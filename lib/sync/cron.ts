// Five-field cron (minute hour day-of-month month day-of-week, UTC), as tenants.sync_schedule
// stores it: `*`, `a`, `a-b`, lists, and `/step` on any of them; day-of-week 0-7 (0 and 7 are
// Sunday). When both day fields are restricted, either may match (Vixie cron's rule).

interface Field {
  any: boolean;
  values: Set<number>;
}

const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseField(text: string, [lo, hi]: [number, number]): Field {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid cron field "${text}"`);
    const step = m[2] ? Number(m[2]) : 1;
    let a = lo;
    let b = hi;
    if (m[1] !== "*") {
      const [x, y] = m[1]!.split("-").map(Number);
      a = x!;
      b = y ?? (m[2] ? hi : x!);
    }
    if (step < 1 || a < lo || b > hi || a > b) throw new Error(`cron field "${text}" out of range ${lo}-${hi}`);
    for (let v = a; v <= b; v += step) values.add(v);
  }
  return { any: text === "*", values };
}

export interface Cron {
  matches(d: Date): boolean;
}

export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron needs 5 fields, got "${expr}"`);
  const [min, hour, dom, mon, dow] = parts.map((p, i) => parseField(p, RANGES[i]!)) as [
    Field,
    Field,
    Field,
    Field,
    Field,
  ];
  if (dow.values.has(7)) dow.values.add(0);
  return {
    matches(d: Date) {
      if (
        !min.values.has(d.getUTCMinutes()) ||
        !hour.values.has(d.getUTCHours()) ||
        !mon.values.has(d.getUTCMonth() + 1)
      )
        return false;
      const domOk = dom.values.has(d.getUTCDate());
      const dowOk = dow.values.has(d.getUTCDay());
      if (dom.any && dow.any) return true;
      if (dom.any) return dowOk;
      if (dow.any) return domOk;
      return domOk || dowOk;
    },
  };
}

/** The latest slot at or before `now` within `lookbackMinutes`, or null. */
export function lastSlot(expr: string, now: Date, lookbackMinutes = 60): Date | null {
  const cron = parseCron(expr);
  const t = new Date(now);
  t.setUTCSeconds(0, 0);
  for (let i = 0; i <= lookbackMinutes; i++) {
    const d = new Date(t.getTime() - i * 60_000);
    if (cron.matches(d)) return d;
  }
  return null;
}
