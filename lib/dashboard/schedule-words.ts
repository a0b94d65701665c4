import { analyseSchedule } from "@/lib/compliance/schedule/schedule-interval";
import { formatDuration } from "@/lib/format";
import { clock } from "@/lib/clock";

// Backup rule schedules in words, as a compliance officer reads them ("Daily at 05:00 UTC"), with
// the worst-case gap the frequency control uses. Uncommon shapes fall back to the expression.

const DAY_NAMES: Record<string, string> = {
  SUN: "Sunday",
  MON: "Monday",
  TUE: "Tuesday",
  WED: "Wednesday",
  THU: "Thursday",
  FRI: "Friday",
  SAT: "Saturday",
};
const DAY_NUMBERS = ["", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const pad = (n: string) => n.padStart(2, "0");

function dayWord(dow: string): string | null {
  const upper = dow.toUpperCase();
  if (upper === "MON-FRI" || upper === "2-6") return "Weekdays";
  if (upper === "SAT,SUN" || upper === "SUN,SAT" || upper === "1,7" || upper === "7,1") return "Weekends";
  const single = /^\d$/.test(upper) ? DAY_NUMBERS[Number(upper)] : upper;
  if (single && DAY_NAMES[single]) return `Every ${DAY_NAMES[single]}`;
  return null;
}

function cronWords(fields: string[], tz: string): string | null {
  const [min, hour, dom, month, dow, year] = fields;
  if (!min || !hour || !dom || !month || !dow || year === undefined) return null;
  if (month !== "*" || (year !== "*" && year !== "")) return null;
  if (!/^\d+$/.test(min)) return null;
  const everyHours = /^(?:\*|0)\/(\d+)$/.exec(hour);
  const fromHours = /^(\d+)\/(\d+)$/.exec(hour);
  const at = /^\d+$/.test(hour) ? `at ${pad(hour)}:${pad(min)} ${tz}` : null;
  if ((dom === "?" || dom === "*") && (dow === "*" || dow === "?")) {
    if (hour === "*") return `Hourly at :${pad(min)}`;
    if (everyHours) return `Every ${everyHours[1]} hours at :${pad(min)}`;
    if (fromHours) return `Every ${fromHours[2]} hours from ${pad(fromHours[1]!)}:${pad(min)} ${tz}`;
    if (/^\d+(,\d+)+$/.test(hour))
      return `Daily at ${hour
        .split(",")
        .map((h) => `${pad(h)}:${pad(min)}`)
        .join(", ")} ${tz}`;
    if (at) return `Daily ${at}`;
  }
  if (dom === "?" && at) {
    const days = dayWord(dow);
    if (days) return `${days} ${at}`;
    const nth = /^(\w+)#(\d)$/.exec(dow);
    if (nth) {
      const name = DAY_NAMES[(/^\d$/.test(nth[1]!) ? DAY_NUMBERS[Number(nth[1])] : nth[1]!.toUpperCase()) ?? ""];
      if (name)
        return `The ${["", "first", "second", "third", "fourth", "fifth"][Number(nth[2])]} ${name} of each month ${at}`;
    }
  }
  if (dow === "?" && at) {
    if (dom === "L") return `Last day of each month ${at}`;
    if (/^\d+$/.test(dom)) return `Monthly on day ${dom} ${at}`;
  }
  return null;
}

export function scheduleInWords(
  expression: string | null,
  timezone: string | null,
  continuous: boolean,
  now = clock.now(),
): { words: string; worstCase: string | null } {
  const analysis = analyseSchedule(expression, timezone, continuous, now);
  const worstCase =
    analysis.ok && analysis.kind !== "continuous" && Number.isFinite(analysis.worstCaseMinutes)
      ? formatDuration(analysis.worstCaseMinutes * 60_000)
      : null;
  if (continuous && !expression) return { words: "Continuous (point-in-time recovery)", worstCase: null };
  if (!expression) return { words: "No schedule", worstCase: null };
  const tz = timezone && timezone !== "Etc/UTC" && timezone !== "UTC" ? timezone : "UTC";
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i.exec(expression.trim());
  let words: string | null = null;
  if (rate)
    words = `Every ${rate[1] === "1" ? "" : `${rate[1]} `}${rate[2]!.toLowerCase().replace(/s$/, "")}${rate[1] === "1" ? "" : "s"}`;
  const cron = /^cron\((.*)\)$/s.exec(expression.trim());
  if (cron) words = cronWords(cron[1]!.trim().split(/\s+/), tz);
  const base = words ?? expression;
  return { words: continuous ? `${base} + continuous` : base, worstCase: analysis.ok ? worstCase : null };
}
