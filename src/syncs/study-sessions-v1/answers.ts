/** Seed 004's answers: `{ session }` bodies, and concept failures in the seed's own words. */
import type { ErrorReason } from "../../engine/index.ts";
import { statusForReason } from "../../concepts/Requesting/status.ts";
import type { SessionView } from "../shared/sessions.ts";
import { toStudySession } from "./session-shape.ts";

export function sessionBody(view: SessionView): { session: ReturnType<typeof toStudySession> } {
  return { session: toStudySession(view) };
}

/**
 * FocusSession's refusals in the seed's words. Another user's session reads as a missing one
 * ("Session not found"), as everywhere in this dialect; an ended session is "Session already
 * ended (<status>)"; an end before the start names the seed's field.
 */
export function studyError(error: string, reason: ErrorReason | undefined): { status: number; body: { error: string } } {
  if (reason === "not_found" || reason === "forbidden") return { status: 404, body: { error: "Session not found" } };
  const ended = /^session has already ended \((\w+)\)$/.exec(error);
  if (ended !== null) return { status: 409, body: { error: `Session already ended (${ended[1]})` } };
  if (error === "endedAt is before the session started") return { status: 400, body: { error: "endStudyTimestamp is before the session started" } };
  // The session's length, in the seed's name for it.
  if (error.startsWith("elapsedMs ")) return { status: 400, body: { error: `sessionLengthMillis ${error.slice("elapsedMs ".length)}` } };
  return { status: statusForReason(reason), body: { error } };
}
