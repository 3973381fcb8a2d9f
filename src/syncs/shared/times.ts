/** Times as the seeds accept them: ISO 8601 strings or epoch milliseconds (numbers or digits). */
import { instant } from "../../engine/schemas.ts";

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

export function epochMs(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}
