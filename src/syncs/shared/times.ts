/** Times as the seeds accept them: ISO 8601 strings or epoch milliseconds (numbers or digits). */
import { instant, isPlausibleTime, plausibleTimeHint } from "../../utils/schemas.ts";

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 24 * 60 * 60 * 1000;

/** The time, or undefined when the value is not one. */
export function parseTime(value: unknown): Date | undefined {
  const parsed = instant.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * An inclusive upper bound: a bare date (`to=2025-10-31`) means the whole of that day (UTC),
 * as a person reading the seed's example expects; anything else is the instant itself.
 */
export function parseUpperBound(value: unknown): Date | undefined {
  const time = parseTime(value);
  if (time === undefined || typeof value !== "string" || !dateOnly.test(value)) return time;
  return new Date(time.getTime() + dayMs - 1);
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
