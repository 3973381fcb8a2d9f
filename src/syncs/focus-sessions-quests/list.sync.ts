/** Seed 001, `GET /focus-sessions`: the user's sessions, by quest and status, newest first, 20 unless `limit` says. */
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { decided } from "../shared/decisions.ts";
import { withSessionList, type SessionView } from "../shared/sessions.ts";
import { decideList } from "./requests.ts";
import { questSessionRoutes } from "./routes.ts";
import { toQuestSession } from "./session-shape.ts";

const route = questSessionRoutes.list;

export const ListQuestSessions: Sync = ({ request, query, user, owner, questId, status, limit, views, response }) => ({
  when: actions([Requesting.request, { route, query, user }, { request }]),
  where: async (frames) => {
    const listing = decided(frames, (frame) => decideList(valueOf(frame, query), valueOf(frame, user)), "list", { user: owner, questId, status, limit });
    const listed = await withSessionList(listing, { user: owner, questId, status, limit }, views);
    return listed.bind(response, (frame) => (frame[views] as SessionView[]).map(toQuestSession));
  },
  then: actions([Requesting.respond, { request, body: response }]),
});

export const RefuseQuestSessionList: Sync = ({ request, query, user, status, response }) => ({
  when: actions([Requesting.request, { route, query, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideList(valueOf(frame, query), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});
