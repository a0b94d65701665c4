// schedule_expression. The syntax page points at EventBridge's "Cron expressions reference"
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html): six fields,
// minutes hours day-of-month month day-of-week year, and exactly one of the two day fields is "?".
// AWS Backup adds two rules of its own: the schedule is a CRON expression only (BackupRule.ScheduleExpression
// in the Backup API model; rate(...) is refused by the Backup API, hashicorp/terraform-provider-aws#8269),
// and jobs may not be closer than 60 minutes ("The interval between backup jobs shouldn't be less than
// 60 minutes"), so the minutes field must name exactly one minute of the hour.
import { MIN_BACKUP_INTERVAL_MINUTES } from "./limits";

export interface ScheduleProblem {
  reason: string;
  message: string;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  extras: "" | "dom" | "dow";
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
const FIELDS: readonly Field[] = [
  { name: "minutes", min: 0, max: 59, extras: "" },
  { name: "hours", min: 0, max: 23, extras: "" },
  { name: "day-of-month", min: 1, max: 31, extras: "dom" },
  { name: "month", min: 1, max: 12, names: MONTHS, extras: "" },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, extras: "dow" },
  { name: "year", min: 1970, max: 2199, extras: "" },
];

const invalid = (message: string): ScheduleProblem => ({ reason: "INVALID_SCHEDULE_EXPRESSION", message });

/** Why AWS Backup would refuse `expr` as a schedule_expression, or undefined when it is fine. */
export function checkScheduleExpression(expr: string): ScheduleProblem | undefined {
  const rate = /^rate\((.*)\)$/s.exec(expr);
  if (rate) {
    const bad = checkRate(rate[1] as string);
    if (bad) return invalid(`${expr} is not a valid rate expression: ${bad}`);
    return {
      reason: "UNSUPPORTED_SCHEDULE_EXPRESSION",
      message: `AWS Backup schedules take cron(...) expressions only, not ${expr}; write it as cron(...).`,
    };
  }
  const cron = /^cron\((.*)\)$/s.exec(expr);
  if (!cron)
    return invalid(
      `"${expr}" is not a schedule expression; AWS Backup takes cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 5 ? * * *).`,
    );
  const parts = (cron[1] as string).trim().split(/\s+/);
  if (parts.length !== 6)
    return invalid(
      `${expr} has ${parts.length} fields; a cron expression has six: minutes hours day-of-month month day-of-week year.`,
    );
  const values: Array<Set<number> | null> = [];
  for (const [i, field] of FIELDS.entries()) {
    const parsed = parseField(parts[i] as string, field);
    if (typeof parsed === "string") return invalid(`${expr}: ${field.name} "${parts[i]}" ${parsed}.`);
    values.push(parsed);
  }
  const [dom, dow] = [parts[2], parts[4]];
  if ((dom === "?") === (dow === "?")) {
    return invalid(
      `${expr}: exactly one of day-of-month and day-of-week must be "?" (a value or * in one needs ? in the other).`,
    );
  }
  const minutes = values[0];
  if (minutes && minutes.size !== 1) {
    return {
      reason: "SCHEDULE_TOO_FREQUENT",
      message: `${expr} runs ${minutes.size > 1 ? "several times" : "every minute"} an hour; AWS Backup needs at least ${MIN_BACKUP_INTERVAL_MINUTES} minutes between jobs, so the minutes field must be one minute (e.g. 0).`,
    };
  }
  return undefined;
}

/** EventBridge rate(value unit): a positive whole number, singular unit for 1 and plural otherwise. */
function checkRate(body: string): string | undefined {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) return "it must be rate(value unit) with unit minute(s), hour(s) or day(s)";
  const n = Number(m[1]);
  const unit = m[2] as string;
  if (n < 1) return "the value must be positive";
  if ((n === 1) !== !unit.endsWith("s"))
    return n === 1 ? `use "${unit.slice(0, -1)}" for a value of 1` : `use "${unit}s" for a value above 1`;
  return undefined;
}

/** The values the field selects (null when it cannot be enumerated: ?, L, W, #), or why it is invalid. */
function parseField(text: string, field: Field): Set<number> | null | string {
  if (text === "?") return field.extras === "" ? "can't be ? (only day-of-month and day-of-week can)" : null;
  if (field.extras === "dom" && (text === "L" || /^([1-9]|[12]\d|3[01])W$/.test(text))) return null;
  if (field.extras === "dow") {
    const hash = /^(\w+)#([1-5])$/.exec(text);
    if (hash) return value(hash[1] as string, field) === undefined ? "has an invalid day before #" : null;
    if (text.includes("#")) return "uses # wrongly (one day#n, n from 1 to 5, and nothing else)";
    if (text === "L" || /^[1-7]L$/.test(text)) return null;
  }
  const out = new Set<number>();
  for (const item of text.split(",")) {
    const bad = addItem(item, field, out);
    if (bad) return bad;
  }
  return out;
}

function addItem(item: string, field: Field, out: Set<number>): string | undefined {
  const [range, stepText, extra] = item.split("/");
  if (extra !== undefined || range === undefined || range === "") return `has an invalid item "${item}"`;
  let from = field.min;
  let to = field.max;
  if (range !== "*") {
    const [a, b, more] = range.split("-");
    const lo = value(a ?? "", field);
    const hi = b === undefined ? lo : value(b, field);
    if (more !== undefined || lo === undefined || hi === undefined)
      return `has an invalid value "${range}" (allowed ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ""})`;
    if (hi < lo) return `has a backwards range "${range}"`;
    from = lo;
    to = b === undefined && stepText !== undefined ? field.max : hi; // "5/15" means from 5 to the end, by 15
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1) return `has an invalid increment "/${stepText}"`;
    step = Number(stepText);
  }
  for (let v = from; v <= to; v += step) out.add(v);
  return undefined;
}

function value(text: string, field: Field): number | undefined {
  const index = field.names?.indexOf(text.toUpperCase() as never) ?? -1;
  if (index >= 0) return index + 1;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}
