/** Seed 004, `POST /api/v1/sessions`: start an in-progress study session, answered 201 `{ session }`. */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { sessionBody, studyError } from "./answers.ts";
import { decideStart } from "./requests.ts";
import { studySessionRoutes } from "./routes.ts";

const route = studySessionRoutes.start;

export const StartStudySession: Sync = ({ request, body, user, header, owner, subject, startedAt, targetDurationMs, notes, timeZone }) => ({
  when: actions([Requesting.request, { route, body, user, timeZone: header }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user), valueOf(frame, header)), "start", {
      user: owner,
      subject,
      startedAt,
      targetDurationMs,
      notes,
      timeZone,
    }),
  then: actions([FocusSession.start, { user: owner, subject, startedAt, targetDurationMs, notes, timeZone }]),
});

export const RefuseStudySessionStart: Sync = ({ request, body, user, status, response }) => ({
  when: actions([Requesting.request, { route, body, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStartedStudySession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, sessionBody),
  then: actions([Requesting.respond, { request, status: 201, body: response }]),
});

export const AnswerStudySessionStartFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, studyError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
