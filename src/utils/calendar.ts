/**
 * Calendar days in a person's time zone: the unit streaks and daily progress count in.
 * A day is written "YYYY-MM-DD" so that it sorts, compares and indexes as a plain string.
 */
import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";
import { z } from "zod";

dayjs.extend(utc);
dayjs.extend(timezone);

/** A calendar day such as "2026-02-18". */
export const calendarDay = z.iso.date();
export type CalendarDay = string;

/** The time zone assumed when a person has not told us theirs. */
export const defaultTimeZone = "UTC";

/** One formatter per time zone: building one is costly, and dayjs' `tz()` builds one per call. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day that `at` falls on for someone living in `timeZone` (an IANA name). */
export function dayIn(at: Date, timeZone: string = defaultTimeZone): CalendarDay {
  // UTC, the usual zone, is the ISO string's date (when its year has four digits): no Intl call.
  if (timeZone === "UTC") {
    const iso = at.toISOString();
    if (iso.length === 24) return iso.slice(0, 10) as CalendarDay;
  }
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, format); // only names Intl accepted get here, so the map stays small
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return `${String(parts.year).padStart(4, "0")}-${parts.month}-${parts.day}`;
}

/** Whole days from `from` to `to` (positive when `to` is later), ignoring time zones. */
export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  return dayjs.utc(to).diff(dayjs.utc(from), "day");
}

/** The day `count` days after `day` (before it when negative). */
export function addDays(day: CalendarDay, count: number): CalendarDay {
  return dayjs.utc(day).add(count, "day").format("YYYY-MM-DD");
}

const hourMs = 60 * 60 * 1000;
/** Every zone's offset lies within this many hours of UTC (Kiritimati +14, Baker Island -12). */
const widestOffsetHours = 15;

/**
 * The first instant of `day` for someone living in `timeZone`: midnight there, or the first
 * moment of the day when a clock change skips midnight. Found by bisection over the instants
 * that can be that day's start, asking `dayIn` alone, so it agrees with it by construction.
 */
export function startOfDayIn(day: CalendarDay, timeZone: string = defaultTimeZone): Date {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  if (timeZone === "UTC") return new Date(utcMidnight);
  // Invariant: the day at `before` is earlier than `day`, the day at `after` is not.
  let before = utcMidnight - widestOffsetHours * hourMs;
  let after = utcMidnight + widestOffsetHours * hourMs;
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (dayIn(new Date(middle), timeZone) < day) before = middle;
    else after = middle;
  }
  return new Date(after);
}

/** The last instant (to the millisecond) of `day` in `timeZone`: an inclusive upper bound that takes the whole day. */
export function endOfDayIn(day: CalendarDay, timeZone: string = defaultTimeZone): Date {
  return new Date(startOfDayIn(addDays(day, 1), timeZone).getTime() - 1);
}
