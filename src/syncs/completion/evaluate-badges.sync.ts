/**
 * Once a completed session is in both the statistics and the streak (in the same flow), the
 * user's badges are evaluated on the figures as they now stand: completed sessions and total
 * focus time read from FocusStats, the current streak as Streak just answered it.
 */
import { Badge } from "../../concepts/Badge/BadgeConcept.ts";
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { Streak } from "../../concepts/Streak/StreakConcept.ts";
import { actions, type Sync } from "../../engine/index.ts";

export const CompletedSessionEvaluatesBadges: Sync = ({ session, user, currentStreak, completedSessions, totalFocusMs }) => ({
  when: actions(
    [FocusSession.end, {}, { status: "completed", session, user }],
    [FocusStats.recordSession, { focusSession: session }, {}],
    [Streak.recordActivity, { session }, { current: currentStreak }],
  ),
  where: (frames) => frames.query(FocusStats._getTotals, { user }, { sessionCount: completedSessions, totalFocusMs }),
  then: actions([Badge.evaluate, { user, completedSessions, totalFocusMs, currentStreak }]),
});
