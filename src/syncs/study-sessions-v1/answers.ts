/** Seed 004's answers: `{ session }` bodies, and concept failures in the seed's own words. */
import type { ErrorReason } from "../../engine/index.ts";
import { statusForReason } from "../../concepts/Requesting/status.ts";
import type { SessionView } from "../shared/sessions.ts";
import { toStudySession } from "./session-shape.ts";

export function sessionBody(view: SessionView): { session: ReturnType<typeof toStudySession> } {
  return { session: toStudySession(view) };
}

/** Another user's session reads as a missing one ("Session not found"), as everywhere in this dialect. */
export function studyError(error: string, reason: ErrorReason | undefined): { status: number; body: { error: string } } {
  if (reason === "not_found" || reason === "forbidden") return { status: 404, body: { error: "Session not found" } };
  return { status: statusForReason(reason), body: { error } };
}
