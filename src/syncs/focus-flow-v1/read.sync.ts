/** Seed 002, `GET {FLOW_BASE_PATH}/active` (`data: null` when nothing runs) and `GET {FLOW_BASE_PATH}` (history). */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { decided } from "../shared/decisions.ts";
import { withSessionList, type SessionView } from "../shared/sessions.ts";
import { succeeded, toFlowSession } from "./envelope.ts";
import { decideActive, decideHistory } from "./requests.ts";
import { flowRoutes } from "./routes.ts";

export const AnswerActiveFlowSession: Sync = ({ request, user, owner, running, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.active, user }, { request }]),
  where: async (frames) => {
    const reading = decided(frames, (frame) => decideActive(valueOf(frame, user)), "read", { user: owner });
    const found = await reading.queryAll(FocusSession._getRunning, { user: owner }, running);
    return found.bind(response, (frame) => {
      const [view] = frame[running] as SessionView[];
      return view === undefined ? succeeded("no active session", null) : succeeded("active session", toFlowSession(view));
    });
  },
  then: actions([Requesting.respond, { request, body: response }]),
});

export const RefuseActiveFlowSession: Sync = ({ request, user, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.active, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideActive(valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

export const AnswerFlowSessionHistory: Sync = ({ request, query, user, owner, status, limit, views, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.history, query, user }, { request }]),
  where: async (frames) => {
    const reading = decided(frames, (frame) => decideHistory(valueOf(frame, query), valueOf(frame, user)), "read", { user: owner, status, limit });
    const listed = await withSessionList(reading, { user: owner, status, limit }, views);
    return listed.bind(response, (frame) => succeeded("session history", (frame[views] as SessionView[]).map(toFlowSession)));
  },
  then: actions([Requesting.respond, { request, body: response }]),
});

export const RefuseFlowSessionHistory: Sync = ({ request, query, user, status, response }) => ({
  when: actions([Requesting.request, { route: flowRoutes.history, query, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideHistory(valueOf(frame, query), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
