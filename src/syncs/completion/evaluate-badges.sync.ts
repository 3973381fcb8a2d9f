/**
 * Once a completed session is in both the statistics and the streak (in the same flow), the
 * user's badges are evaluated on the figures as they now stand: completed sessions and total
 * focus time as FocusStats answered them (its totals once this session counted), the current
 * streak as Streak answered it. Both come from the actions' answers, so evaluating costs no
 * query of its own.
 */
import { Badge } from "../../concepts/Badge/BadgeConcept.ts";
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { Streak } from "../../concepts/Streak/StreakConcept.ts";
import { actions, type Sync } from "../../engine/index.ts";

export const CompletedSessionEvaluatesBadges: Sync = ({ session, user, currentStreak, completedSessions, totalFocusMs }) => ({
  when: actions(
    [FocusSession.end, {}, { status: "completed", session, user }],
    [FocusStats.recordSession, { focusSession: session }, { sessionCount: completedSessions, totalFocusMs }],
    [Streak.recordActivity, { session }, { longest: currentStreak }],
  ),
  then: actions([Badge.evaluate, { user, completedSessions, totalFocusMs, currentStreak }]),
});
