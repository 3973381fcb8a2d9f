/**
 * Seed 001, `PATCH /focus-sessions/:id` with status completed (setting `completed_at`, and
 * counted by the completion syncs) or cancelled; `DELETE /focus-sessions/:id` (a completed
 * session also leaves the statistics, by the completion syncs).
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { decideDelete, decideUpdate } from "./requests.ts";
import { questSessionRoutes } from "./routes.ts";
import { questError, toQuestSession } from "./session-shape.ts";

const { update, delete: remove } = questSessionRoutes;

/** A completion counts on the day its end falls on in the zone the request names (body `timeZone` or X-Time-Zone), else the session's, else the user's last known one. */
export const EndQuestSession: Sync = ({ request, body, params, user, header, owner, session, status, timeZone }) => ({
  when: actions([Requesting.request, { route: update, body, params, user, timeZone: header }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideUpdate(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user), valueOf(frame, header)), "end", {
      user: owner,
      session,
      status,
      timeZone,
    }),
  then: actions([FocusSession.end, { session, user: owner, status, timeZone }]),
});

export const RefuseQuestSessionUpdate: Sync = ({ request, body, params, user, status, response }) => ({
  when: actions([Requesting.request, { route: update, body, params, user }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideUpdate(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerEndedQuestSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route: update }, { request }], [FocusSession.end, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, toQuestSession),
  then: actions([Requesting.respond, { request, body: response }]),
});

export const AnswerQuestSessionUpdateFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route: update }, { request }], [FocusSession.end, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, questError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const DeleteQuestSession: Sync = ({ request, params, user, owner, session }) => ({
  when: actions([Requesting.request, { route: remove, params, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideDelete(valueOf(frame, params), valueOf(frame, user)), "delete", { user: owner, session }),
  then: actions([FocusSession.delete, { session, user: owner }]),
});

export const RefuseQuestSessionDelete: Sync = ({ request, params, user, status, response }) => ({
  when: actions([Requesting.request, { route: remove, params, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideDelete(valueOf(frame, params), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerDeletedQuestSession: Sync = ({ request, session }) => ({
  when: actions([Requesting.request, { route: remove }, { request }], [FocusSession.delete, {}, { session }]),
  then: actions([Requesting.respond, { request, body: { id: session, deleted: true } }]),
});

export const AnswerQuestSessionDeleteFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route: remove }, { request }], [FocusSession.delete, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, questError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
