/** Seed 001's session object, from a FocusSession view; `{ error }` bodies for failures. */
import { z } from "zod";
import type { ErrorReason } from "../../engine/index.ts";
import { statusForReason } from "../../concepts/Requesting/status.ts";
import type { SessionView } from "../shared/sessions.ts";

/** Seed 001's session object, the one declaration of it: docs and types derive from it. */
export const questSession = z.object({
  id: z.string(),
  quest_id: z.string().nullable().describe("the quest the session counts toward, if any"),
  description: z.string().nullable(),
  duration_minutes: z.number().nullable().describe("target duration"),
  status: z.string().describe('"active", "completed" or "cancelled" (also "paused", "abandoned" for sessions other dialects changed)'),
  started_at: z.string().describe("ISO 8601"),
  completed_at: z.string().nullable().describe("ISO 8601; null unless completed"),
});
export type QuestSession = z.infer<typeof questSession>;

const minuteMs = 60_000;

export function toQuestSession(view: SessionView): QuestSession {
  return {
    id: view.session,
    quest_id: view.questId,
    // Sessions started by seed 004 have a subject instead of a description.
    description: view.description ?? view.subject,
    duration_minutes: view.targetDurationMs === null ? null : Math.round(view.targetDurationMs / minuteMs),
    status: view.status,
    started_at: view.startedAt.toISOString(),
    // The seed sets completed_at only when a session is completed.
    completed_at: view.status === "completed" && view.endedAt !== null ? view.endedAt.toISOString() : null,
  };
}

/** Another user's session answers 403, as CONTRACTS.md says; an unknown one 404. */
export function questError(error: string, reason: ErrorReason | undefined): { status: number; body: { error: string } } {
  return { status: statusForReason(reason), body: { error } };
}
