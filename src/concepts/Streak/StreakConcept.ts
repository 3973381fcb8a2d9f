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
import { id, instant, timeZone } from "../../utils/schemas.ts";
import { canonicalZoneOrUndefined, timeZoneHint } from "../../utils/time-zones.ts";
import { lengthOf, longestOf, runsOfCounts, withDay, type Run } from "./runs.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";

const counts = z.object({ current: z.number().int().nonnegative(), longest: z.number().int().nonnegative() });

export const StreakSchemas = {
  recordActivity: action({
    input: z.object({ user: id, at: instant, timeZone: timeZone.optional(), session: id }),
    output: counts,
    syncOnly: true,
    description:
      "Counts the calendar day of an activity (in the user's time zone) towards the user's streak, once per session; a late activity counts on its own day.",
  }),
  _getStreak: query({
    input: z.object({ user: id }),
    output: counts.extend({ user: id, lastActiveDay: calendarDay.nullable() }),
    description: "The user's current and longest streak; current is 0 once a whole day has passed without activity.",
  }),
  _getTimeZone: query({
    input: z.object({ user: id }),
    output: z.object({ user: id, timeZone: z.string().nullable() }),
    description: "The time zone of the user's latest activity (their last known zone); null when they have none.",
    // Every completion whose session names no zone asks it: concurrent ones read together (_getTimeZoneMany).
    many: true,
  }),
} satisfies ConceptSchemas;

type Schemas = typeof StreakSchemas;

interface StreakDoc {
  /** The user. */
  _id: string;
  /** The length of the latest run of active days. */
  current: number;
  longest: number;
  /** The latest active day: where the latest run ends. */
  lastActiveDay: CalendarDay;
  /**
   * The active days, as runs of consecutive days, earliest first (see `runs.ts`). Streaks
   * written before this have none: their current run stands for them (`runsOfCounts`).
   */
  runs?: Run[];
  /** The time zone of the latest activity (by its time): "today" for the user is judged in it. */
  timeZone: string;
  /** The time of the latest activity; absent in streaks written before it was kept. */
  latestAt?: Date;
  /** The latest sessions counted (at most `recentSessions`), so that a repeat of one changes nothing. */
  sessions: string[];
  /** Bumped on every change: the read-decide-write of a new day is guarded by it. */
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
 *           longest streak stays 3; an activity on d+1 logged late, after one on d+2, counts
 *           on d+1 as if it had arrived in order
 */
export class StreakConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "Streak";
  static readonly schemas = StreakSchemas;

  private readonly streaks = this.collection<StreakDoc>("streaks");

  /** Nothing to prepare: streaks are found by `_id` (the user) alone. */
  protected async prepare(): Promise<void> {}

