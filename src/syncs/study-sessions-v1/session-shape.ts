/**
 * Seed 004's Session, from a FocusSession view. Statuses: a running session (active or
 * paused) is `in_progress`, the seed's word; ended ones keep their name.
 */
import { z } from "zod";
import type { SessionView } from "../shared/sessions.ts";
import { epochMs } from "../shared/times.ts";

/** Seed 004's Session (response shape), the one declaration of it: docs and types derive from it. */
export const studySession = z.object({
  id: z.string(),
  userId: z.string(),
  subject: z.string(),
  status: z.string().describe('"in_progress" while running (active or paused), else "completed", "abandoned" or "cancelled"'),
  startTimestamp: z.number().describe("epoch ms"),
  endStudyTimestamp: z.number().nullable().describe("epoch ms; null while running"),
  targetDurationMillis: z.number().nullable(),
  sessionLength: z.number().nullable().describe("actual duration in ms; null while running"),
  notes: z.string().nullable(),
  createdAt: z.string().describe("ISO 8601"),
  updatedAt: z.string().describe("ISO 8601"),
});
export type StudySession = z.infer<typeof studySession>;

/** The seed's status names for FocusSession's. */
const toStudyStatus: Readonly<Record<SessionView["status"], StudyStatus>> = {
  active: "in_progress",
  paused: "in_progress",
  completed: "completed",
  abandoned: "abandoned",
  cancelled: "cancelled",
};

/** The statuses sessions show and filters take. */
export const studyStatuses = ["in_progress", "completed", "abandoned", "cancelled"] as const;
export type StudyStatus = (typeof studyStatuses)[number];

export function isStudyStatus(value: unknown): value is StudyStatus {
  return (studyStatuses as readonly unknown[]).includes(value);
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
