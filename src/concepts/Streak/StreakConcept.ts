import { z } from "zod";
import { addDays, calendarDay, dayIn, daysBetween, defaultTimeZone, type CalendarDay } from "../../engine/calendar.ts";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { guardedWrite, type Revisioned } from "../../engine/guarded-write.ts";
import { insertOnce } from "../../engine/mongo-errors.ts";
import { conceptRef } from "../../engine/refs.ts";
import { id, instant, isKnownTimeZone, timeZone } from "../../engine/schemas.ts";
import { StoredConcept } from "../../engine/stored-concept.ts";

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

interface StreakDoc extends Revisioned {
  /** The user. */
  _id: string;
  current: number;
  longest: number;
  lastActiveDay: CalendarDay;
  /** The time zone of the latest activity: "today" for the user is judged in it. */
  timeZone: string;
}

/** Each session counted, so that recording one session twice changes nothing. */
interface Activity {
  /** The session. */
  _id: string;
  user: string;
  day: CalendarDay;
  timeZone: string;
}

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
  private readonly activities = this.collection<Activity>("activities");

  protected async prepare(): Promise<void> {
    await this.activities.createIndex({ user: 1, day: 1 }, { name: "by_user_day" });
  }

  /** recordActivity (user, at, timeZone?, session): (current, longest)
   *  requires timeZone (default: the user's last one, else UTC) is an IANA name; session was
   *           not recorded for another user (conflict)
   *  effects  unless session was counted before: on the same calendar day as the last active
   *           day nothing changes; on the next day current grows by 1; after a longer gap
   *           current is back to 1; a day before the last active day changes nothing;
   *           longest is the largest current ever */
  async recordActivity(input: InputOf<Schemas["recordActivity"]>): Promise<OutputOf<Schemas["recordActivity"]> | ErrorOutput> {
    if (input.timeZone !== undefined && !isKnownTimeZone(input.timeZone)) return { error: `unknown time zone ${input.timeZone}` };
    await this.ensureIndexes();
    const activity = await this.countedActivity(input);
    if (activity.user !== input.user) return { error: "session was recorded for another user", reason: "conflict" };
    // Counting a day is idempotent (a day already counted changes nothing), so this is safe to redo.
    return guardedWrite<StreakDoc, OutputOf<Schemas["recordActivity"]>>(this.streaks, input.user, (streak) => {
      const next = afterActivity(streak, activity);
      return { result: { current: next.current, longest: next.longest }, ...(next !== streak && { next }) };
    });
  }

  /** _getStreak (user): (user, current, longest, lastActiveDay)
   *  -- current reads 0 once the last active day is before yesterday (in the user's time
   *  zone, by the clock); a user with no activity has 0, 0 and lastActiveDay null */
  async _getStreak({ user }: InputOf<Schemas["_getStreak"]>): Promise<OutputOf<Schemas["_getStreak"]>[]> {
    await this.ensureIndexes();
    const streak = await this.streaks.findOne({ _id: user });
    if (streak === null) return [{ user, current: 0, longest: 0, lastActiveDay: null }];
    const yesterday = addDays(dayIn(this.clock.now(), streak.timeZone), -1);
    const current = streak.lastActiveDay < yesterday ? 0 : streak.current;
    return [{ user, current, longest: streak.longest, lastActiveDay: streak.lastActiveDay }];
  }

  /** The session's activity as first recorded (a repeat with another time counts the first one). */
  private async countedActivity(input: InputOf<Schemas["recordActivity"]>): Promise<Activity> {
    const zone = input.timeZone ?? (await this.streaks.findOne({ _id: input.user }, { projection: { timeZone: 1 } }))?.timeZone;
    const activity: Activity = {
      _id: input.session,
      user: input.user,
      day: dayIn(input.at, zone ?? defaultTimeZone),
      timeZone: zone ?? defaultTimeZone,
    };
    return (await insertOnce(this.activities, activity)).stored ?? activity;
  }
}

/** The streak once `activity`'s day is counted; the same object when nothing changes. */
function afterActivity(streak: StreakDoc | null, activity: Activity): StreakDoc | Omit<StreakDoc, "rev"> {
  const start = {
    _id: activity.user,
    current: 1,
    longest: Math.max(1, streak?.longest ?? 0),
    lastActiveDay: activity.day,
    timeZone: activity.timeZone,
  };
  if (streak === null) return start;
  const gap = daysBetween(streak.lastActiveDay, activity.day);
  if (gap <= 0) return streak; // the same day, or an earlier one: already counted
  if (gap > 1) return start;
  const current = streak.current + 1;
  return { ...start, current, longest: Math.max(streak.longest, current) };
}

export const Streak = conceptRef(StreakConcept);
