import type { Document } from "mongodb";
import { z } from "zod";
import { addDays, calendarDay, dayIn, defaultTimeZone, type CalendarDay } from "../../utils/calendar.ts";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { isDuplicateKeyError } from "../../utils/mongo-errors.ts";
import { conceptRef } from "../../engine/refs.ts";
import { id, instant, isKnownTimeZone, timeZone } from "../../utils/schemas.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";

const counts = z.object({ current: z.number().int().nonnegative(), longest: z.number().int().nonnegative() });

export const StreakSchemas = {
  recordActivity: action({
    input: z.object({ user: id, at: instant, timeZone: timeZone.optional(), session: id }),
    output: counts,
    syncOnly: true,
    description: "Counts the calendar day of an activity (in the user's time zone) towards the user's streak, once per session.",
  }),
  _getStreak: query({
    input: z.object({ user: id }),
    output: counts.extend({ user: id, lastActiveDay: calendarDay.nullable() }),
    description: "The user's current and longest streak; current is 0 once a whole day has passed without activity.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof StreakSchemas;

interface StreakDoc {
  /** The user. */
  _id: string;
  current: number;
  longest: number;
  lastActiveDay: CalendarDay;
  /** The time zone of the latest activity: "today" for the user is judged in it. */
  timeZone: string;
  /** The latest sessions counted (at most `recentSessions`), so that a repeat of one changes nothing. */
  sessions: string[];
  /**
   * Bumped on every change. Nothing here reads it any more; it is kept so that a writer that
   * guards on it (an older version of this concept sharing the database) never overwrites a
   * change it did not see.
   */
  rev: number;
}

/** How many of the latest sessions a streak remembers (see `sessions`). */
export const recentSessions = 100;

/**
 * concept Streak [User, Session]
 * purpose   keep people coming back by counting consecutive active days
 * principle after activity on days d, d+1 and d+2 (calendar days in the user's time zone)
 *           the current streak is 3; more activity on d+2 leaves it at 3; after a day with
 *           no activity it reads 0, and the next activity starts it again at 1, while the
 *           longest streak stays 3
 */
export class StreakConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "Streak";
  static readonly schemas = StreakSchemas;

  private readonly streaks = this.collection<StreakDoc>("streaks");

  /** Nothing to prepare: streaks are found by `_id` (the user) alone. */
  protected async prepare(): Promise<void> {}

  /** recordActivity (user, at, timeZone?, session): (current, longest)
   *  requires timeZone (default: the user's last one, else UTC) is an IANA name
   *  effects  unless session is among the user's latest sessions counted: on the same
   *           calendar day as the last active day nothing changes; on the next day current
   *           grows by 1; after a longer gap current is back to 1; a day before the last
   *           active day changes nothing; longest is the largest current ever */
  async recordActivity(input: InputOf<Schemas["recordActivity"]>): Promise<OutputOf<Schemas["recordActivity"]> | ErrorOutput> {
    if (input.timeZone !== undefined && !isKnownTimeZone(input.timeZone)) return { error: `unknown time zone ${input.timeZone}` };
    const zone = input.timeZone ?? (await this.streaks.findOne({ _id: input.user }, { projection: { timeZone: 1 } }))?.timeZone ?? defaultTimeZone;
    // One command: the server decides (see `countDay`) on the document as it finds it and
    // writes in the same atomic step, so concurrent counts for one user, from any number of
    // processes, each build on the last, and a repeat (same session) changes nothing.
    const streak = await upserting(() =>
      this.streaks.findOneAndUpdate({ _id: input.user }, countDay(dayIn(input.at, zone), zone, input.session), {
        upsert: true,
        returnDocument: "after",
        projection: { current: 1, longest: 1 },
      }),
    );
    if (streak === null) throw new Error(`Streak.streaks ${input.user}: an upsert answered no document`);
    return { current: streak.current, longest: streak.longest };
  }

  /** _getStreak (user): (user, current, longest, lastActiveDay)
   *  -- current reads 0 once the last active day is before yesterday (in the user's time
   *  zone, by the clock); a user with no activity has 0, 0 and lastActiveDay null */
  async _getStreak({ user }: InputOf<Schemas["_getStreak"]>): Promise<OutputOf<Schemas["_getStreak"]>[]> {
    const streak = await this.streaks.findOne({ _id: user });
    if (streak === null) return [{ user, current: 0, longest: 0, lastActiveDay: null }];
    const yesterday = addDays(dayIn(this.clock.now(), streak.timeZone), -1);
    const current = streak.lastActiveDay < yesterday ? 0 : streak.current;
    return [{ user, current, longest: streak.longest, lastActiveDay: streak.lastActiveDay }];
  }
}

/**
 * The update that counts `day` (in `timeZone`) for `session` on a user's streak, as a pipeline
 * the server runs on the stored document (on an upsert, on `{ _id }` alone):
 *   session among the latest counted: nothing changes
 *   no streak yet, or a day after lastActiveDay + 1: current = 1
 *   day = lastActiveDay + 1: current + 1
 *   day <= lastActiveDay (already counted, or an older day arriving late): current unchanged
 * and longest = max(longest, current); the session joins the latest counted. Days are
 * "YYYY-MM-DD", so comparing them as strings compares the days; "" (no streak yet) comes
 * before every day.
 */
function countDay(day: CalendarDay, timeZone: string, session: string): Document[] {
  const counted = { $ifNull: ["$sessions", []] };
  const fresh = { $not: [{ $in: [{ $literal: session }, counted] }] };
  const last = { $ifNull: ["$lastActiveDay", ""] };
  const later = { $and: [fresh, { $lt: [last, { $literal: day }] }] };
  const whenLater = (then: unknown, otherwise: unknown) => ({ $cond: [later, then, otherwise] });
  const next = { $cond: [{ $eq: [last, { $literal: addDays(day, -1) }] }, { $add: ["$current", 1] }, 1] };
  return [
    {
      $set: {
        current: whenLater(next, "$current"),
        lastActiveDay: whenLater({ $literal: day }, "$lastActiveDay"),
        timeZone: whenLater({ $literal: timeZone }, "$timeZone"),
        rev: whenLater({ $add: [{ $ifNull: ["$rev", 0] }, 1] }, "$rev"),
        sessions: { $cond: [fresh, { $slice: [{ $concatArrays: [counted, [{ $literal: session }]] }, -recentSessions] }, "$sessions"] },
      },
    },
    { $set: { longest: { $max: [{ $ifNull: ["$longest", 0] }, "$current"] } } },
  ];
}

/**
 * Runs an upsert by `_id`, once more if it lost a race to create the document: mongod may
 * refuse the second of two concurrent upserts with a duplicate key, and then the document
 * exists for the retry to find.
 */
async function upserting<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return upsert();
  }
}

export const Streak = conceptRef(StreakConcept);
