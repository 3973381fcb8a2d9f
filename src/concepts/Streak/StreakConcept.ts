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
import { cut } from "../../utils/quote.ts";
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

/** Counts for one user that keep changing the streak under one call make it try again, this many times at most. */
const maxAttempts = 20;

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
    if (input.timeZone !== undefined && !isKnownTimeZone(input.timeZone)) return { error: `unknown time zone ${cut(input.timeZone)}` };
    const zone = input.timeZone ?? (await this.streaks.findOne({ _id: input.user }, { projection: { timeZone: 1 } }))?.timeZone ?? defaultTimeZone;
    const day = dayIn(input.at, zone);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      // Most activities fall on a day already counted: nothing changes but the latest
      // sessions. One plain conditional update, which also creates a user's first streak; for
      // a new day (or a session counted already) it finds the streak there and fails to
      // create a second one.
      const kept = await this.streaks
        .findOneAndUpdate(
          { _id: input.user, lastActiveDay: { $gte: day }, sessions: { $ne: input.session } },
          {
            $push: joinLatest(input.session),
            $setOnInsert: { current: 1, longest: 1, lastActiveDay: day, timeZone: zone, rev: 1 },
          },
          { upsert: true, returnDocument: "after", projection: { current: 1, longest: 1 } },
        )
        .catch((error: unknown) => {
          if (isDuplicateKeyError(error)) return null;
          throw error;
        });
      if (kept !== null) return { current: kept.current, longest: kept.longest };
      const streak = await this.streaks.findOne({ _id: input.user }, { projection: { current: 1, longest: 1, lastActiveDay: 1, sessions: 1 } });
      if (streak !== null && streak.sessions?.includes(input.session)) return { current: streak.current, longest: streak.longest };
      const counted = await this.countNewDay(input.user, streak, day, zone, input.session);
      if (counted !== undefined) return counted;
      // Another count for this user changed the streak between the read and the write: again.
    }
    throw new Error(`Streak.recordActivity ${input.user}: the streak kept changing under ${maxAttempts} attempts`);
  }

  /**
   * Counts a day after the last active one: one write, guarded by the last active day it was
   * decided on, so that concurrent counts for one user, from any number of processes, each
   * build on the last. Undefined when the guard no longer held.
   */
  private async countNewDay(user: string, streak: Pick<StreakDoc, "current" | "longest" | "lastActiveDay"> | null, day: CalendarDay, timeZone: string, session: string): Promise<OutputOf<Schemas["recordActivity"]> | undefined> {
    // Gone since the update found it (deleted by hand): the next attempt creates it.
    if (streak === null) return undefined;
    if (streak.lastActiveDay >= day) return undefined;
    const current = streak.lastActiveDay === addDays(day, -1) ? streak.current + 1 : 1;
    const longest = Math.max(streak.longest, current);
    const { modifiedCount } = await this.streaks.updateOne(
      { _id: user, lastActiveDay: streak.lastActiveDay, sessions: { $ne: session } },
      { $set: { current, longest, lastActiveDay: day, timeZone }, $inc: { rev: 1 }, $push: joinLatest(session) },
    );
    return modifiedCount === 1 ? { current, longest } : undefined;
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

/** The `$push` that adds a session to the latest counted, keeping `recentSessions` of them. */
function joinLatest(session: string) {
  return { sessions: { $each: [session], $slice: -recentSessions } };
}

export const Streak = conceptRef(StreakConcept);
