/**
 * Schema pieces every concept shares, so that ids, instants and time zones are validated
 * and documented the same way everywhere.
 */
import { z } from "zod";
import { canonicalTimeZone } from "./time-zones.ts";
import type { ID as IDType } from "./types.ts";

/** The one length limit of ids, for every concept and every route (issue 10). */
export const idMaxLength = 200;

/** An opaque identifier (the template's `ID`): a non-empty string of reasonable length. */
export const id = z.string().min(1).max(idMaxLength);

/**
 * `id`, inferring the template's branded `ID` (`@utils/types.ts`): for schemas added to a
 * course concept whose methods take `ID`s, which a plain string would not satisfy. (The
 * project's own concepts keep `id`, inferring `string`, so callers pass plain strings.)
 */
export const ID = id as unknown as z.ZodType<IDType, string>;

/** Whether a value a client sent can be an id: what `id` accepts. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= idMaxLength;
}

/** How a refused id is described to a client. */
export const idHint = `must be 1 to ${idMaxLength} characters`;

/**
 * A point in time as clients send it: an ISO 8601 string, epoch milliseconds, or a Date
 * (from syncs). Always a Date once parsed. A time without an offset
 * ("2026-02-01T10:00:00") is UTC, as a bare date is, never the zone of the server's host.
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
  .transform((value) => (value instanceof Date ? value : new Date(typeof value === "string" ? withOffset(value) : value)))
  .refine((date) => !Number.isNaN(date.getTime()), "must be a valid time");

/**
 * Times a client supplies must be plausible (CONTRACTS.md, HTTP): from 2000-01-01T00:00:00Z
 * to a day after the server's clock. A far-future end (8.64e15, year 275760) would otherwise
 * become a user's last active day for good, and freeze their streak.
 */
export const earliestPlausibleMs = Date.UTC(2000, 0, 1);
export const plausibleFutureMs = 24 * 60 * 60 * 1000;
export const plausibleTimeHint = "must be from 2000-01-01T00:00:00Z to a day after the server's clock";

let plausibilityClock: () => number = Date.now;

/** Replaces the clock plausibility is judged by (tests); no argument restores the real one. */
export function setPlausibilityClock(now?: () => number): void {
  plausibilityClock = now ?? Date.now;
}

/** Whether a time a client supplied is plausible now (or at `nowMs`). */
export function isPlausibleTime(time: Date, nowMs: number = plausibilityClock()): boolean {
  const ms = time.getTime();
  return ms >= earliestPlausibleMs && ms <= nowMs + plausibleFutureMs;
}

/**
 * The longest a session from `start` to `end` can have run: the time between them, plus the
 * day a client's clock may be ahead of the server's (`plausibleFutureMs`), since a length is
 * often measured on the client's clock while the start is the server's. A length beyond is
 * refused: unbounded, two lengths of 1e308 ms made a user's totals infinite for good.
 */
export function longestRunMs(start: Date, end: Date): number {
  return Math.max(0, end.getTime() - start.getTime()) + plausibleFutureMs;
}

/** How a length beyond `longestRunMs` is described to a client, after the field's name. */
export const runLengthHint = "is longer than the session could have lasted (the time from its start to its end, and a day)";

/**
 * The bound of a question about time (`from`, `to`, `endedBefore`): an `instant` that may lie
 * anywhere, so that "this month" can be asked for on its first day (CONTRACTS.md, HTTP). Its
 * own schema object, so that the concept routes, which judge every `instant` a client
 * supplies for plausibility, leave bounds alone.
 */
export const rangeBound = instant.describe("A time (ISO 8601 or epoch ms); a bound of a range, so it may lie in the future");

/** `instant`, refused unless plausible: for inputs that only a client supplies. */
export const plausibleInstant = instant.refine((date) => isPlausibleTime(date), plausibleTimeHint);

/**
 * An IANA time zone name such as "Europe/Paris"; calendar days are counted in it. Parsed to
 * its canonical spelling (`america/new_york` is America/New_York); abbreviations such as EST
 * are refused with a hint (see `time-zones.ts`).
 */
export const timeZone = z.string().transform((name, context) => {
  const canonical = canonicalTimeZone(name);
  if ("zone" in canonical) return canonical.zone;
  context.addIssue({ code: "custom", message: canonical.problem });
  return z.NEVER;
});

/** A date and time with no offset after its time of day. */
const timeWithoutOffset = /T[\d:.,]+$/;

/** An ISO date-time without an offset read as UTC (`Date` would read it in the host's zone). */
function withOffset(text: string): string {
  return timeWithoutOffset.test(text) ? `${text}Z` : text;
}

/** The empty success output of an action that has nothing to say. */
export const empty = z.object({});
