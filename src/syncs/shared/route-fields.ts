/**
 * Field schemas the dialects' route declarations share, each refusing with the words the
 * dialect's own decisions use, so a request is refused the same way whether the bridge or
 * a sync catches it.
 */
import { z } from "zod";
import { idHint, idMaxLength } from "../../utils/schemas.ts";
import { canonicalTimeZone } from "../../utils/time-zones.ts";

/** An id (user, session, quest) in a path, body or query: 1 to 200 characters. */
export function idField(name: string, description: string) {
  const hint = `${name} ${idHint}`;
  return z.string({ error: hint }).min(1, hint).max(idMaxLength, hint).describe(description);
}

/** A time a client supplies: an ISO 8601 string or epoch milliseconds (judged plausible by the decisions). */
export function timeField(name: string, description: string) {
  return z.union([z.string(), z.number()], { error: `${name} must be an ISO 8601 time or epoch milliseconds` }).describe(description);
}

/** Which day a completed session counts on, said the same way on every dialect's page. */
export const countingDay =
  "A completed session counts (in statistics, daily progress and the streak) on the calendar day its end falls on in the user's time zone: " +
  "the zone the request names (a timeZone field where the body takes one, or the X-Time-Zone header), else the zone the session started with, " +
  "else the user's last known zone (that of their latest completion), else UTC. Zones are IANA names (any case; stored canonical); abbreviations such as EST are refused. " +
  "A time without an offset is UTC.";

/** Where the user is: an IANA time zone name, in any case; refused (with a hint) when it is none, or an abbreviation. */
export function timeZoneField(description: string) {
  return z
    .string({ error: "timeZone must be a string" })
    .superRefine((name, context) => {
      const canonical = canonicalTimeZone(name);
      if ("problem" in canonical) context.addIssue({ code: "custom", message: `timeZone ${canonical.problem}` });
    })
    .describe(description);
}

/** A query parameter holding a whole number within bounds (query values arrive as text). */
export function countQuery(message: string, { min, max }: { min: number; max?: number }, description: string) {
  const number = z.coerce.number({ error: message }).int(message).min(min, message);
  return (max === undefined ? number : number.max(max, message)).describe(description);
}

/** One of a few words, refused with `message` otherwise. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, message: string, description: string) {
  return z.enum(values, { error: message }).describe(description);
}

/** The `{ error }` body of a refusal, as seeds 001 and 004 write it. */
export const errorBody = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof errorBody>;

export function errorAnswer(error: string): ErrorBody {
  return { error };
}
