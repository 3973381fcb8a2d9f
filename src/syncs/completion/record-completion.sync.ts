/**
 * A completed focus session counts: in the user's statistics (totals and the daily progress
 * of the day it ended, in its time zone) and in their streak (the calendar day it ended).
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

export const CompletedSessionCountsInStatsAndStreak: Sync = ({ session, user, startedAt, endedAt, elapsedMs, timeZone, document }) => ({
  when: actions([FocusSession.end, {}, { status: "completed", session, user, startedAt, endedAt, elapsedMs, timeZone, document }]),
  then: actions(
    [FocusStats.recordSession, { focusSession: session, user, startTime: startedAt, endTime: endedAt, durationMs: elapsedMs, timeZone, document }],
    [Streak.recordActivity, { user, at: endedAt, timeZone, session }],
  ),
});
