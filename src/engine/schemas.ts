/**
 * Schema pieces every concept shares, so that ids, instants and time zones are validated
 * and documented the same way everywhere.
 */
import { z } from "zod";

/** An opaque identifier (the template's `ID`): a non-empty string of reasonable length. */
export const id = z.string().min(1).max(200);

/**
 * A point in time as clients send it: an ISO 8601 string, epoch milliseconds, or a Date
 * (from syncs). Always a Date once parsed.
 */
export const instant = z
  .union([
    z.date(),
    z.number().finite().int().min(0).max(8.64e15),
    // Epoch milliseconds that arrived as text (a query string, a form field).
    z.string().regex(/^\d{1,16}$/).transform(Number),
    z.iso.datetime({ offset: true, local: true }),
    z.iso.date(),
  ])
  .transform((value) => (value instanceof Date ? value : new Date(value)))
  .refine((date) => !Number.isNaN(date.getTime()), "must be a valid time");

/** An IANA time zone name such as "Europe/Paris"; calendar days are counted in it. */
export const timeZone = z.string().refine(isKnownTimeZone, "must be an IANA time zone name such as Europe/Paris");

/** Names found valid so far: a few hundred at most, so the cache stays small (unknown names are not kept). */
const knownTimeZones = new Set<string>();

export function isKnownTimeZone(name: string): boolean {
  if (knownTimeZones.has(name)) return true;
  try {
    // Building a formatter is the check, and it is costly (it was ~4% of a lifecycle's CPU time).
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    knownTimeZones.add(name);
    return true;
  } catch {
    return false;
  }
}

/** The empty success output of an action that has nothing to say. */
export const empty = z.object({});
