/**
 * Seed 004's Session, from a FocusSession view. Statuses: a running session is
 * `in_progress` (or `paused`, when another dialect paused it); ended ones keep their name.
 */
import type { SessionView } from "../shared/sessions.ts";
import { epochMs } from "../shared/times.ts";

export interface StudySession {
  id: string;
  userId: string;
  subject: string;
  status: string;
  startTimestamp: number;
  endStudyTimestamp: number | null;
  targetDurationMillis: number | null;
  sessionLength: number | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The seed's status names for FocusSession's, and back (for filters and updates). */
const toStudyStatus: Readonly<Record<SessionView["status"], string>> = {
  active: "in_progress",
  paused: "paused",
  completed: "completed",
  abandoned: "abandoned",
  cancelled: "cancelled",
};
export const studyStatuses = Object.values(toStudyStatus);

export function sessionStatusOf(studyStatus: string): SessionView["status"] | undefined {
  return (Object.keys(toStudyStatus) as SessionView["status"][]).find((status) => toStudyStatus[status] === studyStatus);
}

export function toStudySession(view: SessionView): StudySession {
  return {
    id: view.session,
    userId: view.user,
    // Sessions started by seed 001 have a description instead of a subject.
    subject: view.subject ?? view.description ?? "",
    status: toStudyStatus[view.status],
    startTimestamp: view.startedAt.getTime(),
    endStudyTimestamp: epochMs(view.endedAt),
    targetDurationMillis: view.targetDurationMs,
    // The time recorded at the end: sessionLengthMillis when the client sent it, else the
    // time the session ran (end minus start, less any paused stretch).
    sessionLength: view.endedAt === null ? null : view.elapsedMs,
    notes: view.notes,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
}
