/**
 * Where the user is, as the syncs learn it. A request names a zone in its body (`timeZone`,
 * where the seed's body has room for it) or in the `X-Time-Zone` header (the bridge passes
 * it on canonical, or null); a request naming none, and a session that was never told one,
 * take the user's last known zone: the zone of their latest activity, which Streak keeps.
 * No concept asks another: these helpers, called from where-clauses, do the asking.
 */
import { Streak } from "../../concepts/Streak/StreakConcept.ts";
import type { Frames } from "../../engine/index.ts";
import { endOfDayIn, startOfDayIn, type CalendarDay } from "../../utils/calendar.ts";
import { canonicalTimeZone } from "../../utils/time-zones.ts";

export type NamedZone = { zone: string | undefined } | { problem: string };

/**
 * The zone a request names, canonical: its body's `timeZone` (when given), else the header's
 * (already canonical, or null); `zone` is undefined when it names none.
 */
export function namedZone(body: Readonly<Record<string, unknown>>, header: unknown): NamedZone {
  const field = body["timeZone"];
  if (field === undefined || field === null) return { zone: typeof header === "string" ? header : undefined };
  if (typeof field !== "string") return { problem: "timeZone must be a string" };
  const canonical = canonicalTimeZone(field);
  return "zone" in canonical ? canonical : { problem: `timeZone ${canonical.problem}` };
}

/**
 * Binds `zone` to the zone bound to `named` when there is one, else to the user's last known
 * zone (Streak's), else undefined: each concept's default (UTC) applies then. Only frames
 * without a zone cost a query.
 */
export async function withUsersZone<F extends Frames>(frames: F, { user, named, zone }: { user: symbol; named: symbol; zone: symbol }): Promise<F> {
  const last = Symbol("last known zone");
  const unnamed = await frames
    .filter((frame) => typeof frame[named] !== "string")
    .queryOrDefault(Streak._getTimeZone, { user }, { timeZone: last }, { timeZone: null });
  const all = frames.filter((frame) => typeof frame[named] === "string").bind(zone, (frame) => frame[named] as string | undefined);
  all.push(...unnamed.bind(zone, (frame) => (frame[last] as string | null) ?? undefined));
  return all;
}

/**
 * A range's bound as a time: a calendar day (a bare date in the query) is its first instant
 * (`from`) or its last (`to`) in `zone`, UTC when none is known; a time is itself.
 */
export function boundInstant(bound: Date | CalendarDay | undefined, edge: "from" | "to", zone: string | undefined): Date | undefined {
  if (typeof bound !== "string") return bound;
  return edge === "from" ? startOfDayIn(bound, zone) : endOfDayIn(bound, zone);
}

/**
 * Binds `endedAfter` and `endedBefore` to the range bound to `from` and `to` as times: a
 * bare date is a whole day in the zone the request names (bound to `named`), else the
 * user's last known zone, else UTC. Only a request with a bare date asks for the user's zone.
 */
export async function withEndedBetween<F extends Frames>(
  frames: F,
  { user, named, from, to, endedAfter, endedBefore }: { user: symbol; named: symbol; from: symbol; to: symbol; endedAfter: symbol; endedBefore: symbol },
): Promise<F> {
  const zone = Symbol("zone");
  const hasDay = (frame: Readonly<Record<symbol, unknown>>) => typeof frame[from] === "string" || typeof frame[to] === "string";
  const all = frames.filter((frame) => !hasDay(frame));
  all.push(...(await withUsersZone(frames.filter(hasDay), { user, named, zone })));
  return all.extend((frame) => ({
    [endedAfter]: boundInstant(frame[from] as Date | CalendarDay | undefined, "from", frame[zone] as string | undefined),
    [endedBefore]: boundInstant(frame[to] as Date | CalendarDay | undefined, "to", frame[zone] as string | undefined),
  }));
}
