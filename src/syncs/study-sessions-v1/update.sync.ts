/**
 * Seed 004, `PATCH /api/v1/sessions/:sessionId`: complete a session (the default when
 * `endStudyTimestamp` is given), end it otherwise (`status: "cancelled"` or `"abandoned"`),
 * pause or resume it (`"paused"`, `"in_progress"`), or only change its notes.
 *
 * The request is checked against the session as it stands before anything changes; notes
 * are saved first, so the answer shows them. A completion answers once the completion syncs
 * have evaluated the user's badges in the same flow: `{ session, newBadgesEarned, badgeCount }`,
 * or `badgeCheckFailed: true` with no badges when the evaluation failed.
 */
import { Badge } from "../../concepts/Badge/BadgeConcept.ts";
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Frame, type Frames, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithSession } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { withSessionView, type SessionView } from "../shared/sessions.ts";
import { sessionBody, studyError } from "./answers.ts";
import { decideUpdate, planUpdate, type UpdateDecision } from "./requests.ts";
import { studySessionRoutes } from "./routes.ts";

const route = studySessionRoutes.update;

/**
 * The session as each request found it, read once per request: every sync below decides on
 * that one reading. Were each to read for itself, a sync deciding after another request (or
 * this one) changed the session would see a different session, and a request could be
 * answered twice or not at all. Keyed by the request's `params` object, which every sync of
 * the request binds by reference; forgotten with the request.
 */
const sessionAsRequested = new WeakMap<object, Promise<SessionView | null>>();

/** Binds `view` to the session the request names, as it stood when the request was first decided. */
async function withRequestedSession<F extends Frames>(frames: F, params: symbol, view: symbol): Promise<F> {
  const sessionId = Symbol("sessionId");
  const unread = frames.filter((frame) => !sessionAsRequested.has(frame[params] as object));
  if (unread.length > 0) {
    const read = withSessionView(unread.bind(sessionId, (frame) => (frame[params] as Record<string, string>)["sessionId"]), sessionId, view);
    unread.forEach((frame, index) => sessionAsRequested.set(frame[params] as object, read.then((viewed) => (viewed[index]?.[view] as SessionView | null) ?? null)));
  }
  const views = new Map<unknown, SessionView | null>();
  for (const frame of frames) views.set(frame[params], (await sessionAsRequested.get(frame[params] as object)) ?? null);
  return frames.bind(view, (frame) => views.get(frame[params]) ?? null);
}

/** The decision for the request bound to `body`, `params` and `user`, against the session it names. */
async function decisions<F extends Frames>(frames: F, vars: { body: symbol; params: symbol; user: symbol }, kind: UpdateDecision["kind"] | UpdateDecision["kind"][], fields: Record<string, symbol>): Promise<F> {
  const view = Symbol("view");
  const viewed = await withRequestedSession(frames, vars.params, view);
  const sessionIdOf = (frame: Frame) => (frame[vars.params] as Record<string, string>)["sessionId"];
  return decided(viewed, (frame) => decideUpdate(valueOf(frame, vars.body), sessionIdOf(frame), valueOf(frame, vars.user), valueOf(frame, view)), kind, fields);
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

export const EndStudySession: Sync = ({ request, body, params, user, session, owner, status, endedAt, elapsedMs, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, ["complete", "end"], { session, owner, status, endedAt, elapsedMs, notes }),
  then: actions(
    [FocusSession.update, { session, user: owner, notes }],
    [FocusSession.end, { session, user: owner, status, endedAt, elapsedMs }],
  ),
});

export const PauseStudySession: Sync = ({ request, body, params, user, session, owner, elapsedMs, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "pause", { session, owner, elapsedMs, notes }),
  then: actions([FocusSession.update, { session, user: owner, notes }], [FocusSession.pause, { session, user: owner, elapsedMs }]),
});

export const ResumeStudySession: Sync = ({ request, body, params, user, session, owner, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "resume", { session, owner, notes }),
  then: actions([FocusSession.update, { session, user: owner, notes }], [FocusSession.resume, { session, user: owner }]),
});

export const UpdateStudySessionNotes: Sync = ({ request, body, params, user, session, owner, notes }) => ({
  when: actions([Requesting.request, { route, body, params, user }, { request }]),
  where: (frames) => decisions(frames, { body, params, user }, "details", { session, owner, notes }),
  then: actions([FocusSession.update, { session, user: owner, notes }]),
});

export const AnswerCompletedStudySession: Sync = ({ request, session, user, newBadges, badgeCount, response }) => ({
  when: actions(
    [Requesting.request, { route }, { request }],
    [FocusSession.end, {}, { status: "completed", session, user }],
    [Badge.evaluate, { user }, { newBadges, badgeCount }],
  ),
  where: (frames) =>
    answerWithSession(frames, session, response, sessionBody).then((answered) =>
      answered.bind(response, (frame) => ({ ...(frame[response] as object), newBadgesEarned: frame[newBadges], badgeCount: frame[badgeCount] })),
    ),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerCompletedStudySessionWhenBadgeCheckFails: Sync = ({ request, session, user, error, badges, response }) => ({
  when: actions(
    [Requesting.request, { route }, { request }],
    [FocusSession.end, {}, { status: "completed", session, user }],
    [Badge.evaluate, { user }, { error }],
  ),
  where: async (frames) => {
    const held = await frames.queryAll(Badge._getUserBadges, { user }, badges);
    return answerWithSession(held, session, response, sessionBody).then((answered) =>
      answered.bind(response, (frame) => ({
        ...(frame[response] as object),
        newBadgesEarned: [],
        badgeCount: (frame[badges] as unknown[]).length,
        badgeCheckFailed: true,
      })),
    );
  },
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerEndedStudySession: Sync = ({ request, session, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.end, {}, { session, status }]),
  where: async (frames) => answerWithSession(frames.filter((frame) => frame[status] !== "completed"), session, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerPausedStudySession: Sync = ({ request, session, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.pause, {}, { session }]),
  where: (frames) => answerWithSession(frames, session, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerResumedStudySession: Sync = ({ request, session, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.resume, {}, { session }]),
  where: (frames) => answerWithSession(frames, session, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const AnswerStudySessionNotes: Sync = ({ request, body, session, response }) => ({
  when: actions([Requesting.request, { route, body }, { request }], [FocusSession.update, {}, { session }]),
  where: (frames) => answerWithSession(onlyNotes(frames, body), session, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

/** Concurrent changes the check before acting could not see (another request ended it first). */
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

/** An update's failure is the answer only when notes were all the request changed (else the next action answers). */
export const AnswerStudySessionNotesFailure: Sync = ({ request, body, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route, body }, { request }], [FocusSession.update, {}, { error, reason }]),
  where: (frames) => answerWithError(onlyNotes(frames, body), { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

function onlyNotes<F extends Frames>(frames: F, body: symbol): F {
  return frames.filter((frame) => planUpdate(frame[body] as Record<string, unknown>).kind === "details");
}
