/**
 * The invariants every user's data must satisfy, checked through the database itself (each
 * concept's own collections), so a test can run them after a soak, a crash or a race:
 *
 * - FocusStats counts exactly the user's completed sessions: its records are their ids, each
 *   counted, with their lengths; the total is the sum of the lengths, the count their number;
 * - each session counts on one local day everywhere: FocusStats' day of it is the day it
 *   ended on in its own time zone (when it named one; else the user's last known zone
 *   decided, which only the record tells), and the Streak equals one recomputed from those
 *   days: the current run ending at the last day, the longest run;
 * - Badge awards are exactly the badges whose criteria the user's figures meet (a streak
 *   badge by the longest run, since it was earned when that run was current), none twice;
 * - at most one running (active or paused) session per user.
 */
import type { Db } from "mongodb";
import { daysBetween, dayIn } from "../../src/utils/calendar.ts";

interface SessionDoc {
  _id: string;
  user: string;
  status: string;
  elapsedMs: number;
  endedAt: Date | null;
  timeZone: string | null;
}
interface StatsDoc {
  user: string;
  totalFocusMs: number;
  sessionCount: number;
}
/** FocusStats' own copy of a session it counts. */
interface RecordDoc {
  _id: string;
  user: string;
  durationMs: number;
  day: string;
  /**
   * "adding": in the tallies once its day's markers hold its id (the day is written last);
   * "counted" (earlier versions): in the tallies; anything else: being removed.
   */
  tally?: string;
}
/** A user's day in FocusStats: the markers of the changes it counts. */
interface DayDoc {
  user: string;
  day: string;
  recent: string[];
}
interface StreakDoc {
  _id: string;
  current: number;
  longest: number;
  lastActiveDay: string;
}
interface AwardDoc {
  user: string;
  badge: string;
}
interface BadgeDoc {
  _id: string;
  criteria: { completedSessions?: number; totalFocusMs?: number; currentStreak?: number };
}

export interface InvariantReport {
  /** Users whose data was checked. */
  users: number;
  /** Completed sessions across all users. */
  completedSessions: number;
  /** One sentence per broken invariant; empty when all hold. */
  violations: string[];
}

export interface InvariantOptions {
  /** Session ids a client was told were completed (200): each must be counted. */
  acknowledgedCompletions?: Iterable<string>;
}

/** Checks every user found in any concept's collections. */
export async function checkInvariants(db: Db, options: InvariantOptions = {}): Promise<InvariantReport> {
  const [sessions, stats, streaks, awards, badges, recorded, days] = await Promise.all([
    db.collection<SessionDoc>("FocusSession.sessions").find().toArray(),
    db.collection<StatsDoc>("FocusStats.stats").find().toArray(),
    db.collection<StreakDoc>("Streak.streaks").find().toArray(),
    db.collection<AwardDoc>("Badge.awards").find().toArray(),
    db.collection<BadgeDoc>("Badge.definitions").find().toArray(),
    db.collection<RecordDoc>("FocusStats.sessions").find({}, { projection: { user: 1, durationMs: 1, day: 1, tally: 1 } }).toArray(),
    db.collection<DayDoc>("FocusStats.dailyProgress").find({}, { projection: { user: 1, day: 1, recent: 1 } }).toArray(),
  ]);
  const dayKey = ({ user, day }: { user: string; day: string }) => JSON.stringify([user, day]);
  const dayMarkers = new Map(days.map((doc) => [dayKey(doc), new Set(doc.recent)]));
  const counted = (record: RecordDoc): boolean =>
    record.tally === undefined || record.tally === "counted" || (record.tally === "adding" && (dayMarkers.get(dayKey(record))?.has(record._id) ?? false));
  const violations: string[] = [];
  const users = new Set([...sessions.map((s) => s.user), ...stats.map((s) => s.user), ...streaks.map((s) => s._id), ...awards.map((a) => a.user)]);
  const completed = sessions.filter((session) => session.status === "completed");
  const byUser = groupBy(completed, (session) => session.user);
  const statsByUser = new Map(stats.map((doc) => [doc.user, doc]));
  const streakByUser = new Map(streaks.map((doc) => [doc._id, doc]));
  const awardsByUser = groupBy(awards, (award) => award.user);
  const recordsByUser = groupBy(recorded, (record) => record.user);

  for (const user of users) {
    const mine = byUser.get(user) ?? [];
    const figures = checkStats(user, mine, statsByUser.get(user), violations);
    const records = recordsByUser.get(user) ?? [];
    checkRecords(user, mine, records, counted, violations);
    const longest = checkStreak(user, countedDays(user, mine, records, violations), streakByUser.get(user), violations);
    checkBadges(user, { ...figures, longestStreak: longest }, awardsByUser.get(user) ?? [], badges, violations);
    const running = sessions.filter((session) => session.user === user && (session.status === "active" || session.status === "paused"));
    if (running.length > 1) violations.push(`${user}: ${running.length} running sessions`);
  }

  const completedIds = new Set(completed.map((session) => session._id));
  for (const record of recorded) {
    if (!completedIds.has(record._id)) violations.push(`${record.user}: FocusStats recorded ${record._id}, which is not a completed session`);
  }
  const countedIds = new Set(recorded.filter(counted).map((record) => record._id));
  for (const session of options.acknowledgedCompletions ?? []) {
    if (!countedIds.has(session)) violations.push(`acknowledged completion ${session} is not counted in any stats`);
  }
  return { users: users.size, completedSessions: completed.length, violations };
}

