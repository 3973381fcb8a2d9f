/**
 * The syncs of the 6-action request flow and the 4-action direct flow, over the test concepts:
 * request -> end -> stats + streak -> badge -> respond, and end -> stats + streak -> badge.
 */
import { actions } from "../../../src/engine/patterns.ts";
import type { Sync } from "../../../src/engine/sync.ts";
import { Badge, Requests, Sessions, Stats, Streak } from "./concepts.ts";

export const EndSessionOnRequest: Sync<{ id: string; request: string }> = ({ id, request }) => ({
  when: actions([Requests.request, { path: "/sessions/end", id }, { request }]),
  then: actions([Sessions.end, { session: id }]),
});

export const EndedSessionCountsInStats: Sync<{ user: string; minutes: number }> = ({ user, minutes }) => ({
  when: actions([Sessions.end, {}, { user, minutes }]),
  then: actions([Stats.record, { user, minutes }]),
});

export const EndedSessionCountsTowardStreak: Sync<{ user: string }> = ({ user }) => ({
  when: actions([Sessions.end, {}, { user }]),
  then: actions([Streak.bump, { user }]),
});

export const StreakEarnsBadge: Sync<{ user: string; current: number }> = ({ user, current }) => ({
  when: actions([Streak.bump, { user }, { current }]),
  then: actions([Badge.award, { user, badge: "streak" }]),
});

export const RespondWhenSessionEnded: Sync<{ request: string; session: string; badge: string }> = ({ request, session, badge }) => ({
  when: actions([Requests.request, { path: "/sessions/end" }, { request }], [Sessions.end, {}, { session }], [Badge.award, {}, { badge }]),
  then: actions([Requests.respond, { request, body: { session, badge } }]),
});

/** Four syncs for the direct flow (end -> stats + streak -> badge). */
export const directFlowSyncs = { EndedSessionCountsInStats, EndedSessionCountsTowardStreak, StreakEarnsBadge };

/** Six syncs for the request flow (request -> end -> stats + streak -> badge -> respond). */
export const requestFlowSyncs = { EndSessionOnRequest, ...directFlowSyncs, RespondWhenSessionEnded };
