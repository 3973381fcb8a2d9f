/**
 * Seed 004, `GET /api/v1/sessions` and `GET /api/v1/sessions/summary`: a user's sessions
 * (filters, newest end first, limit) and the time studied over a period.
 */
import { FocusSession } from "../../concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStats } from "../../concepts/FocusStats/FocusStatsConcept.ts";
import { Requesting } from "../../concepts/Requesting/RequestingConcept.ts";
import { actions, valueOf, type Sync } from "../../engine/index.ts";
import { decided } from "../shared/decisions.ts";
import { withSessionList, type SessionView } from "../shared/sessions.ts";
import { withEndedBetween } from "../shared/zones.ts";
import { decideList, decideSummary } from "./requests.ts";
import { studySessionRoutes } from "./routes.ts";
import { toStudySession } from "./session-shape.ts";

const { list, summary } = studySessionRoutes;
/** Other statuses than completed are summed over the listing, which FocusSession caps at this many. */
const summaryCap = 1000;

/** A bare `endedAfter` or `endedBefore` takes a whole day in the user's zone (the X-Time-Zone header's, else their last known one, else UTC). */
export const ListStudySessions: Sync = ({ request, query, user, timeZone, owner, status, subject, after, before, endedAfter, endedBefore, limit, views, response }) => ({
  when: actions([Requesting.request, { route: list, query, user, timeZone }, { request }]),
  where: async (frames) => {
    const listing = decided(frames, (frame) => decideList(valueOf(frame, query), valueOf(frame, user)), "list", {
      user: owner,
      status,
      subject,
      endedAfter: after,
      endedBefore: before,
      limit,
    });
    const bounded = await withEndedBetween(listing, { user: owner, named: timeZone, from: after, to: before, endedAfter, endedBefore });
    const listed = await withSessionList(bounded, { user: owner, status, subject, endedAfter, endedBefore, limit }, views);
    return listed.bind(response, (frame) => ({ sessions: (frame[views] as SessionView[]).map(toStudySession) }));
  },
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

/** `status=in_progress`: the user's running session, if it matches (it has no end time, so end bounds leave it out). */
export const ListRunningStudySessions: Sync = ({ request, query, user, owner, subject, ended, views, response }) => ({
  when: actions([Requesting.request, { route: list, query, user }, { request }]),
  where: async (frames) => {
    const running = decided(frames, (frame) => decideList(valueOf(frame, query), valueOf(frame, user)), "running", { user: owner, subject, ended });
    const found = await running.queryAll(FocusSession._getRunning, { user: owner }, views);
    return found.bind(response, (frame) => ({ sessions: matchingRunning(frame[views] as SessionView[], frame[subject], frame[ended]).map(toStudySession) }));
  },
  then: actions([Requesting.respond, { request, status: 200, body: response }]),
});

export const RefuseStudySessionList: Sync = ({ request, query, user, status, response }) => ({
  when: actions([Requesting.request, { route: list, query, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideList(valueOf(frame, query), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

/**
 * Completed sessions, the default, are summed by the statistics (by the database, uncapped).
 * A bare `from` or `to` is a calendar day: the sessions counted on it, the day daily progress
 * and the streak count them on (their end, in the user's zone).
 */
export const SummarizeCompletedStudySessions: Sync = ({ request, query, user, owner, from, to, totalFocusMs, sessionCount }) => ({
  when: actions([Requesting.request, { route: summary, query, user }, { request }]),
  where: (frames) =>
    decided(frames, (frame) => decideSummary(valueOf(frame, query), valueOf(frame, user)), "completed", { user: owner, from, to }).query(
      FocusStats._summary,
      { user: owner, from, to },
      { totalFocusMs, sessionCount },
    ),
  then: actions([Requesting.respond, { request, body: { totalTimeStudied: totalFocusMs, timesStudied: sessionCount } }]),
});

/** A bare `from` or `to` takes a whole day in the user's zone (the X-Time-Zone header's, else their last known one, else UTC). */
export const SummarizeOtherStudySessions: Sync = ({ request, query, user, timeZone, owner, status, from, to, endedAfter, endedBefore, limit, views, response }) => ({
  when: actions([Requesting.request, { route: summary, query, user, timeZone }, { request }]),
  where: async (frames) => {
    const other = decided(frames, (frame) => decideSummary(valueOf(frame, query), valueOf(frame, user)), "other", { user: owner, status, from, to });
    const bounded = await withEndedBetween(other, { user: owner, named: timeZone, from, to, endedAfter, endedBefore });
    const listed = await withSessionList(bounded.bind(limit, () => summaryCap), { user: owner, status, endedAfter, endedBefore, limit }, views);
    return listed.bind(response, (frame) => {
      const sessions = frame[views] as SessionView[];
      return { totalTimeStudied: sessions.reduce((sum, view) => sum + view.elapsedMs, 0), timesStudied: sessions.length };
    });
  },
  then: actions([Requesting.respond, { request, body: response }]),
});

/** `status=in_progress`: the running session counts once; its length is not known until it ends. */
export const SummarizeRunningStudySessions: Sync = ({ request, query, user, owner, ended, views, response }) => ({
  when: actions([Requesting.request, { route: summary, query, user }, { request }]),
  where: async (frames) => {
    const running = decided(frames, (frame) => decideSummary(valueOf(frame, query), valueOf(frame, user)), "running", { user: owner, ended });
    const found = await running.queryAll(FocusSession._getRunning, { user: owner }, views);
    return found.bind(response, (frame) => ({ totalTimeStudied: 0, timesStudied: matchingRunning(frame[views] as SessionView[], undefined, frame[ended]).length }));
  },
  then: actions([Requesting.respond, { request, body: response }]),
});

export const RefuseStudySessionSummary: Sync = ({ request, query, user, status, response }) => ({
  when: actions([Requesting.request, { route: summary, query, user }, { request }]),
  where: (frames) => decided(frames, (frame) => decideSummary(valueOf(frame, query), valueOf(frame, user)), "refuse", { status, body: response }),
  then: actions([Requesting.respond, { request, status, body: response }]),
});

function matchingRunning(views: SessionView[], subject: unknown, ended: unknown): SessionView[] {
  if (ended === true) return [];
  return views.filter((view) => subject === undefined || view.subject === subject);
}
