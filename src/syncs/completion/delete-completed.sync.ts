/**
 * Deleting a completed session (seed 001's DELETE, or any dialect's) takes it out of the
 * statistics again. Streaks and badges already earned stay: a day was active and a
 * milestone was reached, whatever happens to the record afterwards.
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { actions, type Sync } from "../../engine/index.ts";

export const DeletedCompletedSessionLeavesStats: Sync = ({ session }) => ({
  when: actions([FocusSession.delete, {}, { session, status: "completed" }]),
  then: actions([FocusStats.removeSession, { focusSession: session }]),
});
