/**
 * Seed 002, `PATCH {FLOW_BASE_PATH}/:id/pause | resume | end`: pause with the elapsed seconds,
 * resume without a body, end as completed (which the completion syncs then count) or
 * abandoned. Another user's session answers 403, an unknown one 404, an ended one 409.
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { flowError, sessionAnswer } from "./envelope.ts";
import { decideEnd, decidePause, decideResume } from "./requests.ts";
import { flowRoutes } from "./routes.ts";

export const PauseFlowSession: Sync = ({ request, body, params, user, owner, session, elapsedMs }) => ({
  when: actions([Requesting.request, { route: flowRoutes.pause, body, params, user }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decidePause(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user)), "pause", { user: owner, session, elapsedMs }),
  then: actions([FocusSession.pause, { session, user: owner, elapsedMs }]),
});

export const RefuseFlowSessionPause: Sync = ({ request, body, params, user, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.pause, body, params, user }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decidePause(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerPausedFlowSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.pause }, { request }], [FocusSession.pause, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionAnswer("focus session paused")),
  then: actions([Requesting.respond, { request, body: response }]),
});

export const AnswerFlowSessionPauseFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.pause }, { request }], [FocusSession.pause, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, flowError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const ResumeFlowSession: Sync = ({ request, params, user, owner, session }) => ({
  when: actions([Requesting.request, { route: flowRoutes.resume, params, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideResume(valueOf(frame, params), valueOf(frame, user)), "resume", { user: owner, session }),
  then: actions([FocusSession.resume, { session, user: owner }]),
});

export const RefuseFlowSessionResume: Sync = ({ request, params, user, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.resume, params, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideResume(valueOf(frame, params), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerResumedFlowSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.resume }, { request }], [FocusSession.resume, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionAnswer("focus session resumed")),
  then: actions([Requesting.respond, { request, body: response }]),
});

export const AnswerFlowSessionResumeFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.resume }, { request }], [FocusSession.resume, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, flowError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

/** A completion counts on the day its end falls on in the zone the request names (body `timeZone` or X-Time-Zone), else the session's, else the user's last known one. */
export const EndFlowSession: Sync = ({ request, body, params, user, header, owner, session, status, elapsedMs, timeZone }) => ({
  when: actions([Requesting.request, { route: flowRoutes.end, body, params, user, timeZone: header }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideEnd(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user), valueOf(frame, header)), "end", {
      user: owner,
      session,
      status,
      elapsedMs,
      timeZone,
    }),
  then: actions([FocusSession.end, { session, user: owner, status, elapsedMs, timeZone }]),
});

export const RefuseFlowSessionEnd: Sync = ({ request, body, params, user, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.end, body, params, user }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideEnd(valueOf(frame, body), valueOf(frame, params), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerEndedFlowSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.end }, { request }], [FocusSession.end, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionAnswer("focus session ended")),
  then: actions([Requesting.respond, { request, body: response }]),
});

export const AnswerFlowSessionEndFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.end }, { request }], [FocusSession.end, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, flowError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