  /** recordActivity (user, at, timeZone?, session): (current, longest)
   *  requires timeZone (default: the user's last one, else UTC) is an IANA name
   *  effects  unless session is among the user's latest sessions counted: the calendar day
   *           of at in timeZone joins the user's active days; current is the length of the
   *           latest run of consecutive active days, longest the longest run ever; the
   *           streak's time zone becomes timeZone when at is the latest activity */
  async recordActivity(input: InputOf<Schemas["recordActivity"]>): Promise<OutputOf<Schemas["recordActivity"]> | ErrorOutput> {
    let named: string | undefined;
    if (input.timeZone !== undefined) {
      named = canonicalZoneOrUndefined(input.timeZone);
      if (named === undefined) return { error: `unknown time zone: timeZone ${timeZoneHint}` };
    }
    const zone = named ?? (await this.lastTimeZone(input.user)) ?? defaultTimeZone;
    const day = dayIn(input.at, zone);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      // Most activities fall on a day already counted, and are the latest in the zone the
      // streak has: nothing changes but the latest sessions and time. One plain conditional
      // update, which also creates a user's first streak; otherwise (a new day, a late one,
      // a new zone, a session counted already) it finds the streak there and fails to
      // create a second one.
      const kept = await this.streaks
        .findOneAndUpdate(
          {
            _id: input.user,
            sessions: { $ne: input.session },
            runs: { $elemMatch: { from: { $lte: day }, to: { $gte: day } } },
            // At a tie the one counted last is the latest, as countDay judges: it takes the zone.
            $or: [{ timeZone: zone }, { latestAt: { $gt: input.at } }],
          },
          {
            $push: joinLatest(input.session),
            $max: { latestAt: input.at },
            $inc: { rev: 1 },
            $setOnInsert: { current: 1, longest: 1, lastActiveDay: day, runs: [{ from: day, to: day }], timeZone: zone },
          },
          { upsert: true, returnDocument: "after", projection: { current: 1, longest: 1 } },
        )
        .catch((error: unknown) => {
          if (isDuplicateKeyError(error)) return null;
          throw error;
        });
      if (kept !== null) return { current: kept.current, longest: kept.longest };
      const streak = await this.streaks.findOne({ _id: input.user });
      if (streak !== null && streak.sessions?.includes(input.session)) return { current: streak.current, longest: streak.longest };
      const counted = await this.countDay(streak, { ...input, day, timeZone: zone });
      if (counted !== undefined) return counted;
      // Another count for this user changed the streak between the read and the write: again.
    }
    throw new Error(`Streak.recordActivity ${input.user}: the streak kept changing under ${maxAttempts} attempts`);
  }

  /**
   * Adds a day to the active days (a new one, or a late one) and moves the zone to the
   * latest activity's: one write, guarded by the revision it was decided on, so that
   * concurrent counts for one user, from any number of processes, each build on the last.
   * Undefined when the guard no longer held.
   */
  private async countDay(
    streak: StreakDoc | null,
    activity: { user: string; session: string; at: Date; day: CalendarDay; timeZone: string },
  ): Promise<OutputOf<Schemas["recordActivity"]> | undefined> {
    // Gone since the update found it (deleted by hand): the next attempt creates it.
    if (streak === null) return undefined;
    const runs = withDay(streak.runs ?? runsOfCounts(streak.lastActiveDay, streak.current), activity.day);
    const latestRun = runs.at(-1)!;
    const current = lengthOf(latestRun);
    const longest = Math.max(streak.longest, longestOf(runs));
    const isLatest = streak.latestAt === undefined ? activity.day >= streak.lastActiveDay : activity.at >= streak.latestAt;
    const { modifiedCount } = await this.streaks.updateOne(
      { _id: activity.user, rev: streak.rev, sessions: { $ne: activity.session } },
      {
        $set: { current, longest, lastActiveDay: latestRun.to, runs, ...(isLatest && { timeZone: activity.timeZone, latestAt: activity.at }) },
        $inc: { rev: 1 },
        $push: joinLatest(activity.session),
      },
    );
    return modifiedCount === 1 ? { current, longest } : undefined;
  }

  private async lastTimeZone(user: string): Promise<string | undefined> {
    return (await this.streaks.findOne({ _id: user }, { projection: { timeZone: 1 } }))?.timeZone;
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

  /** _getTimeZone (user): (user, timeZone)
   *  -- the time zone of the user's latest activity; null when they have none */
  async _getTimeZone({ user }: InputOf<Schemas["_getTimeZone"]>): Promise<OutputOf<Schemas["_getTimeZone"]>[]> {
    return [{ user, timeZone: (await this.lastTimeZone(user)) ?? null }];
  }

  /** _getTimeZone of many users at once, in order (the engine asks one turn's reads together): one read */
  async _getTimeZoneMany(inputs: readonly InputOf<Schemas["_getTimeZone"]>[]): Promise<OutputOf<Schemas["_getTimeZone"]>[][]> {
    const users = [...new Set(inputs.map(({ user }) => user))];
    const found = await this.streaks.find({ _id: { $in: users } }, { projection: { timeZone: 1 } }).toArray();
    const zones = new Map(found.map(({ _id, timeZone }) => [_id, timeZone]));
    return inputs.map(({ user }) => [{ user, timeZone: zones.get(user) ?? null }]);
  }
}

/** The `$push` that adds a session to the latest counted, keeping `recentSessions` of them. */
function joinLatest(session: string) {
  return { sessions: { $each: [session], $slice: -recentSessions } };
}

export const Streak = conceptRef(StreakConcept);
