/** Seed 002, `POST {FLOW_BASE_PATH}`: start a session of 60 to 86400 seconds; 409 while one runs. */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { flowError, sessionAnswer } from "./envelope.ts";
import { decideStart } from "./requests.ts";
import { flowRoutes } from "./routes.ts";

const route = flowRoutes.start;

export const StartFlowSession: Sync = ({ request, body, user, header, owner, targetDurationMs, timeZone }) => ({
  when: actions([Requesting.request, { route, body, user, timeZone: header }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user), valueOf(frame, header)), "start", { user: owner, targetDurationMs, timeZone }),
  then: actions([FocusSession.start, { user: owner, targetDurationMs, timeZone }]),
});

export const RefuseFlowSessionStart: Sync = ({ request, body, user, status, response }) => ({
  when: actions([Requesting.request, { route, body, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStartedFlowSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionAnswer("focus session started")),
  then: actions([Requesting.respond, { request, status: 201, body: response }]),
});

export const AnswerFlowSessionStartFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, flowError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
