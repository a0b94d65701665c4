import type { MuteSchedule } from "@/db/schema";

// Mute windows: on the listed local weekdays (0 = Sunday) from `from` to `to` ("HH:MM", local
// time in `timeZone`); a window whose `to` is not after `from` runs past midnight into the next
// day. A delivery that comes due inside a window is HELD (status "muted", next attempt at the
// window's end) and sent when it ends, so nothing is lost to a mute; the digest still lists it.

const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(at: Date, timeZone: string): { day: number; minute: number } {
  let f = formatters.get(timeZone);
  if (!f)
    formatters.set(
      timeZone,
      (f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        weekday: "short",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      })),
    );
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday!);
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls in the schedule's mute window. */
export function isMutedAt(mute: MuteSchedule | null | undefined, at: Date): boolean {
  if (!mute || mute.days.length === 0) return false;
  const { day, minute } = localParts(at, mute.timeZone);
  const from = minutesOf(mute.from);
  const to = minutesOf(mute.to);
  if (to > from) return mute.days.includes(day) && minute >= from && minute < to;
  // Past midnight: the evening of a listed day, or the early hours after one.
  return (mute.days.includes(day) && minute >= from) || (mute.days.includes((day + 6) % 7) && minute < to);
}

/** The first whole minute at or after `at` outside the window (`at` itself when not muted). */
export function muteEndsAt(mute: MuteSchedule | null | undefined, at: Date): Date {
  if (!isMutedAt(mute, at)) return at;
  let t = Math.ceil(at.getTime() / 60_000) * 60_000;
  // A week of minutes at most: every day muted all day would never end, so it ends after a week.
  for (let i = 0; i < 7 * 1440 && isMutedAt(mute, new Date(t)); i++) t += 60_000;
  return new Date(t);
}
