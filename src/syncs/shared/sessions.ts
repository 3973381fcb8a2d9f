/** Reading FocusSession from a where-clause, for the dialects that answer with a session. */
import { FocusSession, type SessionView } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import type { Frames } from "../../engine/index.ts";

/** Binds `views` to every session of the user bound to `user` that matches the filters bound to the other variables. */
export function withSessionList<F extends Frames>(
  frames: F,
  filters: { user: symbol; status?: symbol; subject?: symbol; questId?: symbol; endedAfter?: symbol; endedBefore?: symbol; limit?: symbol },
  views: symbol,
): Promise<F> {
  return frames.queryAll(FocusSession._listSessions, filters, views);
}

export function isRunning(view: Pick<SessionView, "status">): boolean {
  return view.status === "active" || view.status === "paused";
}

export type { SessionView };
