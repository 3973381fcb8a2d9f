/** Times as the seeds accept them: ISO 8601 strings or epoch milliseconds (numbers or digits). */
import type { CalendarDay } from "../../utils/calendar.ts";
import { instant, isPlausibleTime, plausibleTimeHint } from "../../utils/schemas.ts";

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** The time, or undefined when the value is not one. */
export function parseTime(value: unknown): Date | undefined {
  const parsed = instant.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * A range's bound as a client wrote it: a bare date (`to=2025-10-31`) is a calendar day,
 * the whole of it, in the user's zone (the syncs know the zone; see `zones.ts`); anything
 * else is a time. Bounds may lie anywhere, in the future too (CONTRACTS.md, HTTP).
 * Undefined when the value is neither.
 */
export function boundOf(value: unknown): Date | CalendarDay | undefined {
  if (typeof value === "string" && dateOnly.test(value)) return parseTime(value) === undefined ? undefined : value;
  return parseTime(value);
}

/**
 * What is wrong with a time a client supplied (as `parseTime` read it), in words that follow
 * its name; undefined when nothing is. Not a time at all: `hint`; a time before 2000-01-01 or
 * more than a day after the server's clock (CONTRACTS.md): the plausible range. A bare date
 * is judged by its start.
 */
export function timeProblem(time: Date | undefined, hint: string): string | undefined {
  if (time === undefined) return hint;
  return isPlausibleTime(time) ? undefined : plausibleTimeHint;
}

export function epochMs(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}
