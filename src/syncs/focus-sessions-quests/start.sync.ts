/** Seed 001, `POST /focus-sessions`: start an active session, optionally for a quest; 200 with the created object. */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { answerWithError, answerWithView } from "../shared/answers.ts";
import { decided } from "../shared/decisions.ts";
import { decideStart } from "./requests.ts";
import { questSessionRoutes } from "./routes.ts";
import { questError, toQuestSession } from "./session-shape.ts";

const route = questSessionRoutes.start;

export const StartQuestSession: Sync = ({ request, body, user, header, owner, questId, description, targetDurationMs, timeZone }) => ({
  when: actions([Requesting.request, { route, body, user, timeZone: header }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user), valueOf(frame, header)), "start", {
      user: owner,
      questId,
      description,
      targetDurationMs,
      timeZone,
    }),
  then: actions([FocusSession.start, { user: owner, questId, description, targetDurationMs, timeZone }]),
});

export const RefuseQuestSessionStart: Sync = ({ request, body, user, status, response }) => ({
  when: actions([Requesting.request, { route, body, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideStart(valueOf(frame, body), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerStartedQuestSession: Sync = ({ request, view, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { view }]),
  where: (frames) => answerWithView(frames, view, response, toQuestSession),
  then: actions([Requesting.respond, { request, body: response }]),
});

export const AnswerQuestSessionStartFailure: Sync = ({ request, error, reason, status, response }) => ({
  when: actions([Requesting.request, { route }, { request }], [FocusSession.start, {}, { error, reason }]),
  where: (frames) => answerWithError(frames, { error, reason, status, body: response }, questError),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
