/**
 * Seed 004, `PATCH /api/v1/sessions/:sessionId`: complete a session (the default when
 * `endStudyTimestamp` is given), end it otherwise (`status: "cancelled"` or `"abandoned"`),
 * pause or resume it (`"paused"`, `"in_progress"`), or only change its notes.
 *
 * The request is decided from itself alone (which action, which session); the session's state
 * is FocusSession's to check in the write that changes it, and its refusals are answered in
 * the seed's words. Notes ride on the change they come with, so the answer shows them and a
 * PATCH is one action. A completion answers once the completion syncs
 * have evaluated the user's badges in the same flow: `{ session, newBadgesEarned, badgeCount }`,
 * or `badgeCheckFailed: true` with no badges when the evaluation failed.
 */
import { Badge } from "../../concepts/Badge/BadgeConcept.ts";
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Frame, type Frames, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { sessionBody, studyError } from "./answers.ts";
import { decideUpdate, type UpdateDecision } from "./requests.ts";
import { studySessionRoutes } from "./routes.ts";

const route = studySessionRoutes.update;

/** The decision for the request bound to `body`, `params`, `user` and (when the sync needs the zone it names) `header`. */
function decisions<F extends Frames>(
  frames: F,
  vars: { body: symbol; params: symbol; user: symbol; header?: symbol },
  kind: UpdateDecision["kind"] | UpdateDecision["kind"][],
  fields: Record<string, symbol>,
): F {
  const sessionIdOf = (frame: Frame) => (frame[vars.params] as Record<string, string>)["sessionId"];
  const headerOf = (frame: Frame) => (vars.header === undefined ? null : frame[vars.header]);
  return decided(frames, (frame) => decideUpdate(valueOf(frame, vars.body), sessionIdOf(frame), valueOf(frame, vars.user), headerOf(frame)), kind, fields);
}

export const RefuseStudySessionUpdate: Sync = ({ request, body, params, user, status, response }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const RefuseStudySessionUpdateWithoutId: Sync = ({ request }) => ({
  when: actions([Requesting.request, { route: studySessionRoutes.updateWithoutId }, { request }]),
  then: actions([Requesting.respond, { request, status: 400, body: { error: "sessionId is required" } }]),
});

/** A completion counts on the day its end falls on in the zone the request names (body `timeZone` or X-Time-Zone), else the session's, else the user's last known one. */
export const EndStudySession: Sync = ({ request, body, params, user, header, session, owner, status, endedAt, elapsedMs, notes, timeZone }) => ({
  when: actions([Requesting.request, { route, body, params, user, timeZone: header }, { request }]),
  where: (frames) => decisions(frames, { body, params, user, header }, ["complete", "end"], { session, owner, status, endedAt, elapsedMs, notes, timeZone }),
  then: actions([FocusSession.end, { session, user: owner, status, endedAt, elapsedMs, notes, timeZone }]),
});

export const PauseStudySession: Sync = ({ request, body, params, user, session, owner, elapsedMs, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "pause", { session, owner, elapsedMs, notes }),
  then: actions([FocusSession.pause, { session, user: owner, elapsedMs, notes }]),
});

export const ResumeStudySession: Sync = ({ request, body, params, user, session, owner, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "resume", { session, owner, notes }),
  then: actions([FocusSession.resume, { session, user: owner, notes }]),
});

export const UpdateStudySessionNotes: Sync = ({ request, body, params, user, session, owner, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "details", { session, owner, notes }),
  then: actions([FocusSession.update, { session, user: owner, notes }]),
});

export const AnswerCompletedStudySession: Sync = ({ request, view, user, newBadges, badgeCount, response }) => ({
  when: actions(
    [Requesting.request, { route }, { request }],
    [FocusSession.end, {}, { status: "completed", view, user }],
    [Badge.evaluate, { user }, { newBadges, badgeCount }],
  ),
  where: (frames) =>
    answerWithView(frames, view, response, sessionBody).bind(response, (frame) => ({
      ...(frame[response] as object),
      newBadgesEarned: frame[newBadges],
      badgeCount: frame[badgeCount],
    })),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerCompletedStudySessionWhenBadgeCheckFails: Sync = ({ request, view, user, error, badges, response }) => ({
  when: actions(
    [Requesting.request, { route }, { request }],
    [FocusSession.end, {}, { status: "completed", view, user }],
    [Badge.evaluate, { user }, { error }],
  ),
  where: async (frames) => {
    const held = await frames.queryAll(Badge._getUserBadges, { user }, badges);
    return answerWithView(held, view, response, sessionBody).bind(response, (frame) => ({
      ...(frame[response] as object),
      newBadgesEarned: [],
      badgeCount: (frame[badges] as unknown[]).length,
      badgeCheckFailed: true,
    }));
  },
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerEndedStudySession: Sync = ({ request, view, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.end, {}, { view, status }]),
  where: (frames) => answerWithView(frames.filter((frame) => frame[status] !== "completed"), view, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerPausedStudySession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.pause, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerResumedStudySession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.resume, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerStudySessionNotes: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.update, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

/** FocusSession's refusals (unknown or another user's session, already ended, ended before it started), in the seed's words. */
export const AnswerStudySessionEndFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.end, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStudySessionPauseFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.pause, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStudySessionResumeFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.resume, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStudySessionNotesFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.update, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