function checkStats(user: string, completed: SessionDoc[], stats: StatsDoc | undefined, violations: string[]): { count: number; total: number } {
  const total = completed.reduce((sum, session) => sum + session.elapsedMs, 0);
  const count = completed.length;
  if (stats === undefined) {
    if (count > 0) violations.push(`${user}: ${count} completed sessions but no stats`);
    return { count, total };
  }
  if (stats.sessionCount !== count) violations.push(`${user}: stats count ${stats.sessionCount}, completed sessions ${count}`);
  if (stats.totalFocusMs !== total) violations.push(`${user}: stats total ${stats.totalFocusMs} ms, completed sessions sum to ${total} ms`);
  return { count, total };
}

/** FocusStats' records of the user: one per completed session, fully counted, with its length. */
function checkRecords(user: string, completed: SessionDoc[], records: RecordDoc[], counted: (record: RecordDoc) => boolean, violations: string[]): void {
  const byId = new Map(records.map((record) => [record._id, record]));
  for (const session of completed) {
    const record = byId.get(session._id);
    if (record === undefined) violations.push(`${user}: completed session ${session._id} has no FocusStats record`);
    else if (record.durationMs !== session.elapsedMs) violations.push(`${user}: session ${session._id} recorded as ${record.durationMs} ms, ran ${session.elapsedMs} ms`);
  }
  for (const record of records) {
    if (!counted(record)) violations.push(`${user}: FocusStats record ${record._id} left "${record.tally}", not counted in full`);
  }
}

/**
 * The days the user's completed sessions count on, as FocusStats recorded them; a session that
 * named its zone must count on its end's day there. (A session without a record is reported
 * by `checkRecords`; its UTC day stands in for it here.)
 */
function countedDays(user: string, completed: SessionDoc[], records: RecordDoc[], violations: string[]): string[] {
  const dayOf = new Map(records.map((record) => [record._id, record.day]));
  const days = completed
    .filter((session) => session.endedAt !== null)
    .map((session) => {
      const recorded = dayOf.get(session._id);
      const own = dayIn(session.endedAt!, session.timeZone ?? "UTC");
      if (recorded !== undefined && session.timeZone !== null && recorded !== own) {
        violations.push(`${user}: session ${session._id} counts on ${recorded}, but ended on ${own} in its zone ${session.timeZone}`);
      }
      return recorded ?? own;
    });
  return [...new Set(days)].sort();
}

/** Compares the stored streak with the runs of consecutive days; returns the recomputed longest run. */
function checkStreak(user: string, days: readonly string[], streak: StreakDoc | undefined, violations: string[]): number {
  let current = 0;
  let longest = 0;
  days.forEach((day, index) => {
    current = index > 0 && daysBetween(days[index - 1]!, day) === 1 ? current + 1 : 1;
    longest = Math.max(longest, current);
  });
  if (streak === undefined) {
    if (days.length > 0) violations.push(`${user}: completed sessions on ${days.length} days but no streak`);
    return longest;
  }
  const expected = { current, longest, lastActiveDay: days.at(-1) };
  const stored = { current: streak.current, longest: streak.longest, lastActiveDay: streak.lastActiveDay };
  if (JSON.stringify(stored) !== JSON.stringify(expected)) {
    violations.push(`${user}: streak ${JSON.stringify(stored)}, recomputed ${JSON.stringify(expected)}`);
  }
  return longest;
}

function checkBadges(
  user: string,
  figures: { count: number; total: number; longestStreak: number },
  awards: AwardDoc[],
  badges: BadgeDoc[],
  violations: string[],
): void {
  const held = awards.map((award) => award.badge);
  if (new Set(held).size !== held.length) violations.push(`${user}: a badge is awarded twice`);
  for (const badge of badges) {
    const { criteria } = badge;
    const met =
      (criteria.completedSessions === undefined || figures.count >= criteria.completedSessions) &&
      (criteria.totalFocusMs === undefined || figures.total >= criteria.totalFocusMs) &&
      (criteria.currentStreak === undefined || figures.longestStreak >= criteria.currentStreak);
    const has = held.includes(badge._id);
    if (has && !met) violations.push(`${user}: holds ${badge._id} without meeting its criteria`);
    if (!has && met) violations.push(`${user}: meets ${badge._id} but does not hold it`);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}
