/**
 * A completed focus session counts: in the user's statistics (totals and the daily progress
 * of the day it ended) and in their streak (the calendar day it ended), both in the same
 * zone, so the session counts on the same local day everywhere: the session's own zone when
 * the user named one, else the user's last known zone (see `shared/zones.ts`), else UTC.
 * Abandoned and cancelled sessions do not match, so they change nothing.
 *
 * One sync with both actions, not two syncs: the engine persists a firing's then-actions
 * together before running any, so a crash while recording the statistics still leaves the
 * streak's action pending, and a restarted engine finishes both. Both concepts count a
 * session once, so an action resumed after it had in fact run changes nothing.
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { Streak } from "../../concepts/Streak/StreakConcept.ts";
import { actions, type Sync } from "../../engine/index.ts";
import { withUsersZone } from "../shared/zones.ts";

export const CompletedSessionCountsInStatsAndStreak: Sync = ({ session, user, startedAt, endedAt, elapsedMs, timeZone, zone, document }) => ({
  when: actions([FocusSession.end, {}, { status: "completed", session, user, startedAt, endedAt, elapsedMs, timeZone, document }]),
  where: (frames) => withUsersZone(frames, { user, named: timeZone, zone }),
  // Run again after a crash, it finds the same zone: the session's own, or the user's last
  // known one, which recordActivity leaves as it was (it records the zone found here).
  whereIsReplayable: true,
  then: actions(
    [FocusStats.recordSession, { focusSession: session, user, startTime: startedAt, endTime: endedAt, durationMs: elapsedMs, timeZone: zone, document }],
    [Streak.recordActivity, { user, at: endedAt, timeZone: zone, session }],
  ),
});
