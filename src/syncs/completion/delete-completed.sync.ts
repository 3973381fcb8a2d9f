/**
 * Removal is one story, whichever side a client starts it from: deleting a completed
 * session (seed 001's DELETE, or `FocusSession/delete`) takes it out of the statistics, and
 * removing it from the statistics (seed 000's `FocusStats/removeSession`, which
 * "permanently deletes" the record) deletes the session itself, so no dialect lists a
 * session the seed 004 summary no longer counts. Streaks and badges already earned stay: a
 * day was active and a milestone was reached, whatever happens to the record afterwards.
 *
 * The two cannot chase each other: a removal deletes the session only while it still exists,
 * so a delete that removed the statistics is not followed by a second delete (whose
 * not_found a dialect would answer as the request's failure); and a removal that finds its
 * record already gone answers not_found, which neither sync matches.
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { actions, type Sync } from "../../engine/index.ts";

export const DeletedCompletedSessionLeavesStats: Sync<{ session: string }> = ({ session }) => ({
  when: actions([FocusSession.delete, {}, { session, status: "completed" }]),
  then: actions([FocusStats.removeSession, { focusSession: session }]),
});

/**
 * No user on the delete: `removeSession` has already refused anyone but the session's owner
 * (or the service), and its success is the permission.
 */
export const RemovedSessionIsDeleted: Sync<{ session: string }> = ({ session }) => ({
  when: actions([FocusStats.removeSession, { focusSession: session }, {}]),
  where: (frames) => frames.query(FocusSession._getSession, { session }, { session }),
  then: actions([FocusSession.delete, { session }]),
});
